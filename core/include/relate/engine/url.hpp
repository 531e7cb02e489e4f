// Database URLs, one grammar for every backend:
//
//   scheme://[user[:password]@]host[:port][/database][?key=value&...]
//   sqlite:///relative/path.db   sqlite:////absolute/path.db   sqlite://:memory:
//
// - The host part ends at the first '/' or '?' after "://"; within it, the user and
//   password end at its LAST '@', so a password may hold an unencoded '@'
//   ("u:p@ss@host" is user u, password p@ss). The user ends at the first ':'.
// - An '@' after the host part (in the database or an option) must be percent-encoded
//   (%40): unencoded, it is what a password holding '/' or '?' would leave there, and
//   the URL is refused rather than read with part of the password as host or database.
// - An IPv6 host goes in brackets: postgresql://u@[::1]:5433/db has host "::1".
// - Every part is percent-decoded; an encoded NUL (%00), or a NUL byte, anywhere is an
//   ArgumentError naming the part.
// - Options (?key=value) are read and checked by the backend (UrlOptions,
//   url_options.hpp); an option given twice is an ArgumentError.
//
// No message and no to_string() ever contains any part of the password, also when
// the URL is malformed.
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
  std::string host;      // percent-decoded; an IPv6 address without its brackets
  std::optional<int> port;
  std::string database;                      // SQLite: the file path, or ":memory:"
  std::map<std::string, std::string> query;  // the options, percent-decoded

  // The URL, percent-encoded, with the password (and any option whose name says it
  // holds a secret, such as sslpassword) shown as ***: for messages and logs.
  // Parsing it gives back every part but those.
  std::string to_string() const;
};

// Throws relate::ArgumentError naming the URL (its password masked) and what is wrong
// when it cannot be parsed.
RELATE_API Url parse_url(std::string_view url);

// The value of an environment variable, or `fallback` when unset or empty.
RELATE_API std::string url_from_env(const char* variable, std::string fallback);

}  // namespace relate
