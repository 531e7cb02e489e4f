// The "blog" benchmark shared by every C++ implementation (relate-bench and the
// hand-written floors on each backend's driver: raw-sqlite-bench, raw-postgres-bench,
// raw-mysql-bench): the command line and server URLs, the deterministic data set, the
// checksums every implementation must print identically, and the JSON result line.
// bench/sqlalchemy_bench.py implements the same in Python.
//
// Data for N users, M posts per user, T tags:
//   users     id 1..N, name "user{id}"
//   profiles  id 1..N, user_id = id, bio "bio {id}"
//   tags      id 1..T, name "tag{id}"
//   posts     id 1..N*M, user_id = (id-1)/M + 1, title "post {id}",
//             body "Body of post {id}. " + "lorem ipsum dolor sit amet " x 4
//   post_tags for post p: sorted {p%T+1, (7p)%T+1, (13p)%T+1}
// posts.user_id, profiles.user_id and both post_tags keys are foreign keys with
// ON DELETE CASCADE; posts.user_id and post_tags.tag_id are indexed.
//
// Workloads, each timed around the ORM work only (schema and seeding outside), and
// what their "n" counts:
//   insert          every row through the Session, one commit (all rows written)
//   load_lazy       all users by id, each user's posts by id, lazily (users + posts)
//   load_joined     the same with one joined query                   (users + posts)
//   load_selectin   the same with selectin loading                   (users + posts)
//   m2m_selectin    all posts by id with their tags by id, selectin  (posts + links)
//   cascade_delete  delete every user whose id is a multiple of 10 through the
//                   Session, ON DELETE CASCADE with passive deletes   (users deleted)
// "statements" counts the statements sent to the database, transaction control
// (BEGIN, COMMIT) aside.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace blog_bench {

inline const std::vector<std::string>& workload_names() {
  static const std::vector<std::string> names{"insert",        "load_lazy",    "load_joined",
                                              "load_selectin", "m2m_selectin", "cascade_delete"};
  return names;
}

struct Options {
  std::int64_t users = 1000;
  std::int64_t posts_per_user = 10;
  std::int64_t tags = 50;
  std::string workload = "all";
  std::string url;  // "" = a fresh SQLite file in the temp directory
};

inline Options parse_options(int argc, char** argv, std::string_view program) {
  Options o;
  auto usage = [&](const std::string& problem) {
    std::fprintf(stderr,
                 "%s: %s\nusage: %s [--users N] [--posts-per-user M] [--tags T] "
                 "[--workload NAME|all] [--url URL]\nworkloads:",
                 std::string(program).c_str(), problem.c_str(), std::string(program).c_str());
    for (const auto& w : workload_names()) std::fprintf(stderr, " %s", w.c_str());
    std::fprintf(stderr, "\n");
    std::exit(2);
  };
  auto number = [&](const std::string& flag, const char* text) {
    char* end = nullptr;
    const long long v = std::strtoll(text, &end, 10);
    if (!*text || *end || v < 1) usage(flag + " takes a positive whole number, not '" + text + "'");
    return static_cast<std::int64_t>(v);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const char* value = argv[++i];
    if (flag == "--users") {
      o.users = number(flag, value);
    } else if (flag == "--posts-per-user") {
      o.posts_per_user = number(flag, value);
    } else if (flag == "--tags") {
      o.tags = number(flag, value);
    } else if (flag == "--workload") {
      o.workload = value;
      if (o.workload != "all" && std::find(workload_names().begin(), workload_names().end(),
                                           o.workload) == workload_names().end()) {
        usage("unknown workload '" + o.workload + "'");
      }
    } else if (flag == "--url") {
      o.url = value;
    } else {
      usage("unknown flag '" + flag + "'");
    }
  }
  return o;
}

inline std::vector<std::string> selected_workloads(const Options& o) {
  if (o.workload == "all") return workload_names();
  return {o.workload};
}

// ---- Server URLs ----

inline std::string percent_decoded(std::string_view s) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A server URL as relate-bench takes it and run_bench.py passes it:
// scheme://user[:password]@host[:port]/database, user, password and database
// percent-encoded, an IPv6 host in brackets.
struct ServerUrl {
  std::string scheme, user, password, host, database;
  std::optional<int> port;
};

