#include "mysql_errors.hpp"

#include <cppconn/exception.h>

#include <relate/errors.hpp>

namespace relate::mysql {

namespace {

// 'Duplicate entry 'x' for key 'email'' -> email; 'CONSTRAINT `posts_ibfk_1`' -> that.
std::string constraint_of(const std::string& message) {
  if (auto at = message.find("CONSTRAINT `"); at != std::string::npos) {
    const auto begin = at + 12;
    return message.substr(begin, message.find('`', begin) - begin);
  }
  if (auto at = message.find("for key '"); at != std::string::npos) {
    const auto begin = at + 9;
    return message.substr(begin, message.find('\'', begin) - begin);
  }
  return {};
}

// Errors after which the connection is gone: the client lost the server, or the
// server ended the session (killed, shut down, timed out).
bool is_disconnect(const ::sql::SQLException& e) {
  switch (e.getErrorCode()) {
    case 1053:  // server shutdown in progress
    case 1077:  // normal shutdown
    case 1078:  // got signal, aborting
    case 1079:  // shutdown complete
    case 1152:  // aborted connection
    case 1158:  // error reading communication packets
    case 1159:  // timeout reading communication packets
    case 1160:  // error writing communication packets
    case 1161:  // timeout writing communication packets
    case 1927:  // connection was killed (MariaDB)
    case 2006:  // server has gone away
    case 2013:  // lost connection during query
    case 2014:  // commands out of sync: the protocol state is lost
    case 2055:  // lost connection (extended)
    case 2056:  // statement closed with its connection
    case 4031:  // disconnected by the server for inactivity (MySQL 8)
    case 5013:  // network read error (MariaDB Connector/C)
    case 5014:  // network write error (MariaDB Connector/C)
      return true;
    default:
      return e.getSQLState().rfind("08", 0) == 0;  // SQLSTATE class 08: connection exception
  }
}

}  // namespace

void throw_error(const ::sql::SQLException& e, const std::string& sql, const std::string& where) {
  std::string message = e.what();
  if (!sql.empty()) message += " [SQL: " + sql + "]";
  if (is_disconnect(e)) {
    throw OperationalError("MySQL at " + where + ": connection lost: " + message, sql,
                           OperationalError::Link::lost);
  }
  switch (e.getErrorCode()) {
    case 1451:  // a parent row is still referenced
    case 1452:  // no parent row
    case 1062:  // duplicate key
    case 1048:  // NULL into NOT NULL
    case 1364:  // no default for NOT NULL column
    case 1216:
    case 1217:
      throw IntegrityError(message, sql, constraint_of(e.what()));
    case 1064:  // syntax
    case 1146:  // no such table
    case 1054:  // no such column
    case 1050:  // table exists
      throw ProgrammingError(message, sql);
    case 1264:  // out of range
    case 1406:  // too long
    case 1292:  // bad value
    case 1366:
      throw DataError(message, sql);
    default:
      throw OperationalError("MySQL at " + where + ": " + message, sql);
  }
}

void throw_driver_failure(const std::exception& e, const std::string& sql,
                          const std::string& where) {
  std::string message = "MySQL at " + where + ": the driver failed: " + e.what();
  if (!sql.empty()) message += " [SQL: " + sql + "]";
  throw OperationalError(message, sql);
}

}  // namespace relate::mysql
