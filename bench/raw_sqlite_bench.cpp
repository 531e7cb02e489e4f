// raw-sqlite-bench: the blog benchmark (blog_bench.hpp) written by hand on the sqlite3
// C API. It is the floor Relate is measured against: prepared statements reused with
// sqlite3_reset/bind, one transaction per unit of work, plain structs holding exactly
// the data the ORM's objects hold.
//
// Every workload runs against a fresh database file: by default one in a fresh
// temporary directory that is removed at the end. `--url sqlite:///relative.db` or
// `--url sqlite:////absolute.db` names the file instead (like the peers, each workload
// drops and recreates the tables in it), `--url sqlite://:memory:` uses a private
// in-memory database per workload.
//
// Like a Relate Session, which begins a transaction on first use, every timed
// workload runs inside one BEGIN ... COMMIT (not counted as statements). As the peers
// time a Session's whole life, the load workloads' timing includes walking the objects
// for the checksum and freeing them.
#include <sqlite3.h>
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "blog_bench.hpp"
#include "floor_objects.hpp"

namespace {

namespace fs = std::filesystem;
using blog_bench::Options;

constexpr std::string_view kProgram = "raw-sqlite-bench";
constexpr std::size_t kBatch = 500;  // selectin batch size

// ---- Errors ----

[[noreturn]] void fail(sqlite3* db, std::string_view sql) {
  std::fprintf(stderr, "%s: SQLite error: %s\n  in: %s\n", std::string(kProgram).c_str(),
               db ? sqlite3_errmsg(db) : "out of memory", std::string(sql).c_str());
  std::exit(1);
}

// ---- RAII wrappers ----

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// A connection and the count of statement executions sent through it.
struct Conn {
  DbHandle db;
  std::int64_t statements = 0;

  explicit Conn(const std::string& path) {
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db.reset(raw);
    if (rc != SQLITE_OK) {
      std::fprintf(stderr, "%s: cannot open SQLite database '%s': %s\n",
                   std::string(kProgram).c_str(), path.c_str(),
                   raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
      std::exit(1);
    }
    exec("PRAGMA foreign_keys=ON");
  }

  // Runs SQL text without counting it (schema, BEGIN, COMMIT, PRAGMA).
  void exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) fail(db.get(), sql);
  }
};

// A prepared statement, reused: bind, step until done, reset. Each execution (the
// steps between two resets) counts once.
class Stmt {
 public:
  Stmt(Conn& conn, std::string sql) : conn_(&conn), sql_(std::move(sql)) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(conn_->db.get(), sql_.c_str(), static_cast<int>(sql_.size() + 1),
                           SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
      fail(conn_->db.get(), sql_);
    }
    stmt_.reset(raw);
  }

  void bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) fail(conn_->db.get(), sql_);
  }
  // The text is not copied: `value` must outlive the execution.
  void bind(int index, const std::string& value) {
    if (sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()),
                          SQLITE_STATIC) != SQLITE_OK) {
      fail(conn_->db.get(), sql_);
    }
  }

  // The next row of the current execution; false when it is done.
  bool step() {
    if (!started_) {
      ++conn_->statements;
      started_ = true;
    }
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(conn_->db.get(), sql_);
  }
  void reset() {
    sqlite3_reset(stmt_.get());
    started_ = false;
  }
  // One execution of a statement that returns no rows.
  void execute() {
    while (step()) {
    }
    reset();
  }

  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }
  std::string text(int column) const {
    const unsigned char* p = sqlite3_column_text(stmt_.get(), column);
    if (!p) return {};
    return {reinterpret_cast<const char*>(p),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column))};
  }
  int columns() const { return sqlite3_column_count(stmt_.get()); }

 private:
  Conn* conn_;
  std::string sql_;
  StmtHandle stmt_;
  bool started_ = false;
};

// ---- Schema and data ----

void create_schema(Conn& c) {
  // A database named by --url may hold an earlier run (children first).
  c.exec(
      "DROP TABLE IF EXISTS post_tags; DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS tags;"
      "DROP TABLE IF EXISTS profiles; DROP TABLE IF EXISTS users;");
  c.exec(
      "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL);"
      "CREATE TABLE profiles (id INTEGER NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL UNIQUE, "
      "bio TEXT NOT NULL, FOREIGN KEY(user_id) REFERENCES users(id) ON DELETE CASCADE);"
      "CREATE TABLE tags (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL);"
      "CREATE TABLE posts (id INTEGER NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, "
      "title TEXT NOT NULL, body TEXT NOT NULL, "
      "FOREIGN KEY(user_id) REFERENCES users(id) ON DELETE CASCADE);"
      "CREATE INDEX ix_posts_user_id ON posts(user_id);"
      "CREATE TABLE post_tags (post_id BIGINT NOT NULL, tag_id BIGINT NOT NULL, "
      "PRIMARY KEY(post_id, tag_id), "
      "FOREIGN KEY(post_id) REFERENCES posts(id) ON DELETE CASCADE, "
      "FOREIGN KEY(tag_id) REFERENCES tags(id) ON DELETE CASCADE);"
      "CREATE INDEX ix_post_tags_tag_id ON post_tags(tag_id);");
}

