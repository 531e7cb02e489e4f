// A column default's SQL read as the value it stands for. Relate keeps defaults in
// standard SQL's spelling (Value::to_string: 'it''s', x'0aff', TRUE); each dialect
// writes the value its own way in DDL (Dialect::literal), and reads back its own
// spelling (PostgreSQL's 'draft'::text and '-1'::integer, MariaDB's 'it\'s' and 1 for
// true), which compares equal to the value it stands for.
#pragma once

#include <optional>
#include <relate/column_traits.hpp>
#include <relate/value.hpp>
#include <string>
#include <string_view>

namespace relate {
class Dialect;
}  // namespace relate

namespace relate::sql {

// The value of a literal (in parentheses, with PostgreSQL's casts after it, quoted
// strings with '' or, where `backslash_escapes`, \' inside); none for anything else (a
// function call).
std::optional<Value> parse_literal(std::string_view sql, bool backslash_escapes = false);

// Whether two defaults (SQL, none for no default) of a column of `type` stand for the
// same value. DEFAULT NULL is no default. Literals are compared as values (numbers as
// numbers, so that 1 is TRUE on a boolean column; a timestamp without its fraction's
// trailing zeros); anything else by its text, case left out.
bool same_default(const std::optional<std::string>& a, const std::optional<std::string>& b,
                  std::optional<ColumnType> type);

// A default in standard SQL's spelling, where it is a literal; as it is otherwise.
std::string standard_default(std::string_view sql, bool backslash_escapes = false);
// A default in standard spelling, written as `d` writes its value.
std::string dialect_default(std::string_view sql, const Dialect& d);

}  // namespace relate::sql