// Ends the program with status 2 unless `url` is such a URL with one of `schemes`.
// Messages show the URL without its password.
inline ServerUrl parse_server_url(const std::string& url,
                                  std::initializer_list<const char*> schemes,
                                  std::string_view program) {
  ServerUrl out;
  const auto sep = url.find("://");
  auto bad = [&](const std::string& why) {
    std::string shown = url;
    const auto at = shown.rfind('@');
    const auto colon = sep == std::string::npos ? std::string::npos : shown.find(':', sep + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      shown.replace(colon + 1, at - colon - 1, "***");
    }
    std::string expected;
    for (const char* s : schemes) expected += std::string(expected.empty() ? "" : " or ") + s;
    std::fprintf(stderr, "%s: %s: '%s'\n  expected %s://user:password@host:port/database\n",
                 std::string(program).c_str(), why.c_str(), shown.c_str(), expected.c_str());
    std::exit(2);
  };
  if (url.empty()) bad("this program needs --url: the server to run on");
  if (sep == std::string::npos) bad("not a database URL");
  out.scheme = url.substr(0, sep);
  if (std::find_if(schemes.begin(), schemes.end(),
                   [&](const char* s) { return out.scheme == s; }) == schemes.end()) {
    bad("unsupported database '" + out.scheme + "'");
  }
  std::string_view rest = std::string_view(url).substr(sep + 3);
  if (rest.find('?') != std::string_view::npos) bad("URL options (?...) are not understood here");
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) bad("no database named");
  out.database = percent_decoded(rest.substr(slash + 1));
  std::string_view authority = rest.substr(0, slash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    out.user = percent_decoded(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) out.password = percent_decoded(userinfo.substr(colon + 1));
    authority = authority.substr(at + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) bad("malformed IPv6 host");
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') bad("malformed host");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) bad("no host named");
  if (!port.empty()) {
    int value = 0;
    for (const char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || value > 65535) bad("malformed port");
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) bad("malformed port");
    out.port = value;
  }
  return out;
}

// ---- The data set ----

inline std::string user_name(std::int64_t id) { return "user" + std::to_string(id); }
inline std::string profile_bio(std::int64_t id) { return "bio " + std::to_string(id); }
inline std::string tag_name(std::int64_t id) { return "tag" + std::to_string(id); }
inline std::string post_title(std::int64_t id) { return "post " + std::to_string(id); }
inline std::string post_body(std::int64_t id) {
  std::string body = "Body of post " + std::to_string(id) + ". ";
  for (int i = 0; i < 4; ++i) body += "lorem ipsum dolor sit amet ";
  return body;
}
inline std::int64_t post_user(std::int64_t post_id, std::int64_t posts_per_user) {
  return (post_id - 1) / posts_per_user + 1;
}
// The tags of post p, sorted, without repeats.
inline std::vector<std::int64_t> post_tags(std::int64_t p, std::int64_t tags) {
  const std::set<std::int64_t> ids{p % tags + 1, (7 * p) % tags + 1, (13 * p) % tags + 1};
  return {ids.begin(), ids.end()};
}

// ---- Checksums ----

// load_lazy / load_joined / load_selectin: feed every user in id order, then each of
// its posts in collection order.
struct LoadChecksum {
  std::int64_t users = 0, posts = 0, sum_post_id = 0, sum_post_user_id = 0, sum_title_len = 0,
               sum_body_len = 0, order_hash = 0;
  void user() { ++users; }
  void post(std::size_t position, std::int64_t id, std::int64_t user_id, std::size_t title_len,
            std::size_t body_len) {
    ++posts;
    sum_post_id += id;
    sum_post_user_id += user_id;
    sum_title_len += static_cast<std::int64_t>(title_len);
    sum_body_len += static_cast<std::int64_t>(body_len);
    order_hash += static_cast<std::int64_t>(position + 1) * id;
  }
  std::string json() const {
    return "{\"users\": " + std::to_string(users) + ", \"posts\": " + std::to_string(posts) +
           ", \"sum_post_id\": " + std::to_string(sum_post_id) +
           ", \"sum_post_user_id\": " + std::to_string(sum_post_user_id) +
           ", \"sum_title_len\": " + std::to_string(sum_title_len) +
           ", \"sum_body_len\": " + std::to_string(sum_body_len) +
           ", \"order_hash\": " + std::to_string(order_hash) + "}";
  }
};

