// LIKE patterns as every backend reads them the same way: the checks the compiler
// makes before a pattern is sent.
#pragma once

#include <string_view>

namespace relate::sql {

// Throws relate::ArgumentError unless `escape` is ASCII punctuation other than % and _,
// and in `pattern` it is followed by nothing but %, _ or itself. (The backends disagree
// about the rest: PostgreSQL refuses a trailing escape, MySQL and SQLite do not.)
void check_like_pattern(std::string_view pattern, char escape);

}  // namespace relate::sql
