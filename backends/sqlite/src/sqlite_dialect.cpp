#include "sqlite_dialect.hpp"

namespace relate::sqlite {

std::string SqliteDialect::autoincrement_column(const Column& column) const {
  // Exactly "INTEGER PRIMARY KEY" makes the column an alias of the rowid.
  return quote_identifier(column.name()) + " INTEGER NOT NULL PRIMARY KEY";
}

std::string SqliteDialect::limit_offset(std::optional<std::int64_t> limit,
                                        std::optional<std::int64_t> offset,
                                        std::size_t first) const {
  std::string out;
  if (limit) {
    out += " LIMIT " + placeholder(first++);
  } else if (offset) {
    out += " LIMIT -1";
  }
  if (offset) out += " OFFSET " + placeholder(first);
  return out;
}

std::string SqliteDialect::has_table_sql() const {
  return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
}

}  // namespace relate::sqlite
