// SQLite's SQL: double-quoted identifiers, ? placeholders, INTEGER PRIMARY KEY as the
// rowid alias for autoincrement, RETURNING (3.35+), every ON DELETE action, no limit on
// identifiers, and case-sensitive LIKE written as GLOB.
#pragma once

#include <relate/engine/dialect.hpp>

namespace relate::sqlite {

class SqliteDialect final : public Dialect {
 public:
  std::string_view name() const override { return "sqlite"; }
  std::string autoincrement_column(std::string_view name, ColumnType type) const override;
  // SQLite has no OFFSET without LIMIT: LIMIT -1 stands for "all".
  std::string limit_offset(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset,
                           std::size_t first_param_index) const override;
  // SQLite's LIKE ignores ASCII case: a case-sensitive LIKE is written as GLOB, its
  // pattern translated, which compares characters exactly (UTF-8 aware, as LIKE is).
  std::string like(const std::string& operand, const sql::Like& like,
                   const std::function<std::string(Value)>& bind) const override;
  TextComparison text_comparison() const override { return TextComparison::ordered_bytes; }
  bool supports_returning() const override { return true; }
  // A new rowid is one above the largest (until that reaches the largest integer), and
  // the writer holds the database's write lock.
  GeneratedKeys generated_keys() const override { return GeneratedKeys::consecutive; }
  bool names_values_columns() const override { return false; }
  std::size_t max_parameters() const override { return 32766; }
  std::string has_table_sql() const override;
  SchemaDef reflect(Connection& connection) const override;  // sqlite_reflection.cpp
  // ALTER TABLE adds, renames and drops plain columns; the rest rebuilds the table,
  // with foreign keys unenforced (the pragma does nothing inside a transaction) and
  // checked before the commit.
  bool limited_alter_table() const override { return true; }
  std::vector<std::string> unenforce_foreign_keys_sql() const override {
    return {"PRAGMA foreign_keys = OFF"};
  }
  std::vector<std::string> enforce_foreign_keys_sql() const override {
    return {"PRAGMA foreign_keys = ON"};
  }
  std::string foreign_key_check_sql() const override { return "PRAGMA foreign_key_check"; }
  // CHECK, COLLATE, AUTOINCREMENT, generated columns, STRICT, WITHOUT ROWID and
  // triggers are not in a TableDef: a rebuild would drop them (sqlite_reflection.cpp).
  void check_rebuild(Connection& connection, const std::string& table) const override;
};

}  // namespace relate::sqlite