// Writes the whole data set in one transaction, one prepared single-row INSERT per
// table, in dependency order. Returns the number of rows written.
std::int64_t write_all(Conn& c, const Options& o) {
  Stmt users(c, "INSERT INTO users (id, name) VALUES (?, ?)");
  Stmt profiles(c, "INSERT INTO profiles (id, user_id, bio) VALUES (?, ?, ?)");
  Stmt tags(c, "INSERT INTO tags (id, name) VALUES (?, ?)");
  Stmt posts(c, "INSERT INTO posts (id, user_id, title, body) VALUES (?, ?, ?, ?)");
  Stmt post_tags(c, "INSERT INTO post_tags (post_id, tag_id) VALUES (?, ?)");
  std::int64_t rows = 0;
  c.exec("BEGIN");
  for (std::int64_t id = 1; id <= o.users; ++id, ++rows) {
    const std::string name = blog_bench::user_name(id);
    users.bind(1, id);
    users.bind(2, name);
    users.execute();
  }
  for (std::int64_t id = 1; id <= o.users; ++id, ++rows) {
    const std::string bio = blog_bench::profile_bio(id);
    profiles.bind(1, id);
    profiles.bind(2, id);
    profiles.bind(3, bio);
    profiles.execute();
  }
  for (std::int64_t id = 1; id <= o.tags; ++id, ++rows) {
    const std::string name = blog_bench::tag_name(id);
    tags.bind(1, id);
    tags.bind(2, name);
    tags.execute();
  }
  const std::int64_t post_count = o.users * o.posts_per_user;
  for (std::int64_t id = 1; id <= post_count; ++id, ++rows) {
    const std::string title = blog_bench::post_title(id);
    const std::string body = blog_bench::post_body(id);
    posts.bind(1, id);
    posts.bind(2, blog_bench::post_user(id, o.posts_per_user));
    posts.bind(3, title);
    posts.bind(4, body);
    posts.execute();
  }
  for (std::int64_t id = 1; id <= post_count; ++id) {
    for (const std::int64_t tag : blog_bench::post_tags(id, o.tags)) {
      post_tags.bind(1, id);
      post_tags.bind(2, tag);
      post_tags.execute();
      ++rows;
    }
  }
  c.exec("COMMIT");
  return rows;
}

// tables_checksum's Query: every value as text, NULL as "".
blog_bench::Query text_query(Conn& c) {
  return [&c](const std::string& sql) {
    Stmt s(c, sql);
    blog_bench::Rows rows;
    const int n = s.columns();
    while (s.step()) {
      auto& row = rows.emplace_back();
      row.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) row.push_back(s.text(i));
    }
    s.reset();
    return rows;
  };
}

// ---- The in-memory objects (floor_objects.hpp) ----

using blog_bench::floor::Post;
using blog_bench::floor::Tag;
using blog_bench::floor::TaggedPost;
using blog_bench::floor::User;

Post read_post(const Stmt& s, int first) {
  return Post{s.int64(first), s.int64(first + 1), s.text(first + 2), s.text(first + 3)};
}

std::vector<User> load_users(Conn& c) {
  Stmt s(c, "SELECT id, name FROM users ORDER BY id");
  std::vector<User> users;
  while (s.step()) users.push_back(User{s.int64(0), s.text(1), {}});
  s.reset();
  return users;
}

std::string load_checksum(const std::vector<User>& users) {
  blog_bench::LoadChecksum sum;
  for (const auto& u : users) {
    sum.user();
    for (std::size_t i = 0; i < u.posts.size(); ++i) {
      const Post& p = u.posts[i];
      sum.post(i, p.id, p.user_id, p.title.size(), p.body.size());
    }
  }
  return sum.json();
}

std::int64_t user_and_post_count(const std::vector<User>& users) {
  std::int64_t n = static_cast<std::int64_t>(users.size());
  for (const auto& u : users) n += static_cast<std::int64_t>(u.posts.size());
  return n;
}

// "SELECT ... WHERE <column> IN (?, ?, ...) ORDER BY ..." with `count` parameters.
std::string in_list_sql(std::string_view head, std::size_t count, std::string_view tail) {
  std::string sql(head);
  sql += " IN (";
  for (std::size_t i = 0; i < count; ++i) sql += i ? ",?" : "?";
  sql += ") ";
  sql += tail;
  return sql;
}

