// What SOCI's PostgreSQL backend makes of a statement's text. SOCI 4.0.3 rewrites every
// ':' followed by a name into a numbered parameter ($1, $2...), skipping only what lies
// between single or double quotes and the '::' and ':=' operators: a ':' or an
// apostrophe in a comment, or a ':' in an array slice, changes the parameters it finds.
// The connection counts them the same way before anything reaches the server, so that
// placeholders that do not match the values are an error that names both numbers, and
// sends the statement without its comments.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relate::postgres {

// The parameters SOCI 4.0.3's parser finds in `sql` (its rules, not PostgreSQL's).
std::size_t soci_parameter_count(std::string_view sql);

// `sql` without its comments (-- to the end of the line, /* */ nested as PostgreSQL
// nests them), read by PostgreSQL's rules: quotes, E'' strings and $tag$ strings keep
// what they hold. Each comment becomes a space.
std::string without_comments(std::string_view sql);

}  // namespace relate::postgres
