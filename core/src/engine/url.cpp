#include <algorithm>
#include <cstdlib>
#include <relate/engine/url.hpp>
#include <relate/errors.hpp>

#include "secret_option.hpp"

namespace relate {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_unreserved(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_scheme(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// The URL text as a message may show it. Whatever could be a password is masked
// without trusting the text to be well formed: from the first ':' after "://" (after
// the start when the scheme is not one) to the last '@', which covers the password
// wherever the grammar puts the end of the user part. Bytes that are not printable
// are shown percent-encoded.
std::string masked(std::string_view url) {
  std::string shown(url);
  if (const auto last_at = shown.rfind('@'); last_at != std::string::npos) {
    const auto sep = shown.find("://");
    const std::size_t start =
        sep != std::string::npos && sep < last_at && is_scheme(shown.substr(0, sep)) ? sep + 3 : 0;
    if (const auto colon = shown.find(':', start); colon < last_at) {
      shown.replace(colon + 1, last_at - colon - 1, "***");
    }
  }
  std::string out;
  for (char c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      static constexpr char digits[] = "0123456789ABCDEF";
      out += '%';
      out += digits[byte >> 4];
      out += digits[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

[[noreturn]] void malformed(std::string_view url, const std::string& why) {
  throw ArgumentError("malformed database URL '" + masked(url) + "': " + why);
}

// `part` names what is decoded in a message ("the password"); the message never
// shows its text.
std::string percent_decode(std::string_view s, std::string_view part, std::string_view url) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int high = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int low = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (high < 0 || low < 0) malformed(url, "bad percent-encoding in " + std::string(part));
    const char decoded = static_cast<char>(high * 16 + low);
    // A NUL would end the text where a C API reads it: a SQLite path, a user name
    // would silently become a shorter one.
    if (decoded == '\0') malformed(url, std::string(part) + " contains an encoded NUL (%00)");
    out += decoded;
    i += 2;
  }
  return out;
}

void parse_query(std::string_view q, Url& out, std::string_view url) {
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view item = q.substr(0, amp);
    if (!item.empty()) {
      const auto eq = item.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        malformed(url, "an option is not written key=value");
      }
      std::string key = percent_decode(item.substr(0, eq), "the name of an option", url);
      std::string value =
          percent_decode(item.substr(eq + 1), "the value of option '" + key + "'", url);
      if (out.query.count(key)) malformed(url, "option '" + key + "' is given twice");
      out.query.emplace(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
}

int parse_port(std::string_view port, std::string_view url) {
  if (port.empty() || port.size() > 5) malformed(url, "bad port");
  int p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') malformed(url, "bad port");
    p = p * 10 + (c - '0');
  }
  if (p <= 0 || p > 65535) malformed(url, "port out of range");
  return p;
}

// [address] or [address%25zone]: hex digits, ':' and '.', as RFC 6874 spells a zone.
std::string parse_ipv6(std::string_view bracketed, std::string_view url) {
  const auto percent = bracketed.find('%');
  const std::string_view address = bracketed.substr(0, percent);
  bool has_colon = false;
  for (char c : address) {
    if (c == ':') {
      has_colon = true;
    } else if (c != '.' && hex_value(c) < 0) {
      malformed(url, "the host in brackets is not an IPv6 address");
    }
  }
  if (!has_colon) malformed(url, "the host in brackets is not an IPv6 address");
  if (percent != std::string_view::npos) {
    const std::string_view zone = bracketed.substr(percent);
    bool ok = zone.size() > 3 && zone.substr(0, 3) == "%25";
    for (char c : zone.substr(std::min<std::size_t>(3, zone.size()))) ok = ok && is_unreserved(c);
    if (!ok) malformed(url, "bad zone in the IPv6 host (write [fe80::1%25eth0])");
  }
  return percent_decode(bracketed, "the host", url);
}

void parse_host_and_port(std::string_view hostport, Url& out, std::string_view url) {
  std::string_view port_text;
  bool has_port = false;
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) malformed(url, "the IPv6 host has no closing ']'");
    out.host = parse_ipv6(hostport.substr(1, close - 1), url);
    const std::string_view tail = hostport.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') malformed(url, "unexpected text after the IPv6 host's ']'");
      port_text = tail.substr(1);
      has_port = true;
    }
  } else {
    if (hostport.find_first_of("[]") != std::string_view::npos) {
      malformed(url, "an IPv6 host goes in brackets, as in [::1]:5432");
    }
    const auto colon = hostport.find(':');
    out.host = percent_decode(hostport.substr(0, colon), "the host", url);
    if (out.host.find(':') != std::string::npos) {
      malformed(url, "an IPv6 host goes in brackets, as in [::1]:5432");
    }
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      has_port = true;
    }
  }
  if (out.host.empty()) malformed(url, "no host");
  if (has_port) out.port = parse_port(port_text, url);
}

