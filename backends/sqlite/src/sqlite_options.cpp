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
  options.reject_unknown();
  return out;
}

}  // namespace relate::sqlite
