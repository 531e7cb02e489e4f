#include "mysql_dialect.hpp"

#include <algorithm>
#include <relate/errors.hpp>
#include <relate/schema_def.hpp>

namespace relate::mysql {

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

std::string MysqlDialect::column_type(ColumnType type, bool keyed) const {
  switch (type) {
    case ColumnType::boolean:
      return "BOOLEAN";
    case ColumnType::real:
      return "FLOAT";
    case ColumnType::double_precision:
      return "DOUBLE";
    case ColumnType::text:
      // MySQL indexes a TEXT only by a prefix.
      return keyed ? "VARCHAR(255)" : "LONGTEXT";
    case ColumnType::blob:
      return "LONGBLOB";
    case ColumnType::timestamp:
      return "DATETIME(6)";
    default:
      return Dialect::column_type(type, keyed);
  }
}

std::string MysqlDialect::autoincrement_column(std::string_view name, ColumnType type) const {
  return quote_identifier(name) + " " + column_type(type, true) +
         " NOT NULL AUTO_INCREMENT PRIMARY KEY";
}

std::string MysqlDialect::literal(const Value& value) const {
  if (value.kind() != Value::Kind::text) return Dialect::literal(value);
  std::string out = "'";
  for (char c : value.as_text()) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

std::vector<std::string> MysqlDialect::alter_column(const std::string& table, const ColumnDef&,
                                                    const ColumnDef&, const std::string&,
                                                    const std::string& definition) const {
  return {"ALTER TABLE " + quote_identifier(table) + " MODIFY COLUMN " + definition};
}

std::string MysqlDialect::drop_index(const std::string& table, const std::string& index) const {
  return "DROP INDEX " + quote_identifier(index) + " ON " + quote_identifier(table);
}

std::vector<std::string> MysqlDialect::lock_migrations_sql() const {
  // A day's wait: another instance's upgrade is running, not stuck.
  return {"SELECT GET_LOCK(CONCAT('relate_migrate.', DATABASE()), 86400)"};
}

std::vector<std::string> MysqlDialect::unlock_migrations_sql() const {
  return {"SELECT RELEASE_LOCK(CONCAT('relate_migrate.', DATABASE()))"};
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

std::string_view MysqlDialect::binary_operator(sql::BinaryOp op) const {
  // `/` of two integers is a DECIMAL in MySQL; DIV truncates, as elsewhere.
  return op == sql::BinaryOp::int_div ? " DIV " : Dialect::binary_operator(op);
}

std::string MysqlDialect::concat(const std::string& left, const std::string& right) const {
  // `||` is OR in MySQL's default mode.
  return "CONCAT(" + left + ", " + right + ")";
}

std::string MysqlDialect::call(sql::Function function, const std::vector<std::string>& args,
                               bool distinct) const {
  // LENGTH counts bytes in MySQL; characters are CHAR_LENGTH.
  if (function == sql::Function::length) return "CHAR_LENGTH(" + args.at(0) + ")";
  // ROUND of a DOUBLE rounds half to even; of a DECIMAL half away from zero, as the
  // other backends do.
  if (function == sql::Function::round && args.size() == 2) {
    return "CAST(ROUND(CAST(" + args[0] + " AS DECIMAL(65, 30)), " + args[1] + ") AS DOUBLE)";
  }
  return Dialect::call(function, args, distinct);
}

std::string MysqlDialect::cast_type(ColumnType type) const {
  switch (type) {
    case ColumnType::boolean:
    case ColumnType::small_integer:
    case ColumnType::integer:
    case ColumnType::big_integer:
      return "SIGNED";
    case ColumnType::real:
    case ColumnType::double_precision:
      return "DOUBLE";
    case ColumnType::text:
      return "CHAR";
    case ColumnType::blob:
      return "BINARY";
    case ColumnType::timestamp:
      return "DATETIME(6)";
  }
  return "CHAR";
}

std::string MysqlDialect::on_conflict(const Table& table, const std::vector<const Column*>& columns,
                                      const sql::OnConflict& conflict) const {
  // ON DUPLICATE KEY UPDATE fires on any unique key, not on the one named: where the
  // row could collide on another, the result would differ from the other backends, so
  // the statement is refused instead.
  auto is_target = [&](const std::vector<const Column*>& key) {
    return std::is_permutation(key.begin(), key.end(), conflict.target.begin(),
                               conflict.target.end());
  };
  auto inserted = [&](const std::vector<const Column*>& key) {
    return std::all_of(key.begin(), key.end(), [&](const Column* c) {
      return std::find(columns.begin(), columns.end(), c) != columns.end();
    });
  };
  std::vector<std::vector<const Column*>> keys{table.primary_key()};
  for (const auto& u : table.unique_constraints()) keys.push_back(u.columns);
  for (const auto& ix : table.indexes()) {
    if (ix.unique) keys.push_back(ix.columns);
  }
  for (const auto& c : table.columns()) {
    if (c->unique()) keys.push_back({c.get()});
  }
  for (const auto& key : keys) {
    if (!key.empty() && !is_target(key) && inserted(key)) {
      throw ArgumentError("an upsert into '" + table.name() +
                          "' on MySQL/MariaDB: a row may also collide on another unique key (" +
                          key.front()->name() + (key.size() > 1 ? ", ..." : "") +
                          "), and ON DUPLICATE KEY UPDATE would act on it too; upsert on that "
                          "table is refused on this backend");
    }
  }
  std::string out = " ON DUPLICATE KEY UPDATE ";
  // Doing nothing is setting a key column to itself (INSERT IGNORE would also hide
  // other errors).
  const std::vector<const Column*>& set =
      conflict.update.empty() ? conflict.target : conflict.update;
  for (std::size_t i = 0; i < set.size(); ++i) {
    if (i) out += ", ";
    const std::string c = quote_identifier(set[i]->name());
    out += c + (conflict.update.empty() ? " = " + c : " = VALUES(" + c + ")");
    if (conflict.update.empty()) break;
  }
  return out;
}

}  // namespace relate::mysql
