// SOCI's and libpq's PostgreSQL errors as Relate errors, by SQLSTATE class. An error
// that means the connection is gone is an OperationalError with Link::lost.
#pragma once

#include <string>

namespace soci {
class soci_error;
}

struct pg_conn;  // libpq's PGconn

namespace relate::postgres {

// Whether a failure means the connection is gone: SQLSTATE class 08 (connection
// exception); 57P01, 57P02, 57P03 (the server was shut down, crashed, or cannot take
// connections); 57P05 and 25P03 (the server ended an idle session); or libpq finding
// the connection bad, which covers a server that vanished without a word.
bool is_disconnect(const std::string& sqlstate, const pg_conn* connection);

// `sql` is the failed statement, `where` the server's "host:port".
[[noreturn]] void throw_error(const soci::soci_error& error, const pg_conn* connection,
                              const std::string& sql, const std::string& where);
[[noreturn]] void throw_error(std::string message, const std::string& sqlstate,
                              const pg_conn* connection, const std::string& sql,
                              const std::string& where);

}  // namespace relate::postgres
