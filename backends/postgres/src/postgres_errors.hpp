// SOCI's PostgreSQL errors as Relate errors, by SQLSTATE class.
#pragma once

#include <string>

namespace soci {
class soci_error;
}

namespace relate::postgres {

[[noreturn]] void throw_error(const soci::soci_error& error, const std::string& sql,
                              const std::string& where);

}  // namespace relate::postgres
