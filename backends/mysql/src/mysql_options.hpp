// What a mysql:// URL's options set, read and checked with UrlOptions: by
// MysqlBackend::validate at create_engine, and again when a connection opens.
#pragma once

#include <optional>
#include <relate/engine/url.hpp>
#include <string>

namespace relate::mysql {

struct MysqlOptions {
  std::string charset = "utf8mb4";
  int connect_timeout = 10;  // seconds
  std::optional<int> read_timeout;
  std::optional<int> write_timeout;
};

// Throws relate::ArgumentError for an unknown option or a bad value.
MysqlOptions read_options(const Url& url);

}  // namespace relate::mysql