// Runs `per_batch(stmt, begin, end)` over [0, total) in batches of kBatch, with one
// statement prepared for a full batch and one for the remainder.
template <typename MakeSql, typename PerBatch>
void in_batches(Conn& c, std::size_t total, MakeSql&& make_sql, PerBatch&& per_batch) {
  std::unique_ptr<Stmt> full, rest;
  for (std::size_t begin = 0; begin < total; begin += kBatch) {
    const std::size_t end = std::min(total, begin + kBatch);
    std::unique_ptr<Stmt>& stmt = end - begin == kBatch ? full : rest;
    if (!stmt) stmt = std::make_unique<Stmt>(c, make_sql(end - begin));
    per_batch(*stmt, begin, end);
    stmt->reset();
  }
}

// ---- The workloads ----

struct Outcome {
  std::int64_t n = 0;
  double seconds = 0;
  std::int64_t statements = 0;
  std::string checksum;
};

Outcome run_insert(Conn& c, const Options& o) {
  Outcome r;
  const blog_bench::Stopwatch watch;
  r.n = write_all(c, o);
  r.seconds = watch.seconds();
  r.statements = c.statements;
  r.checksum = blog_bench::tables_checksum(text_query(c), o.posts_per_user);
  return r;
}

// Timed like the peers time a Session's life: the statements (in one transaction),
// building the objects, walking them for the checksum, and freeing them.
template <typename Load>
Outcome run_load(Conn& c, Load&& load) {
  Outcome r;
  c.statements = 0;
  const blog_bench::Stopwatch watch;
  {
    c.exec("BEGIN");
    const std::vector<User> users = load();
    c.exec("COMMIT");
    r.n = user_and_post_count(users);
    r.checksum = load_checksum(users);
  }
  r.seconds = watch.seconds();
  r.statements = c.statements;
  return r;
}

Outcome run_load_lazy(Conn& c) {
  return run_load(c, [&c] {
    std::vector<User> users = load_users(c);
    Stmt posts(c, "SELECT id, user_id, title, body FROM posts WHERE user_id = ? ORDER BY id");
    for (auto& u : users) {
      posts.bind(1, u.id);
      while (posts.step()) u.posts.push_back(read_post(posts, 0));
      posts.reset();
    }
    return users;
  });
}

Outcome run_load_joined(Conn& c) {
  return run_load(c, [&c] {
    Stmt s(c,
           "SELECT u.id, u.name, p.id, p.user_id, p.title, p.body FROM users u "
           "LEFT OUTER JOIN posts p ON p.user_id = u.id ORDER BY u.id, p.id");
    std::vector<User> users;
    while (s.step()) {
      const std::int64_t id = s.int64(0);
      if (users.empty() || users.back().id != id) users.push_back(User{id, s.text(1), {}});
      if (!s.is_null(2)) users.back().posts.push_back(read_post(s, 2));
    }
    s.reset();
    return users;
  });
}

Outcome run_load_selectin(Conn& c) {
  return run_load(c, [&c] {
    std::vector<User> users = load_users(c);
    std::unordered_map<std::int64_t, std::size_t> position;
    position.reserve(users.size());
    for (std::size_t i = 0; i < users.size(); ++i) position.emplace(users[i].id, i);
    in_batches(
        c, users.size(),
        [](std::size_t count) {
          return in_list_sql("SELECT id, user_id, title, body FROM posts WHERE user_id", count,
                             "ORDER BY id");
        },
        [&](Stmt& s, std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i) {
            s.bind(static_cast<int>(i - begin + 1), users[i].id);
          }
          while (s.step()) {
            Post p = read_post(s, 0);
            users[position.at(p.user_id)].posts.push_back(std::move(p));
          }
        });
    return users;
  });
}

std::string tag_checksum(const std::vector<TaggedPost>& posts, std::int64_t& n) {
  blog_bench::TagChecksum sum;
  for (const auto& p : posts) {
    sum.post();
    for (std::size_t i = 0; i < p.tags.size(); ++i) {
      sum.tag(i, p.id, p.tags[i]->id, p.tags[i]->name.size());
    }
  }
  n = sum.posts + sum.links;
  return sum.json();
}

