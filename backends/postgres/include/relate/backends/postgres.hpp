// The PostgreSQL backend, on SOCI's postgresql backend:
// postgresql://user:password@host:port/database (also postgres://). It registers
// itself when the relate::postgres library is linked; register_backend() exists for
// programs that link it in unusual ways.
//
// URL query options: connect_timeout=SECONDS, sslmode=disable|require|verify-full|...,
// application_name=NAME; others are refused with their name.
#pragma once

#include <relate/export.hpp>

namespace relate::postgres {

RELATE_API void register_backend();

}  // namespace relate::postgres
