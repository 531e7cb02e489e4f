// Reads the options of a database URL (?key=value&...) the same way on every backend.
// A backend takes each option it knows, with its type, then calls reject_unknown():
// an option that no take_ asked for is unknown. Each mistake is a relate::ArgumentError
// that names the option, its value and the URL, never the password (nor the value of
// an option whose name says it holds a secret).
//
//   relate::UrlOptions options(url);
//   const double timeout = options.take_seconds("timeout").value_or(5.0);
//   options.reject_unknown();
//
// A Backend does this in validate(url), which create_engine calls before any
// connection is made, and again where it connects (driver.hpp).
#pragma once

#include <initializer_list>
#include <optional>
#include <relate/engine/url.hpp>
#include <relate/export.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

class RELATE_API UrlOptions {
 public:
  // The longest timeout any backend takes: INT_MAX milliseconds (24.8 days), the most
  // SQLite's busy timeout can hold.
  static constexpr int max_seconds = 2147483;

  // Reads `url`'s options; `url` must outlive this reader.
  explicit UrlOptions(const Url& url);

  // The option's text, when given.
  std::optional<std::string> take_string(std::string_view key);
  // The option's text, which must be one of `allowed`, when given.
  std::optional<std::string> take_one_of(std::string_view key,
                                         std::initializer_list<std::string_view> allowed);
  // A name of ASCII letters, digits and '_' (a character set), when given.
  std::optional<std::string> take_name(std::string_view key);
  // A number of seconds, fractions allowed ("2.5"), finite and from 0 to `most`.
  std::optional<double> take_seconds(std::string_view key, double most = max_seconds);
  // A whole number of seconds from 0 to `most`.
  std::optional<int> take_whole_seconds(std::string_view key, int most = max_seconds);

  // Throws for the first option that no take_ asked for, listing those asked for.
  void reject_unknown() const;

 private:
  // Marks `key` known; its value, or null when not given.
  const std::string* take(std::string_view key);
  [[noreturn]] void bad_value(std::string_view key, const std::string& value,
                              const std::string& expected) const;

  const Url& url_;
  std::vector<std::string> known_;
};

}  // namespace relate
