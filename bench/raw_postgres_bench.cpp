// raw-postgres-bench: the blog benchmark (blog_bench.hpp) written by hand on SOCI
// 4.0.3's PostgreSQL backend, the driver under Relate's PostgreSQL backend. It is the
// floor Relate is measured against on PostgreSQL: every statement prepared on the
// server once and reused, rows read in bulk into vectors (into(std::vector)), plain
// structs holding exactly the data the ORM's objects hold.
//
// Rows are written as multi-row INSERTs of up to 500 rows each, which is also what
// Relate's flush sends: SOCI 4.0.3's bulk use(std::vector) would cost a round trip per
// row, as its PostgreSQL backend runs one PQexecPrepared per element. Keys go in IN
// lists of 500 (the peers' selectin batch); the cascade's DELETE names all its keys at
// once.
//
// --url postgresql://user:password@host:port/database names the server, as for
// relate-bench. Each workload drops and creates its tables (those relate-bench creates,
// with the same column types, keys and indexes, so that only the code differs), seeds
// them as relate-bench does, and drops them at the end.
//
// As in raw-sqlite-bench, every timed workload runs inside one BEGIN ... COMMIT (not
// counted as statements), each execution of a statement counts once, and the load
// workloads' timing includes walking the objects for the checksum and freeing them.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <cstddef>
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
using Key = long long;  // SOCI's 64-bit integer

constexpr std::string_view kProgram = "raw-postgres-bench";
constexpr std::size_t kBatch = 500;            // rows per INSERT, keys per selectin IN list
constexpr std::size_t kFetch = 1000;           // rows per bulk fetch
constexpr std::size_t kFetchPerParent = 64;    // rows per bulk fetch of one user's posts
constexpr std::size_t kMaxParameters = 65535;  // PostgreSQL's limit per statement

// ---- The connection ----

// A session and the count of statement executions sent through it.
struct Conn {
  soci::session sql;
  std::int64_t statements = 0;

  explicit Conn(const std::string& conninfo) : sql(soci::postgresql, conninfo) {
    exec("SET client_min_messages TO warning");  // no NOTICE from DROP TABLE IF EXISTS
  }

  // Runs SQL text without counting it (schema, ANALYZE, SET).
  void exec(const std::string& text) { sql << text; }

  // One execution of a prepared statement; true when it read rows into its into elements.
  bool execute(soci::statement& st) {
    ++statements;
    return st.execute(true);
  }
};

// libpq's keyword form: SOCI 4.0.3 does not take postgresql:// URLs.
std::string conninfo(const blog_bench::ServerUrl& url) {
  auto quoted = [](const std::string& v) {
    std::string out = "'";
    for (const char c : v) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  };
  std::string out = "host=" + quoted(url.host) +
                    " port=" + std::to_string(url.port.value_or(5432)) +
                    " dbname=" + quoted(url.database);
  if (!url.user.empty()) out += " user=" + quoted(url.user);
  if (!url.password.empty()) out += " password=" + quoted(url.password);
  return out;
}

// A statement prepared on the server; `bind` exchanges its use and into elements.
template <typename Bind>
std::unique_ptr<soci::statement> prepare(Conn& c, const std::string& text, Bind&& bind) {
  auto st = std::make_unique<soci::statement>(c.sql);
  st->alloc();
  st->prepare(text);
  bind(*st);
  st->define_and_bind();
  return st;
}

// "<head> IN (:k1, ..., :kN) <tail>"
std::string in_list_sql(std::string_view head, std::size_t count, std::string_view tail) {
  std::string sql(head);
  sql += " IN (";
  for (std::size_t i = 0; i < count; ++i) sql += (i ? ", :k" : ":k") + std::to_string(i + 1);
  sql += ") ";
  sql += tail;
  return sql;
}

// ---- The schema and the data ----

void drop_tables(Conn& c) {
  c.exec("DROP TABLE IF EXISTS post_tags, posts, tags, profiles, users");
}

