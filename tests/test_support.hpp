// Shared ground for Relate's tests: the seed models of the issue (User, Address, Post),
// MetaData builders for the cascade variants the tests compare, and SqliteTest, a
// fixture that gives each test a fresh SQLite file, an Engine whose statements it
// records, and a raw sqlite3 reader that checks rows without going through Relate.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
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

// Rows read back with the sqlite3 C API, every value as text and NULL as "NULL".
using Row = std::vector<std::string>;
using Rows = std::vector<Row>;

// ---- The fixture ----

class SqliteTest : public ::testing::Test {
 protected:
  SqliteTest() : directory_(fresh_directory()), engine(relate::create_engine(url())) {
    listener_ = engine.add_listener(
        [this](const relate::StatementEvent& e) { statements.emplace_back(e.sql); });
  }

  ~SqliteTest() override {
    engine.remove_listener(listener_);
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
    std::filesystem::remove(directory_.parent_path(), ignored);  // only once it is empty
  }

  std::filesystem::path database_path() const { return directory_ / "test.db"; }
  // An absolute path: sqlite:////tmp/...
  std::string url() const { return "sqlite:///" + database_path().string(); }

  // Creates the schema and forgets the DDL statements.
  relate::MetaData create(relate::MetaData metadata) {
    engine.create_all(metadata);
    statements.clear();
    return metadata;
  }

  // Statements the engine executed since the last clear(), in order.
  void clear() { statements.clear(); }
  std::size_t count_starting_with(std::string_view prefix) const {
    return static_cast<std::size_t>(
        std::count_if(statements.begin(), statements.end(),
                      [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
  }
  std::vector<std::string> statements_starting_with(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const auto& s : statements) {
      if (s.rfind(prefix, 0) == 0) out.push_back(s);
    }
    return out;
  }

  // Reads rows with a connection of its own, outside Relate.
  Rows rows(const std::string& sql) const {
    Rows out;
    with_database([&](sqlite3* db) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        throw std::runtime_error("raw query failed: " + std::string(sqlite3_errmsg(db)) + " [" +
                                 sql + "]");
      }
      int rc = 0;
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        Row row;
        for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
          row.emplace_back(
              text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)))
                   : std::string("NULL"));
        }
        out.push_back(std::move(row));
      }
      sqlite3_finalize(stmt);
      if (rc != SQLITE_DONE) {
        throw std::runtime_error("raw query failed: " + std::string(sqlite3_errmsg(db)));
      }
    });
    return out;
  }

  std::int64_t count_rows(const std::string& table) const {
    return std::stoll(rows("SELECT count(*) FROM \"" + table + "\"").at(0).at(0));
  }

  // The CREATE statement SQLite stored for a table or index.
  std::string schema_sql(const std::string& name) const {
    const Rows r = rows("SELECT sql FROM sqlite_master WHERE name = '" + name + "'");
    return r.empty() ? std::string() : r.front().front();
  }

  // Executes SQL outside Relate (foreign keys on), e.g. to set up rows.
  void exec_raw(const std::string& sql) const {
    with_database([&](sqlite3* db) {
      char* error = nullptr;
      const int rc =
          sqlite3_exec(db, ("PRAGMA foreign_keys = ON; " + sql).c_str(), nullptr, nullptr, &error);
      const std::string message = error ? error : "";
      sqlite3_free(error);
      if (rc != SQLITE_OK) throw std::runtime_error("raw exec failed: " + message);
    });
  }

  std::vector<std::string> statements;
  std::filesystem::path directory_;
  relate::Engine engine;

 private:
  template <class F>
  void with_database(F&& f) const {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(database_path().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) !=
        SQLITE_OK) {
      const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + database_path().string() + ": " + message);
    }
    sqlite3_busy_timeout(db, 5000);
    try {
      f(db);
    } catch (...) {
      sqlite3_close(db);
      throw;
    }
    sqlite3_close(db);
  }

  // One directory per test, named for it, so that ctest -j runs tests side by side.
  static std::filesystem::path fresh_directory() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : name) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_';
      if (!keep) c = '_';
    }
    // The process id keeps two test runs (two build trees) out of each other's files.
    auto dir = std::filesystem::temp_directory_path() /
               ("relate_tests_" + std::to_string(::getpid())) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
  }

  int listener_ = 0;
};

}  // namespace relate_test

// ---- Statements with their parameters ----

namespace relate_test {

// Records every statement an engine runs as "SQL [param, ...]", for tests about the
// order of rows written to one table, which the SQL text alone cannot tell apart.
class StatementLog {
 public:
  explicit StatementLog(const relate::Engine& engine)
      : engine_(engine), listener_(engine.add_listener([this](const relate::StatementEvent& e) {
          std::string line(e.sql);
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
