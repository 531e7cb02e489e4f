// MySQL's and MariaDB's SQL: backquoted identifiers of at most 64 characters, ?
// placeholders, AUTO_INCREMENT keys read back with LAST_INSERT_ID(), InnoDB tables in
// utf8mb4 with MariaDB's NO PAD binary collation (string equality and LIKE exact, as
// on SQLite and PostgreSQL), VARCHAR(255) for text that carries a key or an index,
// DATETIME(6), and no ON DELETE/UPDATE SET DEFAULT (InnoDB refuses it).
#pragma once

#include <relate/engine/dialect.hpp>

namespace relate::mysql {

class MysqlDialect final : public Dialect {
 public:
  std::string_view name() const override { return "mysql"; }
  // A single-table UPDATE assigns left to right: a SET reads what earlier ones assigned.
  bool update_reads_old_row() const override { return false; }
  std::string quote_identifier(std::string_view name) const override;
  bool backslash_escapes() const override { return true; }
  bool hash_comments() const override { return true; }
  bool supports_limit_in_in_subquery() const override { return false; }
  // Longer names are refused (errno 1059), also the ones the server makes up.
  std::size_t max_identifier_length() const override { return 64; }
  bool identifier_limit_in_characters() const override { return true; }
  std::string limit_offset(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset,
                           std::size_t first_param_index) const override;
  std::string column_type(ColumnType type, bool keyed) const override;
  std::string autoincrement_column(std::string_view name, ColumnType type) const override;
  bool supports_referential_action(ReferentialAction action) const override;
  bool supports_alter_foreign_key() const override { return true; }
  std::string drop_foreign_key_clause() const override { return "DROP FOREIGN KEY"; }
  std::string table_options() const override;
  std::size_t max_parameters() const override { return 65535; }
  GeneratedKeys generated_keys() const override { return GeneratedKeys::stepped; }
  std::string default_values() const override { return " () VALUES ()"; }
  std::string_view binary_operator(sql::BinaryOp op) const override;
  std::string concat(const std::string& left, const std::string& right) const override;
  std::string call(sql::Function function, const std::vector<std::string>& args,
                   bool distinct) const override;
  std::string cast_type(ColumnType type) const override;
  std::string on_conflict(const Table& table, const std::vector<const Column*>& columns,
                          const sql::OnConflict& conflict) const override;
  std::string has_table_sql() const override;
  SchemaDef reflect(Connection& connection) const override;  // mysql_reflection.cpp
  bool unique_constraints_are_indexes() const override { return true; }
  bool restrict_is_no_action() const override { return true; }
  // A backslash in a string literal escapes the next character: it is doubled.
  std::string literal(const Value& value) const override;
  // MODIFY COLUMN restates the whole column.
  std::vector<std::string> alter_column(const std::string& table, const ColumnDef& from,
                                        const ColumnDef& to, const std::string& type,
                                        const std::string& definition) const override;
  std::string drop_index(const std::string& table, const std::string& index) const override;
  std::string drop_unique_clause() const override { return "DROP INDEX"; }
  bool transactional_ddl() const override { return false; }
  // GET_LOCK is the server's: the lock is named after the database.
  std::vector<std::string> lock_migrations_sql() const override;
  std::vector<std::string> unlock_migrations_sql() const override;
};

}  // namespace relate::mysql
