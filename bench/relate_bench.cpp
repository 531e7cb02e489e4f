// relate-bench: the blog benchmark (blog_bench.hpp) through Relate's ORM, on any
// backend URL. Each workload gets a freshly created schema; seeding goes through Core
// multi-row INSERTs outside the timing, and the timing covers the ORM work only.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <relate/relate.hpp>
#include <string>
#include <vector>

#include "blog_bench.hpp"

namespace {

using namespace blog_bench;

struct Profile;
struct Post;
struct Tag;

struct User {
  std::int64_t id = 0;
  std::string name;
  relate::one<Profile> profile;
  relate::many<Post> posts;
};

struct Profile {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string bio;
  relate::one<User> user;
};

struct Tag {
  std::int64_t id = 0;
  std::string name;
};

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::string body;
  relate::one<User> author;
  relate::many<Tag> tags;
};

relate::MetaData blog_metadata() {
  relate::MetaData md;
  md.table<User>("users", relate::primary_key(&User::id))
      .table<Profile>("profiles", relate::primary_key(&Profile::id),
                      relate::unique(&Profile::user_id),
                      relate::foreign_key(&Profile::user_id, &User::id).on_delete(relate::cascade))
      .table<Tag>("tags", relate::primary_key(&Tag::id))
      .table<Post>("posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::user_id, &User::id).on_delete(relate::cascade),
                   relate::index(&Post::user_id));
  // The association table, declared so that tag_id gets its index.
  const relate::Table& posts = md.get_table("posts");
  const relate::Table& tags = md.get_table("tags");
  relate::Table& post_tags = md.add_table("post_tags");
  relate::Column& post_id =
      post_tags.add_column("post_id", relate::ColumnType::big_integer).set_primary_key();
  relate::Column& tag_id =
      post_tags.add_column("tag_id", relate::ColumnType::big_integer).set_primary_key();
  post_tags.add_foreign_key({&post_id}, posts, {&posts.column("id")}, relate::cascade);
  post_tags.add_foreign_key({&tag_id}, tags, {&tags.column("id")}, relate::cascade);
  post_tags.add_index({&tag_id}, false, "ix_post_tags_tag_id");
  md.relationship(&User::posts, &Post::author)
      .order_by(&Post::id)
      .cascade("all, delete-orphan")
      .passive_deletes()
      .relationship(&User::profile, &Profile::user)
      .cascade("all, delete-orphan")
      .passive_deletes()
      .relationship(&Post::tags)
      .secondary("post_tags")
      .order_by(&Tag::id);
  return md;
}

// ---- Seeding through Core, outside the timing ----

class Seeder {
 public:
  Seeder(relate::Connection& c, const relate::MetaData& md) : c_(c), md_(md) {}

  // Rows of `table` in multi-row INSERTs as large as the backend's parameter limit
  // allows (at most 500 rows each).
  void insert(const std::string& table, const std::vector<std::string>& columns, std::int64_t count,
              const std::function<std::vector<relate::Value>(std::int64_t)>& row) {
    const relate::Table& t = md_.get_table(table);
    relate::sql::Insert insert = relate::sql::insert(t);
    for (const auto& name : columns) insert.columns.push_back(&t.column(name));
    const std::size_t per_statement =
        std::min<std::size_t>(500, c_.dialect().max_parameters() / columns.size());
    for (std::int64_t i = 1; i <= count; ++i) {
      insert.rows.push_back(row(i));
      if (insert.rows.size() == per_statement || i == count) {
        c_.execute(insert);
        insert.rows.clear();
      }
    }
  }

 private:
  relate::Connection& c_;
  const relate::MetaData& md_;
};

void seed(const relate::Engine& engine, const relate::MetaData& md, const Options& o) {
  auto c = engine.connect();
  c.begin();
  Seeder s(c, md);
  const std::int64_t posts = o.users * o.posts_per_user;
  s.insert("users", {"id", "name"}, o.users, [](std::int64_t id) {
    return std::vector<relate::Value>{id, user_name(id)};
  });
  s.insert("profiles", {"id", "user_id", "bio"}, o.users, [](std::int64_t id) {
    return std::vector<relate::Value>{id, id, profile_bio(id)};
  });
  s.insert("tags", {"id", "name"}, o.tags, [](std::int64_t id) {
    return std::vector<relate::Value>{id, tag_name(id)};
  });
  s.insert("posts", {"id", "user_id", "title", "body"}, posts, [&](std::int64_t id) {
    return std::vector<relate::Value>{id, post_user(id, o.posts_per_user), post_title(id),
                                      post_body(id)};
  });
  std::vector<std::pair<std::int64_t, std::int64_t>> links;
  for (std::int64_t p = 1; p <= posts; ++p) {
    for (std::int64_t t : post_tags(p, o.tags)) links.emplace_back(p, t);
  }
  s.insert("post_tags", {"post_id", "tag_id"}, static_cast<std::int64_t>(links.size()),
           [&](std::int64_t i) {
             const auto& [p, t] = links[static_cast<std::size_t>(i - 1)];
             return std::vector<relate::Value>{p, t};
           });
  c.commit();
  // Fresh statistics, as a server that had the rows for a while would have them:
  // without them PostgreSQL answers the selectin queries by walking all of post_tags.
  const std::string_view dialect = c.dialect().name();
  // The benchmark's tables only: a database-wide ANALYZE warns about every system
  // catalog the user may not analyze.
  if (dialect == "postgresql") c.execute("ANALYZE users, profiles, tags, posts, post_tags");
  if (dialect == "mysql") c.execute("ANALYZE TABLE users, profiles, tags, posts, post_tags");
}

