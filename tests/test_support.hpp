// Shared ground for Relate's tests: the seed models of the issue (User, Address, Post),
// MetaData builders for the cascade variants the tests compare, and small helpers. The
// fixture, DatabaseTest, is in database_test.hpp.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <relate/relate.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "database_test.hpp"

namespace relate_test {

// ---- Seed models ----

struct Address;
struct Post;

struct User {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email;
  relate::many<Address> addresses;
  relate::many<Post> posts;
};

// Address.user_id is nullable: deleting a user without a delete cascade nulls it.
struct Address {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string email;
  relate::one<User> user;
};

// Post.user_id is NOT NULL: a post cannot outlive its author without a delete cascade.
struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  relate::one<User> author;
};

// How User.addresses and User.posts are configured; the defaults are SQLAlchemy's
// (cascade "save-update, merge", no passive deletes, no ON DELETE action).
struct SeedOptions {
  std::string addresses_cascade = "save-update, merge";
  bool addresses_passive_deletes = false;
  relate::ReferentialAction addresses_on_delete = relate::no_action;
  std::string posts_cascade = "save-update, merge";
};

inline relate::MetaData seed_metadata(const SeedOptions& o = {}) {
  relate::MetaData md;
  md.table<User>("users", relate::primary_key(&User::id), relate::unique(&User::email))
      .table<Address>(
          "addresses", relate::primary_key(&Address::id),
          relate::foreign_key(&Address::user_id, &User::id).on_delete(o.addresses_on_delete))
      .table<Post>("posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::user_id, &User::id))
      .relationship(&User::addresses, &Address::user)
      .order_by(&Address::id)
      .cascade(o.addresses_cascade)
      .passive_deletes(o.addresses_passive_deletes)
      .relationship(&User::posts, &Post::author)
      .order_by(&Post::id)
      .cascade(o.posts_cascade);
  return md;
}

// The seed models on a database test's database with User.posts's cascade given: users
// Ann (1) and Bob (2), and Ann's post Hello (10).
class SeededCascadeTest : public DatabaseTest {
 protected:
  relate::MetaData with_posts_cascade(const std::string& cascade) {
    SeedOptions o;
    o.posts_cascade = cascade;
    relate::MetaData md = create(seed_metadata(o));
    exec_raw("INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob')");
    exec_raw("INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'Hello')");
    return md;
  }
};

// ---- Small helpers ----

template <class T>
T* raw(const relate::ptr<T>& p) {
  return p.get();
}
template <class T>
T* raw(const relate::one<T>& o) {
  return o.get().get();
}

template <class T>
std::vector<std::string> names_of(const std::vector<relate::ptr<T>>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects) out.push_back(o->name);
  return out;
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// What configure() says of a mapping: its MappingError's message, empty when none.
inline std::string configure_error(const relate::MetaData& md) {
  try {
    md.configure();
  } catch (const relate::MappingError& e) {
    return e.what();
  }
  return {};
}

}  // namespace relate_test

// ---- Statements with their parameters ----

namespace relate_test {

// Records every statement an engine runs as "SQL [param, ...]", for tests about the
// order of rows written to one table, which the SQL text alone cannot tell apart.
class StatementLog {
 public:
  explicit StatementLog(const relate::Engine& engine)
      : engine_(engine), listener_(engine.add_listener([this](const relate::StatementEvent& e) {
          std::string line = canonical_sql(e.sql, engine_.dialect().name());
          line += " [";
          for (std::size_t i = 0; i < e.params.size(); ++i) {
            if (i) line += ", ";
            line += e.params[i].to_string();
          }
          line += "]";
          lines.push_back(std::move(line));
        })) {}
  StatementLog(const StatementLog&) = delete;
  StatementLog& operator=(const StatementLog&) = delete;
  ~StatementLog() { engine_.remove_listener(listener_); }

  void clear() { lines.clear(); }
  // The statements that start with `prefix`, with their parameters.
  std::vector<std::string> starting_with(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const auto& l : lines) {
      if (l.rfind(prefix, 0) == 0) out.push_back(l);
    }
    return out;
  }

  std::vector<std::string> lines;

 private:
  const relate::Engine& engine_;
  int listener_;
};

}  // namespace relate_test
