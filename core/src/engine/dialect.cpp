#include <relate/engine/dialect.hpp>

namespace relate {

std::string Dialect::quote_identifier(std::string_view name) const {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string Dialect::placeholder(std::size_t) const { return "?"; }

std::string Dialect::limit_offset(std::optional<std::int64_t> limit,
                                  std::optional<std::int64_t> offset, std::size_t first) const {
  std::string out;
  if (limit) out += " LIMIT " + placeholder(first++);
  if (offset) out += " OFFSET " + placeholder(first);
  return out;
}

std::string Dialect::column_type(const Column& column) const {
  switch (column.type()) {
    case ColumnType::boolean:
      return "BOOLEAN";
    case ColumnType::small_integer:
      return "SMALLINT";
    case ColumnType::integer:
      return "INTEGER";
    case ColumnType::big_integer:
      return "BIGINT";
    case ColumnType::real:
      return "REAL";
    case ColumnType::double_precision:
      return "DOUBLE PRECISION";
    case ColumnType::text:
      return "TEXT";
    case ColumnType::blob:
      return "BLOB";
    case ColumnType::timestamp:
      return "TIMESTAMP";
  }
  return "TEXT";
}

std::string Dialect::autoincrement_column(const Column& column) const {
  return quote_identifier(column.name()) + " " + column_type(column) + " PRIMARY KEY";
}

bool Dialect::supports_referential_action(ReferentialAction) const { return true; }

}  // namespace relate
