#include "postgres_errors.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <relate/errors.hpp>

namespace relate::postgres {

namespace {

// 'violates foreign key constraint "posts_user_id_fkey" on table ...' -> the name.
std::string constraint_of(const std::string& message) {
  const auto at = message.find("constraint \"");
  if (at == std::string::npos) return {};
  const auto begin = at + 12;
  const auto end = message.find('"', begin);
  return end == std::string::npos ? std::string() : message.substr(begin, end - begin);
}

}  // namespace

void throw_error(const soci::soci_error& error, const std::string& sql, const std::string& where) {
  std::string message = error.get_error_message();
  const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error);
  const std::string state = pg ? pg->sqlstate() : std::string();
  if (!sql.empty()) message += " [SQL: " + sql + "]";
  if (state.rfind("23", 0) == 0) throw IntegrityError(message, sql, constraint_of(message));
  if (state.rfind("22", 0) == 0) throw DataError(message, sql);
  if (state.rfind("42", 0) == 0) throw ProgrammingError(message, sql);
  throw OperationalError("PostgreSQL at " + where + ": " + message, sql);
}

}  // namespace relate::postgres
