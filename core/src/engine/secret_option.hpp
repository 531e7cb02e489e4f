// Which URL options hold a secret, so that messages and Url::to_string() show *** for
// their values, as for the password: a name containing "pass" (password, sslpassword,
// passwd), "secret" or "token".
#pragma once

#include <string>
#include <string_view>

namespace relate {

inline bool is_secret_option(std::string_view key) {
  std::string lower(key);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::string_view word : {"pass", "secret", "token"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace relate
