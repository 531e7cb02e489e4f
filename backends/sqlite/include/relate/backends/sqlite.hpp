// The SQLite backend (sqlite3 C API): sqlite:///relative.db, sqlite:////abs/path.db,
// sqlite://:memory:. It registers itself when the relate::sqlite library is linked;
// register_backend() exists for programs that link it in unusual ways.
//
// URL query options: timeout=SECONDS (busy timeout, default 5).
#pragma once

#include <relate/export.hpp>

namespace relate::sqlite {

RELATE_API void register_backend();

}  // namespace relate::sqlite
