// What a postgresql:// URL's options set, read and checked with UrlOptions: by
// PostgresBackend::validate at create_engine, and again when a connection opens.
#pragma once

#include <optional>
#include <relate/engine/url.hpp>
#include <string>

namespace relate::postgres {

struct PostgresOptions {
  int connect_timeout = 10;                     // seconds; 0 waits for ever (libpq)
  std::optional<std::string> sslmode;           // libpq's, e.g. disable, require
  std::optional<std::string> application_name;  // shown in pg_stat_activity
  std::optional<std::string> options;           // server settings: -cstatement_timeout=5000
};

// Throws relate::ArgumentError for an unknown option or a bad value.
PostgresOptions read_options(const Url& url);

}  // namespace relate::postgres
