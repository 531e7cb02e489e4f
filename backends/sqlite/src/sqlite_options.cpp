#include "sqlite_options.hpp"

#include <cmath>
#include <relate/engine/url_options.hpp>

namespace relate::sqlite {

SqliteOptions read_options(const Url& url) {
  UrlOptions options(url);
  SqliteOptions out;
  // take_seconds bounds the value, so that the milliseconds fit sqlite3_busy_timeout's int.
  if (const auto timeout = options.take_seconds("timeout")) {
    out.busy_timeout_ms = static_cast<int>(std::lround(*timeout * 1000));
  }
  if (const auto mode = options.take_one_of(
          "journal_mode", {"wal", "delete", "truncate", "persist"})) {
    out.journal_mode = *mode;
  }
  if (url.database == ":memory:") out.journal_mode.clear();
  options.reject_unknown();
  return out;
}

}  // namespace relate::sqlite
