// What a sqlite:// URL's options set, read and checked with UrlOptions: by
// SqliteBackend::validate at create_engine, and again when a connection opens.
#pragma once

#include <relate/engine/url.hpp>

namespace relate::sqlite {

struct SqliteOptions {
  // How long a statement waits for another connection's lock (?timeout=seconds).
  int busy_timeout_ms = 5000;
};

// Throws relate::ArgumentError for an unknown option or a bad value.
SqliteOptions read_options(const Url& url);

}  // namespace relate::sqlite
