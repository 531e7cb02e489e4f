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
  std::string column_type(const Column& column) const override;
  // SOCI reads TIMESTAMP into a std::tm, without the microseconds: read it as text.
  std::string select_column(std::string sql, const Column& column) const override;
  std::string autoincrement_column(const Column& column) const override;
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
  migrate::Schema reflect(Connection& connection) const override;  // postgres_reflection.cpp
};

}  // namespace relate::postgres
