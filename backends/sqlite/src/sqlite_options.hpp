// What a sqlite:// URL's options set, read and checked with UrlOptions: by
// SqliteBackend::validate at create_engine, and again when a connection opens.
#pragma once

#include <relate/engine/url.hpp>
#include <string>

namespace relate::sqlite {

struct SqliteOptions {
  // How long a statement waits for another connection's lock (?timeout=seconds).
  int busy_timeout_ms = 5000;
  // The journal mode a file database is switched to (?journal_mode=...): WAL by
  // default, so that readers and the one writer do not block each other. Empty for
  // :memory:, which has its own.
  std::string journal_mode = "wal";
};

// Throws relate::ArgumentError for an unknown option or a bad value.
SqliteOptions read_options(const Url& url);

}  // namespace relate::sqlite
