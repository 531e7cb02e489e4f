#include <algorithm>
#include <charconv>
#include <cmath>
#include <relate/engine/url_options.hpp>
#include <relate/errors.hpp>

#include "secret_option.hpp"

namespace relate {

namespace {

// An option's value as a message may show it.
std::string shown(std::string_view key, const std::string& value) {
  return is_secret_option(key) ? "***" : value;
}

std::string format_seconds(double seconds) {
  std::string text = std::to_string(seconds);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

UrlOptions::UrlOptions(const Url& url) : url_(url) {}

const std::string* UrlOptions::take(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  const auto it = url_.query.find(std::string(key));
  return it == url_.query.end() ? nullptr : &it->second;
}

std::optional<std::string> UrlOptions::take_string(std::string_view key) {
  const std::string* value = take(key);
  if (!value) return std::nullopt;
  return *value;
}

std::optional<std::string> UrlOptions::take_one_of(
    std::string_view key, std::initializer_list<std::string_view> allowed) {
  const std::string* value = take(key);
  if (!value) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return *value;
  std::string expected = "one of:";
  for (std::string_view a : allowed)
    expected += (expected.back() == ':' ? " " : ", ") + std::string(a);
  bad_value(key, *value, expected);
}

std::optional<std::string> UrlOptions::take_name(std::string_view key) {
  const std::string* value = take(key);
  if (!value) return std::nullopt;
  const bool ok = !value->empty() && std::all_of(value->begin(), value->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!ok) bad_value(key, *value, "a name of letters, digits and '_'");
  return *value;
}

std::optional<double> UrlOptions::take_seconds(std::string_view key, double most) {
  const std::string* value = take(key);
  if (!value) return std::nullopt;
  double seconds = 0;
  const char* end = value->data() + value->size();
  const auto [stop, error] = std::from_chars(value->data(), end, seconds);
  // from_chars also reads "nan" and "inf"; neither is a time to wait.
  if (value->empty() || error != std::errc() || stop != end || !std::isfinite(seconds) ||
      seconds < 0 || seconds > most) {
    bad_value(key, *value, "a number of seconds from 0 to " + format_seconds(most));
  }
  return seconds;
}

std::optional<int> UrlOptions::take_whole_seconds(std::string_view key, int most) {
  const std::string* value = take(key);
  if (!value) return std::nullopt;
  int seconds = 0;
  const char* end = value->data() + value->size();
  const auto [stop, error] = std::from_chars(value->data(), end, seconds);
  if (value->empty() || error != std::errc() || stop != end || seconds < 0 || seconds > most) {
    bad_value(key, *value, "a whole number of seconds from 0 to " + std::to_string(most));
  }
  return seconds;
}

void UrlOptions::reject_unknown() const {
  for (const auto& [key, value] : url_.query) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string known;
    for (const auto& k : known_) known += (known.empty() ? "" : ", ") + k;
    throw ArgumentError("unknown option '" + key + "' (value '" + shown(key, value) +
                        "') in database URL '" + url_.to_string() + "'; " + url_.scheme +
                        " URLs take " + (known.empty() ? "no options" : "these options: " + known));
  }
}

void UrlOptions::bad_value(std::string_view key, const std::string& value,
                           const std::string& expected) const {
  throw ArgumentError("bad value '" + shown(key, value) + "' for option '" + std::string(key) +
                      "' in database URL '" + url_.to_string() + "': expected " + expected);
}

}  // namespace relate
