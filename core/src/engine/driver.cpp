#include <relate/engine/driver.hpp>
#include <relate/errors.hpp>
#include <string>

namespace relate {

namespace {
std::string count_of(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
}  // namespace

void Cursor::wrong_column_count(std::size_t wanted) const {
  throw ArgumentError("row<...>() reads " + count_of(wanted, "column", "columns") +
                      ", but the statement's rows have " + std::to_string(column_count()) +
                      ": name one type per column");
}

void Cursor::check_column(std::size_t i, const std::string& sql) const {
  if (i < column_count()) return;
  throw ProgrammingError("column " + std::to_string(i) + " was read, but the row has " +
                             std::to_string(column_count()) + " (columns count from 0) [SQL: " +
                             sql + "]",
                         sql);
}

void Cursor::null_column(std::size_t i) {
  throw DataError("column " + std::to_string(i) +
                  " of the row (counting from 0) is NULL: read it as a std::optional to accept "
                  "NULL");
}

void DriverConnection::savepoint(const std::string& name) {
  execute(sql::CompiledStatement{"SAVEPOINT " + name, {}, sql::Returns::no_rows});
}

void DriverConnection::release_savepoint(const std::string& name) {
  execute(sql::CompiledStatement{"RELEASE SAVEPOINT " + name, {}, sql::Returns::no_rows});
}

void DriverConnection::rollback_to_savepoint(const std::string& name) {
  execute(sql::CompiledStatement{"ROLLBACK TO SAVEPOINT " + name, {}, sql::Returns::no_rows});
}

void throw_placeholder_mismatch(std::size_t placeholders, std::size_t values,
                                const std::string& sql, std::string_view hint) {
  std::string message = "the statement has " +
                        count_of(placeholders, "parameter placeholder", "parameter placeholders") +
                        " and " + count_of(values, "value was", "values were") + " given";
  if (!hint.empty()) message += " (" + std::string(hint) + ")";
  throw ProgrammingError(message + " [SQL: " + sql + "]", sql);
}

}  // namespace relate
