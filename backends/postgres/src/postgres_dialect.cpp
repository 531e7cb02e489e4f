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

std::string PostgresDialect::column_type(const Column& column) const {
  switch (column.type()) {
    case ColumnType::blob:
      return "BYTEA";
    case ColumnType::timestamp:
      return "TIMESTAMP";
    default:
      return Dialect::column_type(column);
  }
}

std::string PostgresDialect::select_column(std::string sql, const Column& column) const {
  if (column.type() != ColumnType::timestamp) return sql;
  return "CAST(" + sql + " AS TEXT) AS " + quote_identifier(column.name());
}

std::string PostgresDialect::autoincrement_column(const Column& column) const {
  const bool narrow =
      column.type() == ColumnType::integer || column.type() == ColumnType::small_integer;
  return quote_identifier(column.name()) + (narrow ? " SERIAL" : " BIGSERIAL") + " PRIMARY KEY";
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