// m2m_selectin: every post in id order, then each of its tags in collection order.
struct TagChecksum {
  std::int64_t posts = 0, links = 0, sum_tag_id = 0, sum_post_x_tag = 0, sum_tag_name_len = 0,
               order_hash = 0;
  void post() { ++posts; }
  void tag(std::size_t position, std::int64_t post_id, std::int64_t tag_id, std::size_t name_len) {
    ++links;
    sum_tag_id += tag_id;
    sum_post_x_tag += post_id * tag_id;
    sum_tag_name_len += static_cast<std::int64_t>(name_len);
    order_hash += static_cast<std::int64_t>(position + 1) * tag_id;
  }
  std::string json() const {
    return "{\"posts\": " + std::to_string(posts) + ", \"links\": " + std::to_string(links) +
           ", \"sum_tag_id\": " + std::to_string(sum_tag_id) +
           ", \"sum_post_x_tag\": " + std::to_string(sum_post_x_tag) +
           ", \"sum_tag_name_len\": " + std::to_string(sum_tag_name_len) +
           ", \"order_hash\": " + std::to_string(order_hash) + "}";
  }
};

// insert / cascade_delete: what the tables hold afterwards. `query` runs a SELECT and
// returns its rows, every value as text.
using Rows = std::vector<std::vector<std::string>>;
using Query = std::function<Rows(const std::string& sql)>;

inline std::string tables_checksum(const Query& query, std::int64_t posts_per_user) {
  std::int64_t bad = 0;
  auto table = [&](const std::string& sql, auto&& check) {
    std::int64_t count = 0, sum = 0;
    for (const auto& row : query(sql)) {
      const std::int64_t id = std::stoll(row.at(0));
      ++count;
      sum += id;
      if (!check(id, row)) ++bad;
    }
    return "[" + std::to_string(count) + ", " + std::to_string(sum) + "]";
  };
  const std::string users = table("SELECT id, name FROM users", [](std::int64_t id, const auto& r) {
    return r.at(1) == user_name(id);
  });
  const std::string profiles =
      table("SELECT id, user_id, bio FROM profiles", [](std::int64_t id, const auto& r) {
        return std::stoll(r.at(1)) == id && r.at(2) == profile_bio(id);
      });
  const std::string tags = table("SELECT id, name FROM tags", [](std::int64_t id, const auto& r) {
    return r.at(1) == tag_name(id);
  });
  const std::string posts =
      table("SELECT id, user_id, title, body FROM posts", [&](std::int64_t id, const auto& r) {
        return std::stoll(r.at(1)) == post_user(id, posts_per_user) && r.at(2) == post_title(id) &&
               r.at(3) == post_body(id);
      });
  std::int64_t links = 0, link_sum = 0;
  for (const auto& row : query("SELECT post_id, tag_id FROM post_tags")) {
    ++links;
    link_sum += std::stoll(row.at(0)) * 1000 + std::stoll(row.at(1));
  }
  return "{\"users\": " + users + ", \"profiles\": " + profiles + ", \"tags\": " + tags +
         ", \"posts\": " + posts + ", \"post_tags\": [" + std::to_string(links) + ", " +
         std::to_string(link_sum) + "], \"bad_rows\": " + std::to_string(bad) + "}";
}

// ---- Timing and the result line ----

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// The process's peak resident set so far, in KiB.
inline long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

inline void print_result(std::string_view impl, std::string_view backend, std::string_view workload,
                         std::int64_t n, double seconds, std::int64_t statements,
                         const std::string& checksum) {
  std::printf(
      "{\"impl\": \"%s\", \"backend\": \"%s\", \"workload\": \"%s\", \"n\": %lld, \"seconds\": "
      "%.6f, \"statements\": %lld, \"peak_rss_kib\": %ld, \"checksum\": %s}\n",
      std::string(impl).c_str(), std::string(backend).c_str(), std::string(workload).c_str(),
      static_cast<long long>(n), seconds, static_cast<long long>(statements), peak_rss_kib(),
      checksum.c_str());
  std::fflush(stdout);
}

}  // namespace blog_bench