Outcome run_m2m_selectin(Conn& c) {
  Outcome r;
  c.statements = 0;
  const blog_bench::Stopwatch watch;
  {
    c.exec("BEGIN");
    std::vector<TaggedPost> posts;
    std::unordered_map<std::int64_t, Tag> tags;  // the identity map
    {
      Stmt s(c, "SELECT id, user_id, title, body FROM posts ORDER BY id");
      while (s.step()) {
        posts.push_back(TaggedPost{s.int64(0), s.int64(1), s.text(2), s.text(3), {}});
      }
      s.reset();
    }
    in_batches(
        c, posts.size(),
        [](std::size_t count) {
          return in_list_sql(
              "SELECT pt.post_id, t.id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
              "WHERE pt.post_id",
              count, "ORDER BY pt.post_id, t.id");
        },
        [&](Stmt& s, std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i) {
            s.bind(static_cast<int>(i - begin + 1), posts[i].id);
          }
          // Rows come in post id order, and so do posts[begin, end).
          std::size_t at = begin;
          while (s.step()) {
            const std::int64_t post_id = s.int64(0);
            while (posts[at].id != post_id) ++at;
            const std::int64_t tag_id = s.int64(1);
            auto it = tags.find(tag_id);
            if (it == tags.end()) it = tags.emplace(tag_id, Tag{tag_id, s.text(2)}).first;
            posts[at].tags.push_back(&it->second);
          }
        });
    c.exec("COMMIT");
    r.checksum = tag_checksum(posts, r.n);
  }
  r.seconds = watch.seconds();
  r.statements = c.statements;
  return r;
}

Outcome run_cascade_delete(Conn& c, const Options& o) {
  Outcome r;
  c.statements = 0;
  const blog_bench::Stopwatch watch;
  c.exec("BEGIN");
  std::vector<std::int64_t> ids;
  {
    Stmt s(c, "SELECT id FROM users WHERE id % 10 = 0 ORDER BY id");
    while (s.step()) ids.push_back(s.int64(0));
    s.reset();
  }
  Stmt del(c, "DELETE FROM users WHERE id = ?");
  for (const std::int64_t id : ids) {
    del.bind(1, id);
    del.execute();
  }
  c.exec("COMMIT");
  r.seconds = watch.seconds();
  r.statements = c.statements;
  r.n = static_cast<std::int64_t>(ids.size());
  r.checksum = blog_bench::tables_checksum(text_query(c), o.posts_per_user);
  return r;
}

Outcome run_workload(const std::string& workload, const std::string& path, const Options& o) {
  Conn c(path);
  create_schema(c);
  if (workload == "insert") return run_insert(c, o);
  write_all(c, o);  // seeding, outside the timing
  c.statements = 0;
  if (workload == "load_lazy") return run_load_lazy(c);
  if (workload == "load_joined") return run_load_joined(c);
  if (workload == "load_selectin") return run_load_selectin(c);
  if (workload == "m2m_selectin") return run_m2m_selectin(c);
  return run_cascade_delete(c, o);
}

// ---- Where the databases live ----

fs::path g_temp_dir;  // removed at exit, however the program ends

void remove_temp_dir() {
  if (g_temp_dir.empty()) return;
  std::error_code ignored;
  fs::remove_all(g_temp_dir, ignored);
}

void remove_database_files(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ignored);
}

// The database file named by --url: "" for the default (a temp directory), ":memory:",
// or a path. Anything but a sqlite URL ends the program with status 2.
std::string database_path(const std::string& url) {
  if (url.empty()) return "";
  auto bad = [&](const std::string& why) {
    std::fprintf(stderr,
                 "%s: %s: '%s'\n  %s speaks only SQLite: --url sqlite:///relative.db, "
                 "sqlite:////absolute.db or sqlite://:memory:\n",
                 std::string(kProgram).c_str(), why.c_str(), url.c_str(),
                 std::string(kProgram).c_str());
    std::exit(2);
  };
  const std::string_view prefix = "sqlite://";
  if (url.compare(0, prefix.size(), prefix) != 0) {
    const auto sep = url.find("://");
    bad(sep == std::string::npos ? "not a database URL"
                                 : "unsupported database '" + url.substr(0, sep) + "'");
  }
  std::string_view rest = std::string_view(url).substr(prefix.size());
  rest = rest.substr(0, rest.find('?'));  // query options (timeout=...) do not apply here
  if (rest.empty() || rest == ":memory:" || rest == "/:memory:") return ":memory:";
  if (rest.front() != '/' || rest.size() == 1) bad("malformed SQLite URL");
  return blog_bench::percent_decoded(rest.substr(1));
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = blog_bench::parse_options(argc, argv, kProgram);
  const std::string named = database_path(o.url);

  if (named.empty()) {
    std::string pattern = (fs::temp_directory_path() / "raw-sqlite-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      std::fprintf(stderr, "%s: cannot create a temporary directory from '%s'\n",
                   std::string(kProgram).c_str(), pattern.c_str());
      return 1;
    }
    g_temp_dir = pattern;
    std::atexit(remove_temp_dir);
  }

  for (const auto& workload : blog_bench::selected_workloads(o)) {
    std::string path = named;
    if (named.empty()) {
      path = (g_temp_dir / (workload + ".db")).string();
    }
    const Outcome r = run_workload(workload, path, o);
    if (named.empty()) remove_database_files(path);
    blog_bench::print_result("raw-sqlite", "sqlite", workload, r.n, r.seconds, r.statements,
                             r.checksum);
  }
  return 0;
}
