// Connector/C++'s MySQL errors as Relate errors, by error number: constraint
// violations are IntegrityErrors naming the constraint, an error that means the
// connection is gone is an OperationalError with Link::lost.
#pragma once

#include <exception>
#include <string>

namespace sql {
class SQLException;
}

namespace relate::mysql {

// `sql` is the failed statement, `where` the server's "host:port".
[[noreturn]] void throw_error(const ::sql::SQLException& e, const std::string& sql,
                              const std::string& where);
// An exception of the driver that is not an SQLException (the standard library's).
[[noreturn]] void throw_driver_failure(const std::exception& e, const std::string& sql,
                                       const std::string& where);

}  // namespace relate::mysql