// The tables relate-bench's create_all makes on PostgreSQL.
void create_schema(Conn& c) {
  drop_tables(c);  // an earlier run may have left them
  for (const char* ddl : {
           "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)",
           "CREATE TABLE profiles (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL UNIQUE, "
           "bio TEXT NOT NULL, FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
           "CREATE TABLE tags (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)",
           "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL, "
           "title TEXT NOT NULL, body TEXT NOT NULL, "
           "FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
           "CREATE INDEX ix_posts_user_id ON posts (user_id)",
           "CREATE TABLE post_tags (post_id BIGINT NOT NULL, tag_id BIGINT NOT NULL, "
           "PRIMARY KEY (post_id, tag_id), "
           "FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE, "
           "FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE)",
           "CREATE INDEX ix_post_tags_tag_id ON post_tags (tag_id)",
       }) {
    c.exec(ddl);
  }
}

// The rows of one table as multi-row INSERTs of kBatch rows, the statement prepared
// once and reused; the last, shorter one gets a statement of its own. The statements'
// use elements read `keys_` and `texts_`, filled a row at a time: its key columns,
// then its text columns (every table here lists its columns in that order).
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

  void add(std::initializer_list<Key> keys, std::initializer_list<std::string_view> texts) {
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
    std::unique_ptr<soci::statement>& st = filled_ == kBatch ? full_ : rest_;
    if (!st) st = prepare_insert(filled_);
    c_.execute(*st);
    written_ += static_cast<std::int64_t>(filled_);
    filled_ = 0;
  }

  std::unique_ptr<soci::statement> prepare_insert(std::size_t rows) {
    std::string sql = "INSERT INTO " + table_ + " (";
    std::size_t n = 0;
    for (const auto& name : key_columns_) sql += (n++ ? ", " : "") + name;
    for (const auto& name : text_columns_) sql += (n++ ? ", " : "") + name;
    sql += ") VALUES ";
    std::size_t p = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      sql += r ? ", (" : "(";
      for (std::size_t i = 0; i < n; ++i) sql += (i ? ", :v" : ":v") + std::to_string(++p);
      sql += ")";
    }
    return prepare(c_, sql, [&](soci::statement& st) {
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t i = 0; i < key_columns_.size(); ++i) {
          st.exchange(soci::use(keys_[r * key_columns_.size() + i]));
        }
        for (std::size_t i = 0; i < text_columns_.size(); ++i) {
          st.exchange(soci::use(texts_[r * text_columns_.size() + i]));
        }
      }
    });
  }

  Conn& c_;
  std::string table_;
  std::vector<std::string> key_columns_, text_columns_;
  std::vector<Key> keys_;
  std::vector<std::string> texts_;
  std::size_t filled_ = 0;
  std::int64_t written_ = 0;
  std::unique_ptr<soci::statement> full_, rest_;
};

// Writes the whole data set in one transaction, a table at a time in dependency
// order. Returns the number of rows written.
std::int64_t write_all(Conn& c, const Options& o) {
  const Key post_count = o.users * o.posts_per_user;
  std::int64_t rows = 0;
  c.sql.begin();
  {
    TableWriter users(c, "users", {"id"}, {"name"});
    for (Key id = 1; id <= o.users; ++id) users.add({id}, {blog_bench::user_name(id)});
    rows += users.finish();
  }
  {
    TableWriter profiles(c, "profiles", {"id", "user_id"}, {"bio"});
    for (Key id = 1; id <= o.users; ++id) profiles.add({id, id}, {blog_bench::profile_bio(id)});
    rows += profiles.finish();
  }
  {
    TableWriter tags(c, "tags", {"id"}, {"name"});
    for (Key id = 1; id <= o.tags; ++id) tags.add({id}, {blog_bench::tag_name(id)});
    rows += tags.finish();
  }
  {
    TableWriter posts(c, "posts", {"id", "user_id"}, {"title", "body"});
    for (Key id = 1; id <= post_count; ++id) {
      posts.add({id, blog_bench::post_user(id, o.posts_per_user)},
                {blog_bench::post_title(id), blog_bench::post_body(id)});
    }
    rows += posts.finish();
  }
  {
    TableWriter post_tags(c, "post_tags", {"post_id", "tag_id"}, {});
    for (Key id = 1; id <= post_count; ++id) {
      for (const Key tag : blog_bench::post_tags(id, o.tags)) post_tags.add({id, tag}, {});
    }
    rows += post_tags.finish();
  }
  c.sql.commit();
  return rows;
}