// Rows of a SELECT, every value as text, for tables_checksum.
Rows query_rows(const relate::Engine& engine, const std::string& sql) {
  auto c = engine.connect();
  auto cursor = c.execute(relate::sql::CompiledStatement{sql, {}});
  Rows out;
  while (cursor->next()) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < cursor->column_count(); ++i) {
      const relate::Value v = cursor->get(i);
      row.push_back(v.kind() == relate::Value::Kind::text ? v.as_text()
                                                          : std::to_string(v.as_int()));
    }
    out.push_back(std::move(row));
  }
  return out;
}

// ---- The workloads ----

struct Outcome {
  std::int64_t n = 0;
  std::string checksum;
};

Outcome insert_all(const relate::Engine& engine, const relate::MetaData& md, const Options& o) {
  relate::Session s(engine, md);
  std::vector<relate::ptr<Tag>> tags;
  for (std::int64_t t = 1; t <= o.tags; ++t)
    tags.push_back(s.add(Tag{.id = t, .name = tag_name(t)}));
  std::int64_t links = 0;
  for (std::int64_t u = 1; u <= o.users; ++u) {
    auto user = s.add(User{.id = u, .name = user_name(u)});
    user->profile = Profile{.id = u, .user_id = u, .bio = profile_bio(u)};
    for (std::int64_t j = 1; j <= o.posts_per_user; ++j) {
      const std::int64_t p = (u - 1) * o.posts_per_user + j;
      auto post = user->posts.add(
          Post{.id = p, .user_id = u, .title = post_title(p), .body = post_body(p)});
      for (std::int64_t t : post_tags(p, o.tags)) {
        post->tags.push_back(tags[static_cast<std::size_t>(t - 1)]);
        ++links;
      }
    }
  }
  s.commit();
  return {2 * o.users + o.tags + o.users * o.posts_per_user + links, {}};
}

Outcome load_users(const relate::Engine& engine, const relate::MetaData& md, const char* strategy) {
  relate::Session s(engine, md);
  const auto users = s.scalars(relate::select<User>().order_by(&User::id).options(
                                   relate::load(&User::posts, strategy)))
                         .all();
  LoadChecksum sum;
  for (const auto& user : users) {
    sum.user();
    std::size_t position = 0;
    for (const auto& post : user->posts) {
      sum.post(position++, post->id, post->user_id, post->title.size(), post->body.size());
    }
  }
  return {sum.users + sum.posts, sum.json()};
}

Outcome load_post_tags(const relate::Engine& engine, const relate::MetaData& md) {
  relate::Session s(engine, md);
  const auto posts = s.scalars(relate::select<Post>().order_by(&Post::id).options(
                                   relate::selectinload(&Post::tags)))
                         .all();
  TagChecksum sum;
  for (const auto& post : posts) {
    sum.post();
    std::size_t position = 0;
    for (const auto& tag : post->tags) sum.tag(position++, post->id, tag->id, tag->name.size());
  }
  return {sum.posts + sum.links, sum.json()};
}

Outcome delete_every_tenth_user(const relate::Engine& engine, const relate::MetaData& md,
                                const Options& o) {
  // Relate's queries have no arithmetic yet (id % 10 = 0): the ids go as a list.
  std::vector<std::int64_t> ids;
  for (std::int64_t id = 10; id <= o.users; id += 10) ids.push_back(id);
  relate::Session s(engine, md);
  const auto doomed =
      s.scalars(relate::select<User>().where(relate::col(&User::id).in(ids)).order_by(&User::id))
          .all();
  for (const auto& user : doomed) s.remove(user);
  s.commit();
  return {static_cast<std::int64_t>(doomed.size()), {}};
}

Outcome run(const std::string& workload, const relate::Engine& engine, const relate::MetaData& md,
            const Options& o) {
  if (workload == "insert") return insert_all(engine, md, o);
  if (workload == "load_lazy") return load_users(engine, md, "lazy");
  if (workload == "load_joined") return load_users(engine, md, "joined");
  if (workload == "load_selectin") return load_users(engine, md, "selectin");
  if (workload == "m2m_selectin") return load_post_tags(engine, md);
  return delete_every_tenth_user(engine, md, o);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv, "relate-bench");
  // Without --url each workload gets a fresh SQLite file of its own.
  std::filesystem::path scratch;
  if (o.url.empty()) {
    scratch =
        std::filesystem::temp_directory_path() / ("relate-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(scratch);
  }
  try {
    const relate::MetaData md = blog_metadata();
    for (const auto& workload : selected_workloads(o)) {
      const std::string url =
          o.url.empty() ? "sqlite:///" + (scratch / (workload + ".db")).string() : o.url;
      auto engine = relate::create_engine(url);
      engine.drop_all(md);
      engine.create_all(md);
      if (workload != "insert") seed(engine, md, o);
      std::int64_t statements = 0;
      const int listener =
          engine.add_listener([&statements](const relate::StatementEvent&) { ++statements; });
      const Stopwatch watch;
      Outcome outcome = run(workload, engine, md, o);
      const double seconds = watch.seconds();
      engine.remove_listener(listener);
      if (workload == "insert" || workload == "cascade_delete") {
        outcome.checksum = tables_checksum(
            [&](const std::string& sql) { return query_rows(engine, sql); }, o.posts_per_user);
      }
      print_result("relate", engine.dialect().name(), workload, outcome.n, seconds, statements,
                   outcome.checksum);
      engine.drop_all(md);
    }
  } catch (const std::exception& e) {
    std::cerr << "relate-bench: " << e.what() << "\n";
    if (!scratch.empty()) std::filesystem::remove_all(scratch);
    return 1;
  }
  if (!scratch.empty()) std::filesystem::remove_all(scratch);
  return 0;
}
