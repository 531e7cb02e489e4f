#include "mysql_dialect.hpp"

namespace relate::mysql {

namespace {

// Whether a text column takes part in a key or an index: MySQL can index TEXT only
// by a prefix, so such columns are VARCHAR(255).
bool keyed(const Column& column) {
  if (column.is_primary_key() || column.unique() || column.indexed()) return true;
  const Table& t = column.table();
  for (const auto& u : t.unique_constraints()) {
    for (const Column* c : u.columns) {
      if (c == &column) return true;
    }
  }
  for (const auto& ix : t.indexes()) {
    for (const Column* c : ix.columns) {
      if (c == &column) return true;
    }
  }
  for (const auto& fk : t.foreign_keys()) {
    for (const Column* c : fk.columns) {
      if (c == &column) return true;
    }
  }
  return false;
}

}  // namespace

std::string MysqlDialect::quote_identifier(std::string_view name) const {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + '`';
}

std::string MysqlDialect::limit_offset(std::optional<std::int64_t> limit,
                                       std::optional<std::int64_t> offset,
                                       std::size_t first) const {
  std::string out;
  // MySQL has no OFFSET without LIMIT: the largest limit stands for "all".
  out += limit ? " LIMIT " + placeholder(first++) : std::string(" LIMIT 18446744073709551615");
  if (offset) out += " OFFSET " + placeholder(first);
  return out;
}

std::string MysqlDialect::column_type(const Column& column) const {
  switch (column.type()) {
    case ColumnType::boolean:
      return "BOOLEAN";
    case ColumnType::real:
      return "FLOAT";
    case ColumnType::double_precision:
      return "DOUBLE";
    case ColumnType::text:
      return keyed(column) ? "VARCHAR(255)" : "LONGTEXT";
    case ColumnType::blob:
      return "LONGBLOB";
    case ColumnType::timestamp:
      return "DATETIME(6)";
    default:
      return Dialect::column_type(column);
  }
}

std::string MysqlDialect::autoincrement_column(const Column& column) const {
  return quote_identifier(column.name()) + " " + column_type(column) +
         " NOT NULL AUTO_INCREMENT PRIMARY KEY";
}

bool MysqlDialect::supports_referential_action(ReferentialAction action) const {
  return action != ReferentialAction::set_default;
}

std::string MysqlDialect::table_options() const {
  // utf8mb4_bin is PAD SPACE ('a' = 'a ', and a unique index refuses 'a ' next to 'a');
  // utf8mb4_nopad_bin (MariaDB 10.2+) compares exactly. MySQL 8.0 spells it
  // utf8mb4_0900_bin.
  return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
}

std::string MysqlDialect::has_table_sql() const {
  return "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND "
         "table_name = ?";
}

}  // namespace relate::mysql
