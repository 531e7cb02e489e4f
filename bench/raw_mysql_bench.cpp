// raw-mysql-bench: the blog benchmark (blog_bench.hpp) written by hand on MySQL
// Connector/C++ 1.1 (cppconn), the driver under Relate's MySQL/MariaDB backend. It is
// the floor Relate is measured against on MySQL and MariaDB: every statement a
// server-side prepared statement, prepared once and reused, rows read straight from
// the driver's result sets into plain structs holding exactly the data the ORM's
// objects hold.
//
// Rows are written as multi-row INSERTs of up to 500 rows each, which is also what
// Relate's flush sends (Connector/C++ 1.1 has no batch execution). Keys go in IN lists
// of 500 (the peers' selectin batch); the cascade's DELETE names all its keys at once.
//
// --url mysql://user:password@host:port/database names the server, as for
// relate-bench. Each workload drops and creates its tables (those relate-bench creates,
// with the same column types, keys, indexes and table options, so that only the code
// differs), seeds them as relate-bench does, and drops them at the end.
//
// As in raw-sqlite-bench, every timed workload runs inside one START TRANSACTION ...
// COMMIT (not counted as statements), each execution of a statement counts once, and
// the load workloads' timing includes walking the objects for the checksum and freeing
// them.
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "blog_bench.hpp"
#include "floor_objects.hpp"

namespace {

using blog_bench::Options;

constexpr std::string_view kProgram = "raw-mysql-bench";
constexpr std::size_t kBatch = 500;            // rows per INSERT, keys per selectin IN list
constexpr std::size_t kMaxParameters = 65535;  // MySQL's limit per prepared statement

using Statement = std::unique_ptr<sql::PreparedStatement>;
using Result = std::unique_ptr<sql::ResultSet>;

// ---- The connection ----

// A connection and the count of statement executions sent through it.
struct Conn {
  std::unique_ptr<sql::Connection> db;
  std::int64_t statements = 0;

  explicit Conn(const blog_bench::ServerUrl& url) {
    const bool ipv6 = url.host.find(':') != std::string::npos;
    sql::ConnectOptionsMap options;
    // Connector/C++ does not take mysql:// URLs.
    options["hostName"] = sql::SQLString("tcp://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" +
                                         std::to_string(url.port.value_or(3306)));
    options["userName"] = sql::SQLString(url.user);
    options["password"] = sql::SQLString(url.password);
    options["schema"] = sql::SQLString(url.database);
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    db.reset(sql::mysql::get_mysql_driver_instance()->connect(options));
  }

  // Runs SQL text without counting it (schema, ANALYZE TABLE, transaction control).
  void exec(const std::string& text) {
    const std::unique_ptr<sql::Statement> st(db->createStatement());
    if (st->execute(text)) {
      const Result rows(st->getResultSet());  // ANALYZE TABLE answers with rows: freed here
    }
  }

  // Transaction control as statements: Connector/C++ 1.1's commit() does not check
  // the server's answer.
  void begin() { exec("START TRANSACTION"); }
  void commit() { exec("COMMIT"); }

  Statement prepare(const std::string& text) { return Statement(db->prepareStatement(text)); }

