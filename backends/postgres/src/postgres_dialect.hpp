// PostgreSQL's SQL: double-quoted identifiers of at most 63 bytes, SOCI's :name
// placeholders (SOCI turns them into $n), BIGSERIAL keys, RETURNING, BYTEA and BOOLEAN
// columns, OFFSET without LIMIT, every ON DELETE action, ILIKE.
#pragma once

#include <relate/engine/dialect.hpp>

namespace relate::postgres {

class PostgresDialect final : public Dialect {
 public:
  std::string_view name() const override { return "postgresql"; }
  std::string placeholder(std::size_t index) const override;
  // A double travels as text ("2" for 2.0): typed, so that the server does not read it
  // as the integer its neighbour is.
  std::string value_placeholder(std::size_t index, const Value& value) const override;
  // NAMEDATALEN - 1: longer names are cut short, with only a NOTICE.
  std::size_t max_identifier_length() const override { return 63; }
  std::string like(const std::string& operand, const sql::Like& like,
                   const std::function<std::string(Value)>& bind) const override;
  std::string column_type(ColumnType type, bool keyed) const override;
  // SOCI reads TIMESTAMP into a std::tm, without the microseconds: read it as text.
  std::string select_column(std::string sql, const Column& column) const override;
  std::string autoincrement_column(std::string_view name, ColumnType type) const override;
  TextComparison text_comparison() const override { return TextComparison::equal_bytes; }
  bool supports_returning() const override { return true; }
  // A sequence (SERIAL, IDENTITY) hands out its values in the order the rows of an
  // INSERT ... SELECT ... ORDER BY are inserted.
  GeneratedKeys generated_keys() const override { return GeneratedKeys::ascending; }
  std::string inserted_value(std::string sql, const Column& column) const override;
  bool supports_alter_foreign_key() const override { return true; }
  std::size_t max_parameters() const override { return 65535; }
  std::string call(sql::Function function, const std::vector<std::string>& args,
                   bool distinct) const override;
  std::string cast_type(ColumnType type) const override;
  std::string has_table_sql() const override;
  SchemaDef reflect(Connection& connection) const override;  // postgres_reflection.cpp
  // A BYTEA literal is '\x0aff'.
  std::string literal(const Value& value) const override;
  // USING "c"::type: the rows are converted as a cast would.
  std::string type_conversion(const std::string& column, const std::string& type) const override;
  // A session-level advisory lock on a number of Relate's.
  std::vector<std::string> lock_migrations_sql() const override;
  std::vector<std::string> unlock_migrations_sql() const override;
};

}  // namespace relate::postgres
