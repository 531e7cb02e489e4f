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

bool is_disconnect(const std::string& sqlstate, const pg_conn* connection) {
  if (connection && PQstatus(connection) == CONNECTION_BAD) return true;
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == "57P05" || sqlstate == "25P03";
}

void throw_error(std::string message, const std::string& state, const pg_conn* connection,
                 const std::string& sql, const std::string& where) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  if (!sql.empty()) message += " [SQL: " + sql + "]";
  if (is_disconnect(state, connection)) {
    throw OperationalError("PostgreSQL at " + where + ": connection lost: " + message, sql,
                           OperationalError::Link::lost);
  }
  if (state == "25P02") {
    // in_failed_sql_transaction: the connection checks before each statement, so this is
    // one that went around it (BEGIN, SAVEPOINT...).
    throw PendingRollbackError("PostgreSQL at " + where + ": " + message +
                               " (an earlier statement failed in this transaction: call "
                               "rollback(), then go on)");
  }
  if (state.rfind("23", 0) == 0) throw IntegrityError(message, sql, constraint_of(message));
  if (state.rfind("22", 0) == 0) throw DataError(message, sql);
  if (state.rfind("42", 0) == 0) throw ProgrammingError(message, sql);
  throw OperationalError("PostgreSQL at " + where + ": " + message, sql);
}

void throw_error(const soci::soci_error& error, const pg_conn* connection, const std::string& sql,
                 const std::string& where) {
  const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error);
  throw_error(error.get_error_message(), pg ? pg->sqlstate() : std::string(), connection, sql,
              where);
}

}  // namespace relate::postgres