// Seeds a workload's tables outside the timing, with fresh statistics as relate-bench
// has them.
void seed(Conn& c, const Options& o) {
  write_all(c, o);
  c.exec("ANALYZE users, profiles, tags, posts, post_tags");
}

// tables_checksum's Query: every value as text.
blog_bench::Query text_query(Conn& c) {
  return [&c](const std::string& sql) {
    blog_bench::Rows rows;
    const soci::rowset<soci::row> result = (c.sql.prepare << sql);
    for (const soci::row& r : result) {
      auto& row = rows.emplace_back();
      for (std::size_t i = 0; i < r.size(); ++i) {
        row.push_back(r.get_properties(i).get_data_type() == soci::dt_string
                          ? r.get<std::string>(i)
                          : std::to_string(r.get<long long>(i)));
      }
    }
    return rows;
  };
}

// ---- The in-memory objects (floor_objects.hpp) ----

using blog_bench::floor::Post;
using blog_bench::floor::Tag;
using blog_bench::floor::TaggedPost;
using blog_bench::floor::User;

// ---- Reading rows in bulk ----

// The into elements of a SELECT, one vector per column. `resize` sets how many rows
// the next fetch may bring; after it, the vectors hold the rows it brought.
struct IdRows {
  std::vector<Key> id;
  void bind(soci::statement& st) { st.exchange(soci::into(id)); }
  void resize(std::size_t n) { id.resize(n); }
  std::size_t size() const { return id.size(); }
};

struct UserRows {
  std::vector<Key> id;
  std::vector<std::string> name;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(name));
  }
  void resize(std::size_t n) {
    id.resize(n);
    name.resize(n);
  }
  std::size_t size() const { return id.size(); }
};

// posts.id, user_id, title, body.
struct PostRows {
  std::vector<Key> id, user_id;
  std::vector<std::string> title, body;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(user_id));
    st.exchange(soci::into(title));
    st.exchange(soci::into(body));
  }
  void resize(std::size_t n) {
    id.resize(n);
    user_id.resize(n);
    title.resize(n);
    body.resize(n);
  }
  std::size_t size() const { return id.size(); }
  Post take(std::size_t i) {
    return Post{id[i], user_id[i], std::move(title[i]), std::move(body[i])};
  }
};

// A user and, from the outer join, maybe one of its posts.
struct UserPostRows {
  UserRows user;
  PostRows post;
  std::vector<soci::indicator> post_id_null, post_user_id_null, title_null, body_null;
  void bind(soci::statement& st) {
    user.bind(st);
    st.exchange(soci::into(post.id, post_id_null));
    st.exchange(soci::into(post.user_id, post_user_id_null));
    st.exchange(soci::into(post.title, title_null));
    st.exchange(soci::into(post.body, body_null));
  }
  void resize(std::size_t n) {
    user.resize(n);
    post.resize(n);
    post_id_null.resize(n);
    post_user_id_null.resize(n);
    title_null.resize(n);
    body_null.resize(n);
  }
  std::size_t size() const { return user.size(); }
};

