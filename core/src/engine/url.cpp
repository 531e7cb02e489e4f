#include <cctype>
#include <cstdlib>
#include <relate/engine/url.hpp>
#include <relate/errors.hpp>

namespace relate {

namespace {

// The URL as it may appear in a message: any password replaced by ***.
std::string masked(std::string_view url) {
  std::string out(url);
  const auto start = out.find("://");
  if (start == std::string::npos) return out;
  const auto at = out.find('@', start + 3);
  const auto colon = out.find(':', start + 3);
  if (at != std::string::npos && colon != std::string::npos && colon < at) {
    out.replace(colon + 1, at - colon - 1, "***");
  }
  return out;
}

[[noreturn]] void malformed(std::string_view url, const std::string& why) {
  throw ArgumentError("malformed database URL '" + masked(url) + "': " + why);
}

std::string percent_decode(std::string_view s, std::string_view url) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      malformed(url, "bad percent-encoding");
    }
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

void parse_query(std::string_view q, Url& out, std::string_view url) {
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) malformed(url, "query item without key=value");
    out.query[percent_decode(pair.substr(0, eq), url)] = percent_decode(pair.substr(eq + 1), url);
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
}

}  // namespace

Url parse_url(std::string_view url) {
  Url out;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) malformed(url, "expected scheme://...");
  for (char c : url.substr(0, sep)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      malformed(url, "bad character in scheme");
    }
  }
  out.scheme = std::string(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  if (const auto qm = rest.find('?'); qm != std::string_view::npos) {
    parse_query(rest.substr(qm + 1), out, url);
    rest = rest.substr(0, qm);
  }

  if (out.scheme == "sqlite") {
    // sqlite:///relative.db, sqlite:////absolute.db, sqlite://:memory:, sqlite://
    if (rest.empty() || rest == ":memory:" || rest == "/:memory:") {
      out.database = ":memory:";
    } else if (rest.front() == '/') {
      out.database = percent_decode(rest.substr(1), url);
      if (out.database.empty()) malformed(url, "empty file path");
    } else {
      malformed(url,
                "expected sqlite:///relative/path.db, sqlite:////absolute/path.db or "
                "sqlite://:memory:");
    }
    return out;
  }

  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.database = percent_decode(rest.substr(slash + 1), url);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    out.username = percent_decode(userinfo.substr(0, colon), url);
    if (colon != std::string_view::npos)
      out.password = percent_decode(userinfo.substr(colon + 1), url);
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  if (const auto colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    host = authority.substr(0, colon);
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) malformed(url, "bad port");
    int p = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) malformed(url, "bad port");
      p = p * 10 + (c - '0');
    }
    if (p <= 0 || p > 65535) malformed(url, "port out of range");
    out.port = p;
  }
  out.host = percent_decode(host, url);
  if (out.host.empty()) malformed(url, "no host");
  return out;
}

std::string Url::to_string() const {
  std::string out = scheme + "://";
  if (scheme == "sqlite") return out + (database == ":memory:" ? ":memory:" : "/" + database);
  if (!username.empty()) out += username + (password.empty() ? "" : ":***") + "@";
  out += host;
  if (port) out += ":" + std::to_string(*port);
  out += "/" + database;
  return out;
}

std::string url_from_env(const char* variable, std::string fallback) {
  const char* v = std::getenv(variable);
  return v && *v ? std::string(v) : std::move(fallback);
}

}  // namespace relate