  // One execution of a prepared statement.
  void execute(sql::PreparedStatement& st) {
    ++statements;
    st.execute();
  }
  Result query(sql::PreparedStatement& st) {
    ++statements;
    return Result(st.executeQuery());
  }
};

// "<head> IN (?, ?, ...) <tail>" with `count` parameters.
std::string in_list_sql(std::string_view head, std::size_t count, std::string_view tail) {
  std::string sql(head);
  sql += " IN (";
  for (std::size_t i = 0; i < count; ++i) sql += i ? ", ?" : "?";
  sql += ") ";
  sql += tail;
  return sql;
}

// ---- The schema and the data ----

void drop_tables(Conn& c) {
  c.exec("DROP TABLE IF EXISTS post_tags, posts, tags, profiles, users");
}

// The tables relate-bench's create_all makes on MySQL/MariaDB.
void create_schema(Conn& c) {
  drop_tables(c);  // an earlier run may have left them
  const std::string options = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
  for (const char* ddl : {
           "CREATE TABLE users (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
           "name LONGTEXT NOT NULL)",
           "CREATE TABLE profiles (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
           "user_id BIGINT NOT NULL UNIQUE, bio LONGTEXT NOT NULL, "
           "FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
           "CREATE TABLE tags (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
           "name LONGTEXT NOT NULL)",
           "CREATE TABLE posts (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
           "user_id BIGINT NOT NULL, title LONGTEXT NOT NULL, body LONGTEXT NOT NULL, "
           "FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
           "CREATE TABLE post_tags (post_id BIGINT NOT NULL, tag_id BIGINT NOT NULL, "
           "PRIMARY KEY (post_id, tag_id), "
           "FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE, "
           "FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE)",
       }) {
    c.exec(ddl + options);
  }
  c.exec("CREATE INDEX ix_posts_user_id ON posts (user_id)");
  c.exec("CREATE INDEX ix_post_tags_tag_id ON post_tags (tag_id)");
}

// The rows of one table as multi-row INSERTs of kBatch rows, the statement prepared
// once and reused; the last, shorter one gets a statement of its own. A batch's values
// wait in `keys_` and `texts_`, a row at a time: its key columns, then its text
// columns (every table here lists its columns in that order).
class TableWriter {
 public:
  TableWriter(Conn& c, std::string table, std::vector<std::string> key_columns,
              std::vector<std::string> text_columns)
      : c_(c),
        table_(std::move(table)),
        key_columns_(std::move(key_columns)),
        text_columns_(std::move(text_columns)),
        keys_(kBatch * key_columns_.size()),
        texts_(kBatch * text_columns_.size()) {}

  void add(std::initializer_list<std::int64_t> keys,
           std::initializer_list<std::string_view> texts) {
    std::copy(keys.begin(), keys.end(), keys_.begin() + filled_ * key_columns_.size());
    auto text = texts_.begin() + filled_ * text_columns_.size();
    for (const std::string_view t : texts) (text++)->assign(t);
    if (++filled_ == kBatch) flush();
  }

  // Writes the rows still held; returns the number of rows written in all.
  std::int64_t finish() {
    if (filled_) flush();
    return written_;
  }

 private:
  void flush() {
    Statement& st = filled_ == kBatch ? full_ : rest_;
    if (!st) st = c_.prepare(insert_sql(filled_));
    unsigned int p = 0;
    for (std::size_t r = 0; r < filled_; ++r) {
      for (std::size_t i = 0; i < key_columns_.size(); ++i) {
        st->setInt64(++p, keys_[r * key_columns_.size() + i]);
      }
      for (std::size_t i = 0; i < text_columns_.size(); ++i) {
        const std::string& text = texts_[r * text_columns_.size() + i];
        st->setString(++p, sql::SQLString(text.data(), text.size()));
      }
    }
    c_.execute(*st);
    written_ += static_cast<std::int64_t>(filled_);
    filled_ = 0;
  }