// post_tags.post_id, tags.id, tags.name.
struct LinkRows {
  std::vector<Key> post_id, tag_id;
  std::vector<std::string> name;
  void bind(soci::statement& st) {
    st.exchange(soci::into(post_id));
    st.exchange(soci::into(tag_id));
    st.exchange(soci::into(name));
  }
  void resize(std::size_t n) {
    post_id.resize(n);
    tag_id.resize(n);
    name.resize(n);
  }
  std::size_t size() const { return post_id.size(); }
};

// Executes a prepared SELECT whose into elements are `rows`, handing each bulk of up
// to `bulk` rows to `take`.
template <typename Rows, typename Take>
void fetch(Conn& c, soci::statement& st, Rows& rows, std::size_t bulk, Take&& take) {
  rows.resize(bulk);
  bool got = c.execute(st);
  while (got) {
    take(rows);
    rows.resize(bulk);
    got = st.fetch();
  }
}

// A SELECT without parameters, prepared and run once.
template <typename Rows, typename Take>
void select_all(Conn& c, const std::string& sql, Take&& take) {
  Rows rows;
  const auto st = prepare(c, sql, [&](soci::statement& s) { rows.bind(s); });
  fetch(c, *st, rows, kFetch, take);
}

// "<head> IN (<keys>) <tail>" over `keys` in lists of kBatch, with one statement
// prepared for a full list and one for the remainder, handing each bulk of rows to
// `take`.
template <typename Rows, typename Take>
void select_in_batches(Conn& c, const std::vector<Key>& keys, std::string_view head,
                       std::string_view tail, Take&& take) {
  Rows rows;
  std::vector<Key> batch(kBatch);  // the use elements read these
  std::unique_ptr<soci::statement> full, rest;
  for (std::size_t begin = 0; begin < keys.size(); begin += kBatch) {
    const std::size_t count = std::min(kBatch, keys.size() - begin);
    std::copy_n(keys.begin() + static_cast<std::ptrdiff_t>(begin), count, batch.begin());
    std::unique_ptr<soci::statement>& st = count == kBatch ? full : rest;
    if (!st) {
      st = prepare(c, in_list_sql(head, count, tail), [&](soci::statement& s) {
        for (std::size_t i = 0; i < count; ++i) s.exchange(soci::use(batch[i]));
        rows.bind(s);
      });
    }
    fetch(c, *st, rows, kFetch, take);
  }
}

std::vector<User> load_users(Conn& c) {
  std::vector<User> users;
  select_all<UserRows>(c, "SELECT id, name FROM users ORDER BY id", [&](UserRows& rows) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      users.push_back(User{rows.id[i], std::move(rows.name[i]), {}});
    }
  });
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

std::vector<Key> ids_of(const auto& objects) {
  std::vector<Key> ids;
  ids.reserve(objects.size());
  for (const auto& o : objects) ids.push_back(o.id);
  return ids;
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
    c.sql.begin();
    const std::vector<User> users = load();
    c.sql.commit();
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
    Key user_id = 0;
    PostRows rows;
    const auto posts = prepare(
        c, "SELECT id, user_id, title, body FROM posts WHERE user_id = :user_id ORDER BY id",
        [&](soci::statement& st) {
          st.exchange(soci::use(user_id));
          rows.bind(st);
        });
    for (auto& u : users) {
      user_id = u.id;
      fetch(c, *posts, rows, kFetchPerParent, [&](PostRows& got) {
        for (std::size_t i = 0; i < got.size(); ++i) u.posts.push_back(got.take(i));
      });
    }
    return users;
  });
}

Outcome run_load_joined(Conn& c) {
  return run_load(c, [&c] {
    std::vector<User> users;
    select_all<UserPostRows>(c,
                             "SELECT u.id, u.name, p.id, p.user_id, p.title, p.body FROM users u "
                             "LEFT OUTER JOIN posts p ON p.user_id = u.id ORDER BY u.id, p.id",
                             [&](UserPostRows& rows) {
                               for (std::size_t i = 0; i < rows.size(); ++i) {
                                 const Key id = rows.user.id[i];
                                 if (users.empty() || users.back().id != id) {
                                   users.push_back(User{id, std::move(rows.user.name[i]), {}});
                                 }
                                 if (rows.post_id_null[i] != soci::i_null) {
                                   users.back().posts.push_back(rows.post.take(i));
                                 }
                               }
                             });
    return users;
  });
}

