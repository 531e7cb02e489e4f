// libFuzzer target for the URL grammar (`make fuzz`). For any bytes:
//
// 1. parse_url either throws relate::ArgumentError or returns a Url whose
//    - to_string() does not depend on the password (so shows none of it),
//    - to_string() parses back to the same parts (the password and secret options
//      shown as ***),
//    - options every backend either accepts or refuses with an ArgumentError whose
//      message does not depend on the password either.
// 2. The same bytes, cut in three lines A, B, C, make "scheme://A:<secret>B@C": the
//    secret is then part of a password by the grammar, or the URL is malformed; in
//    neither case may a message or a rendering show it.
//
// Anything else (another exception type, a crash, a sanitizer report) is a finding.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <relate/engine/driver.hpp>
#include <relate/engine/engine.hpp>
#include <relate/engine/url.hpp>
#include <relate/engine/url_options.hpp>
#include <relate/errors.hpp>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view kSecret = "Zx9Qw7";

[[noreturn]] void finding(const std::string& what, std::string_view input) {
  std::cerr << "url_fuzzer: " << what << "\n  input: '" << input << "'\n";
  std::abort();
}

std::string with_password(relate::Url url, std::string password) {
  url.password = std::move(password);
  return url.to_string();
}

// What the backend registered for `scheme` says about url's options: "" when it takes
// them, else its message.
std::string validation(relate::Url url, const std::string& scheme, std::string_view input) {
  url.scheme = scheme;
  try {
    relate::find_backend(url, scheme)->validate(url);
    return {};
  } catch (const relate::ArgumentError& e) {
    return e.what();
  } catch (const std::exception& e) {
    finding(std::string("validate threw a non-ArgumentError: ") + e.what(), input);
  }
}

void check_parsed(const relate::Url& url, std::string_view input) {
  const std::string shown = url.to_string();
  if (!url.password.empty()) {
    if (shown != with_password(url, "other") || shown != with_password(url, kSecret.data())) {
      finding("to_string() depends on the password: " + shown, input);
    }
  }

  relate::Url again;
  try {
    again = relate::parse_url(shown);
  } catch (const relate::ArgumentError& e) {
    finding("to_string() does not parse back: " + shown + ": " + e.what(), input);
  }
  const bool same = again.scheme == url.scheme && again.username == url.username &&
                    again.host == url.host && again.port == url.port &&
                    again.database == url.database &&
                    again.password == (url.password.empty() ? "" : "***") &&
                    again.query.size() == url.query.size();
  if (!same) finding("to_string() parses back to other parts: " + shown, input);
  for (const auto& [key, value] : url.query) {
    const auto it = again.query.find(key);
    if (it == again.query.end() || (it->second != value && it->second != "***")) {
      finding("to_string() parses back to other options: " + shown, input);
    }
  }

  // Never sqlite: its connection would create the file; validate() alone is checked.
  for (const char* scheme : {"sqlite", "postgresql", "mysql"}) {
    const std::string message = validation(url, scheme, input);
    relate::Url other = url;
    if (!other.password.empty()) other.password = "other";
    if (validation(other, scheme, input) != message) {
      finding(std::string("the ") + scheme + " options message depends on the password", input);
    }
  }
}

void check_text(std::string_view input) {
  relate::Url url;
  try {
    url = relate::parse_url(input);
  } catch (const relate::ArgumentError&) {
    return;
  } catch (const std::exception& e) {
    finding(std::string("parse_url threw a non-ArgumentError: ") + e.what(), input);
  }
  check_parsed(url, input);
}

// "scheme://A:<secret>B@C" never shows the secret: it is in the password, or the URL
// is refused with a message that masks it.
void check_secret(std::string_view input) {
  if (input.find(kSecret.substr(0, 3)) != std::string_view::npos) return;
  const auto first = input.find('\n');
  const auto second = first == std::string_view::npos ? first : input.find('\n', first + 1);
  if (second == std::string_view::npos) return;
  static constexpr const char* schemes[] = {"postgresql", "mysql", "mariadb", "nosuchdb"};
  const std::string text = std::string(schemes[input.size() % 4]) + "://" +
                           std::string(input.substr(0, first)) + ":" + std::string(kSecret) +
                           std::string(input.substr(first + 1, second - first - 1)) + "@" +
                           std::string(input.substr(second + 1));
  std::string shown;
  try {
    const relate::Url url = relate::parse_url(text);
    if (url.password.find(kSecret) == std::string::npos) {
      finding("the secret is not in the password", text);
    }
    shown = url.to_string();
    // Server engines connect only when asked, so making one checks the options alone.
    relate::create_engine(text);
  } catch (const relate::ArgumentError& e) {
    shown += e.what();
  } catch (const std::exception& e) {
    finding(std::string("threw a non-ArgumentError: ") + e.what(), text);
  }
  if (shown.find(kSecret) != std::string::npos) finding("shows the secret: " + shown, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_text(input);
  check_secret(input);
  return 0;
}