void parse_sqlite(std::string_view rest, Url& out, std::string_view url) {
  // sqlite:///relative.db, sqlite:////absolute.db, sqlite://:memory:, sqlite://
  const auto qm = rest.find('?');
  const std::string_view path = rest.substr(0, qm);
  if (qm != std::string_view::npos) parse_query(rest.substr(qm + 1), out, url);
  if (path.empty() || path == ":memory:" || path == "/:memory:") {
    out.database = ":memory:";
  } else if (path.front() == '/') {
    out.database = percent_decode(path.substr(1), "the SQLite file path", url);
    if (out.database.empty()) malformed(url, "empty file path");
  } else {
    malformed(url,
              "expected sqlite:///relative/path.db, sqlite:////absolute/path.db or "
              "sqlite://:memory:");
  }
}

void parse_server(std::string_view rest, Url& out, std::string_view url) {
  const auto host_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, host_end);
  const std::string_view after =
      host_end == std::string_view::npos ? std::string_view{} : rest.substr(host_end);
  if (after.find('@') != std::string_view::npos) {
    malformed(url,
              "an '@' after the host must be percent-encoded as %40 (a password holding '/' "
              "or '?' needs them percent-encoded too: %2F, %3F)");
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    out.username = percent_decode(userinfo.substr(0, colon), "the user name", url);
    if (colon != std::string_view::npos) {
      out.password = percent_decode(userinfo.substr(colon + 1), "the password", url);
    }
    authority.remove_prefix(at + 1);
  }
  parse_host_and_port(authority, out, url);

  if (after.empty()) return;
  const auto qm = after.find('?');
  if (after.front() == '/') {
    out.database = percent_decode(after.substr(1, qm == std::string_view::npos ? qm : qm - 1),
                                  "the database name", url);
  }
  if (qm != std::string_view::npos) parse_query(after.substr(qm + 1), out, url);
}

// Percent-encodes every byte but the unreserved ones and those in `keep`.
std::string encode(std::string_view s, std::string_view keep = {}) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    if (is_unreserved(c) || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += digits[byte >> 4];
      out += digits[byte & 0xf];
    }
  }
  return out;
}

}  // namespace

Url parse_url(std::string_view url) {
  if (url.find('\0') != std::string_view::npos) malformed(url, "it contains a NUL byte");
  const auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) malformed(url, "expected scheme://...");
  if (!is_scheme(url.substr(0, sep))) malformed(url, "bad character in scheme");
  Url out;
  out.scheme = std::string(url.substr(0, sep));
  const std::string_view rest = url.substr(sep + 3);
  if (out.scheme == "sqlite") {
    parse_sqlite(rest, out, url);
  } else {
    parse_server(rest, out, url);
  }
  return out;
}

std::string Url::to_string() const {
  std::string out = scheme + "://";
  if (scheme == "sqlite") {
    out += database == ":memory:" ? ":memory:" : "/" + encode(database, "/");
  } else {
    if (!username.empty() || !password.empty()) {
      out += encode(username) + (password.empty() ? "" : ":***") + "@";
    }
    out += host.find(':') != std::string::npos ? "[" + encode(host, ":") + "]" : encode(host);
    if (port) out += ":" + std::to_string(*port);
    if (!database.empty()) out += "/" + encode(database, "/");
  }
  char separator = '?';
  for (const auto& [key, value] : query) {
    out += separator + encode(key) + "=" + (is_secret_option(key) ? "***" : encode(value));
    separator = '&';
  }
  return out;
}

std::string url_from_env(const char* variable, std::string fallback) {
  const char* v = std::getenv(variable);
  return v && *v ? std::string(v) : std::move(fallback);
}

}  // namespace relate
