#include "sqlite_dialect.hpp"

namespace relate::sqlite {

std::string SqliteDialect::autoincrement_column(const Column& column) const {
  // Exactly "INTEGER PRIMARY KEY" makes the column an alias of the rowid.
  return quote_identifier(column.name()) + " INTEGER NOT NULL PRIMARY KEY";
}

std::string SqliteDialect::has_table_sql() const {
  return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
}

}  // namespace relate::sqlite