  std::string insert_sql(std::size_t rows) const {
    std::string sql = "INSERT INTO " + table_ + " (";
    std::string row = "(";
    std::size_t n = 0;
    for (const auto& name : key_columns_) {
      sql += (n ? ", " : "") + name;
      row += n++ ? ", ?" : "?";
    }
    for (const auto& name : text_columns_) {
      sql += (n ? ", " : "") + name;
      row += n++ ? ", ?" : "?";
    }
    sql += ") VALUES ";
    for (std::size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + row + ")";
    return sql;
  }

  Conn& c_;
  std::string table_;
  std::vector<std::string> key_columns_, text_columns_;
  std::vector<std::int64_t> keys_;
  std::vector<std::string> texts_;
  std::size_t filled_ = 0;
  std::int64_t written_ = 0;
  Statement full_, rest_;
};

// Writes the whole data set in one transaction, a table at a time in dependency
// order. Returns the number of rows written.
std::int64_t write_all(Conn& c, const Options& o) {
  const std::int64_t post_count = o.users * o.posts_per_user;
  std::int64_t rows = 0;
  c.begin();
  {
    TableWriter users(c, "users", {"id"}, {"name"});
    for (std::int64_t id = 1; id <= o.users; ++id) users.add({id}, {blog_bench::user_name(id)});
    rows += users.finish();
  }
  {
    TableWriter profiles(c, "profiles", {"id", "user_id"}, {"bio"});
    for (std::int64_t id = 1; id <= o.users; ++id) {
      profiles.add({id, id}, {blog_bench::profile_bio(id)});
    }
    rows += profiles.finish();
  }
  {
    TableWriter tags(c, "tags", {"id"}, {"name"});
    for (std::int64_t id = 1; id <= o.tags; ++id) tags.add({id}, {blog_bench::tag_name(id)});
    rows += tags.finish();
  }
  {
    TableWriter posts(c, "posts", {"id", "user_id"}, {"title", "body"});
    for (std::int64_t id = 1; id <= post_count; ++id) {
      posts.add({id, blog_bench::post_user(id, o.posts_per_user)},
                {blog_bench::post_title(id), blog_bench::post_body(id)});
    }
    rows += posts.finish();
  }
  {
    TableWriter post_tags(c, "post_tags", {"post_id", "tag_id"}, {});
    for (std::int64_t id = 1; id <= post_count; ++id) {
      for (const std::int64_t tag : blog_bench::post_tags(id, o.tags)) {
        post_tags.add({id, tag}, {});
      }
    }
    rows += post_tags.finish();
  }
  c.commit();
  return rows;
}

// Seeds a workload's tables outside the timing, with fresh statistics as relate-bench
// has them.
void seed(Conn& c, const Options& o) {
  write_all(c, o);
  c.exec("ANALYZE TABLE users, profiles, tags, posts, post_tags");
}

// tables_checksum's Query: every value as text.
blog_bench::Query text_query(Conn& c) {
  return [&c](const std::string& sql) {
    blog_bench::Rows rows;
    const std::unique_ptr<sql::Statement> st(c.db->createStatement());
    const Result result(st->executeQuery(sql));
    const unsigned int n = result->getMetaData()->getColumnCount();
    while (result->next()) {
      auto& row = rows.emplace_back();
      for (unsigned int i = 1; i <= n; ++i) row.push_back(result->getString(i));
    }
    return rows;
  };
}

// ---- The in-memory objects (floor_objects.hpp) ----

using blog_bench::floor::Post;
using blog_bench::floor::Tag;
using blog_bench::floor::TaggedPost;
using blog_bench::floor::User;

// The post in columns first .. first + 3 (id, user_id, title, body) of the current row.
Post read_post(sql::ResultSet& r, unsigned int first) {
  return Post{r.getInt64(first), r.getInt64(first + 1), r.getString(first + 2),
              r.getString(first + 3)};
}

std::vector<User> load_users(Conn& c) {
  const Statement st = c.prepare("SELECT id, name FROM users ORDER BY id");
  const Result r = c.query(*st);
  std::vector<User> users;
  users.reserve(r->rowsCount());
  while (r->next()) users.push_back(User{r->getInt64(1), r->getString(2), {}});
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

// "<head> IN (<ids>) <tail>" over the ids of `objects` in lists of kBatch, with one
// statement prepared for a full list and one for the remainder, handing each result to
// `take`.
template <typename Objects, typename Take>
void select_in_batches(Conn& c, const Objects& objects, std::string_view head,
                       std::string_view tail, Take&& take) {
  Statement full, rest;
  for (std::size_t begin = 0; begin < objects.size(); begin += kBatch) {
    const std::size_t end = std::min(objects.size(), begin + kBatch);
    Statement& st = end - begin == kBatch ? full : rest;
    if (!st) st = c.prepare(in_list_sql(head, end - begin, tail));
    for (std::size_t i = begin; i < end; ++i) {
      st->setInt64(static_cast<unsigned int>(i - begin + 1), objects[i].id);
    }
    const Result r = c.query(*st);
    take(*r);
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
    c.begin();
    const std::vector<User> users = load();
    c.commit();
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
    const Statement posts =
        c.prepare("SELECT id, user_id, title, body FROM posts WHERE user_id = ? ORDER BY id");
    for (auto& u : users) {
      posts->setInt64(1, u.id);
      const Result r = c.query(*posts);
      while (r->next()) u.posts.push_back(read_post(*r, 1));
    }
    return users;
  });
}

Outcome run_load_joined(Conn& c) {
  return run_load(c, [&c] {
    const Statement st = c.prepare(
        "SELECT u.id, u.name, p.id, p.user_id, p.title, p.body FROM users u "
        "LEFT OUTER JOIN posts p ON p.user_id = u.id ORDER BY u.id, p.id");
    const Result r = c.query(*st);
    std::vector<User> users;
    while (r->next()) {
      const std::int64_t id = r->getInt64(1);
      if (users.empty() || users.back().id != id) users.push_back(User{id, r->getString(2), {}});
      if (!r->isNull(3)) users.back().posts.push_back(read_post(*r, 3));
    }
    return users;
  });
}

Outcome run_load_selectin(Conn& c) {
  return run_load(c, [&c] {
    std::vector<User> users = load_users(c);
    std::unordered_map<std::int64_t, std::size_t> position;
    position.reserve(users.size());
    for (std::size_t i = 0; i < users.size(); ++i) position.emplace(users[i].id, i);
    select_in_batches(c, users, "SELECT id, user_id, title, body FROM posts WHERE user_id",
                      "ORDER BY id", [&](sql::ResultSet& r) {
                        while (r.next()) {
                          Post p = read_post(r, 1);
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
    c.begin();
    std::vector<TaggedPost> posts;
    std::unordered_map<std::int64_t, Tag> tags;  // the identity map
    {
      const Statement st = c.prepare("SELECT id, user_id, title, body FROM posts ORDER BY id");
      const Result rows = c.query(*st);
      posts.reserve(rows->rowsCount());
      while (rows->next()) {
        posts.push_back(TaggedPost{
            rows->getInt64(1), rows->getInt64(2), rows->getString(3), rows->getString(4), {}});
      }
    }
    // Rows come in post id order, and so do the posts.
    std::size_t at = 0;
    select_in_batches(
        c, posts,
        "SELECT pt.post_id, t.id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
        "WHERE pt.post_id",
        "ORDER BY pt.post_id, t.id", [&](sql::ResultSet& rows) {
          while (rows.next()) {
            const std::int64_t post_id = rows.getInt64(1);
            while (posts[at].id != post_id) ++at;
            const std::int64_t tag_id = rows.getInt64(2);
            auto it = tags.find(tag_id);
            if (it == tags.end()) it = tags.emplace(tag_id, Tag{tag_id, rows.getString(3)}).first;
            posts[at].tags.push_back(&it->second);
          }
        });
    c.commit();
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
  c.begin();
  std::vector<std::int64_t> ids;
  {
    const Statement st = c.prepare("SELECT id FROM users WHERE id % 10 = 0 ORDER BY id");
    const Result rows = c.query(*st);
    while (rows->next()) ids.push_back(rows->getInt64(1));
  }
  for (std::size_t begin = 0; begin < ids.size(); begin += kMaxParameters) {
    const std::size_t count = std::min(kMaxParameters, ids.size() - begin);
    const Statement del = c.prepare(in_list_sql("DELETE FROM users WHERE id", count, ""));
    for (std::size_t i = 0; i < count; ++i) {
      del->setInt64(static_cast<unsigned int>(i + 1), ids[begin + i]);
    }
    c.execute(*del);
  }
  c.commit();
  r.seconds = watch.seconds();
  r.statements = c.statements;
  r.n = static_cast<std::int64_t>(ids.size());
  r.checksum = blog_bench::tables_checksum(text_query(c), o.posts_per_user);
  return r;
}

Outcome run_workload(const std::string& workload, const blog_bench::ServerUrl& server,
                     const Options& o) {
  Conn c(server);
  create_schema(c);
  Outcome r;
  if (workload == "insert") {
    r = run_insert(c, o);
  } else {
    seed(c, o);  // outside the timing
    c.statements = 0;
    if (workload == "load_lazy") r = run_load_lazy(c);
    if (workload == "load_joined") r = run_load_joined(c);
    if (workload == "load_selectin") r = run_load_selectin(c);
    if (workload == "m2m_selectin") r = run_m2m_selectin(c);
    if (workload == "cascade_delete") r = run_cascade_delete(c, o);
  }
  drop_tables(c);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = blog_bench::parse_options(argc, argv, kProgram);
  const blog_bench::ServerUrl server =
      blog_bench::parse_server_url(o.url, {"mysql", "mariadb"}, kProgram);
  try {
    for (const auto& workload : blog_bench::selected_workloads(o)) {
      const Outcome r = run_workload(workload, server, o);
      blog_bench::print_result("raw-mysql", "mysql", workload, r.n, r.seconds, r.statements,
                               r.checksum);
    }
  } catch (const std::exception& e) {
    // The driver's messages name host and port, never the password.
    std::fprintf(stderr, "%s: %s\n", std::string(kProgram).c_str(), e.what());
    return 1;
  }
  return 0;
}