Outcome run_load_selectin(Conn& c) {
  return run_load(c, [&c] {
    std::vector<User> users = load_users(c);
    std::unordered_map<std::int64_t, std::size_t> position;
    position.reserve(users.size());
    for (std::size_t i = 0; i < users.size(); ++i) position.emplace(users[i].id, i);
    select_in_batches<PostRows>(c, ids_of(users),
                                "SELECT id, user_id, title, body FROM posts WHERE user_id",
                                "ORDER BY id", [&](PostRows& rows) {
                                  for (std::size_t i = 0; i < rows.size(); ++i) {
                                    Post p = rows.take(i);
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
    c.sql.begin();
    std::vector<TaggedPost> posts;
    std::unordered_map<std::int64_t, Tag> tags;  // the identity map
    select_all<PostRows>(
        c, "SELECT id, user_id, title, body FROM posts ORDER BY id", [&](PostRows& rows) {
          for (std::size_t i = 0; i < rows.size(); ++i) {
            Post p = rows.take(i);
            posts.push_back(TaggedPost{p.id, p.user_id, std::move(p.title), std::move(p.body), {}});
          }
        });
    // Rows come in post id order, and so do the posts.
    std::size_t at = 0;
    select_in_batches<LinkRows>(
        c, ids_of(posts),
        "SELECT pt.post_id, t.id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
        "WHERE pt.post_id",
        "ORDER BY pt.post_id, t.id", [&](LinkRows& rows) {
          for (std::size_t i = 0; i < rows.size(); ++i) {
            while (posts[at].id != rows.post_id[i]) ++at;
            const std::int64_t tag_id = rows.tag_id[i];
            auto it = tags.find(tag_id);
            if (it == tags.end())
              it = tags.emplace(tag_id, Tag{tag_id, std::move(rows.name[i])}).first;
            posts[at].tags.push_back(&it->second);
          }
        });
    c.sql.commit();
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
  c.sql.begin();
  std::vector<Key> ids;
  select_all<IdRows>(c, "SELECT id FROM users WHERE id % 10 = 0 ORDER BY id",
                     [&](IdRows& rows) { ids.insert(ids.end(), rows.id.begin(), rows.id.end()); });
  for (std::size_t begin = 0; begin < ids.size(); begin += kMaxParameters) {
    const std::size_t count = std::min(kMaxParameters, ids.size() - begin);
    const auto del =
        prepare(c, in_list_sql("DELETE FROM users WHERE id", count, ""), [&](soci::statement& st) {
          for (std::size_t i = 0; i < count; ++i) {
            st.exchange(soci::use(ids[begin + i]));
          }
        });
    c.execute(*del);
  }
  c.sql.commit();
  r.seconds = watch.seconds();
  r.statements = c.statements;
  r.n = static_cast<std::int64_t>(ids.size());
  r.checksum = blog_bench::tables_checksum(text_query(c), o.posts_per_user);
  return r;
}

Outcome run_workload(const std::string& workload, const std::string& server, const Options& o) {
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
  const std::string server =
      conninfo(blog_bench::parse_server_url(o.url, {"postgresql", "postgres"}, kProgram));
  try {
    for (const auto& workload : blog_bench::selected_workloads(o)) {
      const Outcome r = run_workload(workload, server, o);
      blog_bench::print_result("raw-postgres", "postgresql", workload, r.n, r.seconds, r.statements,
                               r.checksum);
    }
  } catch (const std::exception& e) {
    // SOCI's messages name the statement; libpq's never carry the password.
    std::fprintf(stderr, "%s: %s\n", std::string(kProgram).c_str(), e.what());
    return 1;
  }
  return 0;
}
