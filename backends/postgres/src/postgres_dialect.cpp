#include "postgres_dialect.hpp"

namespace relate::postgres {

std::string PostgresDialect::placeholder(std::size_t index) const {
  return ":p" + std::to_string(index + 1);
}

std::string PostgresDialect::value_placeholder(std::size_t index, const Value& value) const {
  if (value.kind() == Value::Kind::real)
    return "CAST(" + placeholder(index) + " AS DOUBLE PRECISION)";
  return placeholder(index);
}

std::string PostgresDialect::inserted_value(std::string sql, const Column& column) const {
  // The type without its length or precision: a cast to VARCHAR(n) would cut a longer
  // text short, where the INSERT refuses it.
  return "CAST(" + sql + " AS " + cast_type(column.type()) + ")";
}

std::string PostgresDialect::like(const std::string& operand, const sql::Like& like,
                                  const std::function<std::string(Value)>& bind) const {
  if (like.match_case == sql::Case::sensitive) return Dialect::like(operand, like, bind);
  const std::string pattern = bind(Value(like.pattern));
  return operand + " ILIKE " + pattern + " ESCAPE " + bind(Value(std::string(1, like.escape)));
}

std::string PostgresDialect::column_type(ColumnType type, bool keyed) const {
  switch (type) {
    case ColumnType::blob:
      return "BYTEA";
    case ColumnType::timestamp:
      return "TIMESTAMP";
    default:
      return Dialect::column_type(type, keyed);
  }
}

std::string PostgresDialect::select_column(std::string sql, const Column& column) const {
  if (column.type() != ColumnType::timestamp) return sql;
  return "CAST(" + sql + " AS TEXT) AS " + quote_identifier(column.name());
}

std::string PostgresDialect::autoincrement_column(std::string_view name, ColumnType type) const {
  const bool narrow = type == ColumnType::integer || type == ColumnType::small_integer;
  return quote_identifier(name) + (narrow ? " SERIAL" : " BIGSERIAL") + " PRIMARY KEY";
}

std::string PostgresDialect::literal(const Value& value) const {
  if (value.kind() != Value::Kind::blob) return Dialect::literal(value);
  static const char* hex = "0123456789abcdef";
  std::string out = "'\\x";
  for (std::byte b : value.as_blob()) {
    out += hex[std::to_integer<unsigned>(b) >> 4];
    out += hex[std::to_integer<unsigned>(b) & 15];
  }
  return out + "'";
}

std::string PostgresDialect::type_conversion(const std::string& column,
                                             const std::string& type) const {
  return " USING " + quote_identifier(column) + "::" + type;
}

namespace {
// "relate_m" in ASCII: the advisory lock migrations hold.
constexpr const char* kMigrationLock = "8243113858791989101";
}  // namespace

std::vector<std::string> PostgresDialect::lock_migrations_sql() const {
  // pg_advisory_lock returns void, which no driver reads: a row of its own instead.
  return {std::string("SELECT 1 FROM (SELECT pg_advisory_lock(") + kMigrationLock + ")) AS taken"};
}

std::vector<std::string> PostgresDialect::unlock_migrations_sql() const {
  return {std::string("SELECT pg_advisory_unlock(") + kMigrationLock + ")"};
}

std::string PostgresDialect::has_table_sql() const {
  return "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND "
         "table_name = :p1";
}

std::string PostgresDialect::call(sql::Function function, const std::vector<std::string>& args,
                                  bool distinct) const {
  // ROUND(x, n) is defined for NUMERIC only.
  if (function == sql::Function::round && args.size() == 2) {
    return "CAST(ROUND(CAST(" + args[0] + " AS NUMERIC), " + args[1] + ") AS DOUBLE PRECISION)";
  }
  return Dialect::call(function, args, distinct);
}

std::string PostgresDialect::cast_type(ColumnType type) const {
  switch (type) {
    case ColumnType::boolean:
      return "BOOLEAN";
    case ColumnType::small_integer:
      return "SMALLINT";
    case ColumnType::blob:
      return "BYTEA";
    default:
      return Dialect::cast_type(type);
  }
}

}  // namespace relate::postgres
