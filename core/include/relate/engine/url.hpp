// Database URLs: scheme://user:password@host:port/database?key=value, plus SQLite's
// file forms (sqlite:///relative.db, sqlite:////abs/path.db, sqlite://:memory:).
#pragma once

#include <map>
#include <optional>
#include <relate/export.hpp>
#include <string>
#include <string_view>

namespace relate {

struct RELATE_API Url {
  std::string scheme;    // "sqlite", "postgresql", ...
  std::string username;  // percent-decoded
  std::string password;  // percent-decoded
  std::string host;
  std::optional<int> port;
  std::string database;  // SQLite: the file path, or ":memory:"
  std::map<std::string, std::string> query;

  // The URL with the password masked, for messages and logs.
  std::string to_string() const;
};

// Throws relate::ArgumentError naming the URL when it cannot be parsed.
RELATE_API Url parse_url(std::string_view url);

// The value of an environment variable, or `fallback` when unset or empty.
RELATE_API std::string url_from_env(const char* variable, std::string fallback);

}  // namespace relate
