// The MySQL / MariaDB backend, on MySQL Connector/C++ 1.1:
// mysql://user:password@host:port/database (also mariadb://). It registers itself when
// the relate::mysql library is linked; register_backend() exists for programs that
// link it in unusual ways.
//
// URL query options: connect_timeout=SECONDS, read_timeout=SECONDS,
// write_timeout=SECONDS, charset=NAME (default utf8mb4); others are refused.
#pragma once

#include <relate/export.hpp>

namespace relate::mysql {

RELATE_API void register_backend();

}  // namespace relate::mysql
