// DatabaseTest: the fixture of every ORM behaviour test. Each test runs once per backend
// (its name ends in /sqlite, /postgresql or /mysql) against a database of its own:
//   sqlite      a fresh file in a directory named for the test;
//   postgresql  a fresh schema (search_path) in the server of RELATE_TEST_POSTGRESQL_URL;
//   mysql       a fresh database in the server of RELATE_TEST_MYSQL_URL.
// tests/servers/with-databases (which `make test` runs ctest under) starts the servers
// and sets those variables. Without them the server tests are skipped, saying so; under
// CI=true they fail instead.
//
// The fixture records the statements the engine runs, in one spelling for all
// backends: identifiers quoted with "..." and parameters written ?, so a test states
// the statements it expects once. Dialect spellings are the dialect tests' business.
// It reads and writes rows on a connection of its own (rows(), exec_raw()), so what a
// test checks is what the database holds, not what the Session remembers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <ostream>
#include <relate/relate.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace relate_test {

// Rows read back, every value as text the way SQLite's sqlite3_column_text spells it
// (integers and booleans as digits, reals with a decimal point) and NULL as "NULL".
using Row = std::vector<std::string>;
using Rows = std::vector<Row>;

// The backends every behaviour suite runs on.
inline constexpr const char* kSqlite = "sqlite";
inline constexpr const char* kPostgresql = "postgresql";
inline constexpr const char* kMysql = "mysql";

// A statement as the fixture records it: quotes of the dialect become "...", numbered
// parameters (:p1) become ?.
std::string canonical_sql(std::string_view sql, std::string_view backend);

// One value as rows() spells it.
std::string row_text(const relate::Value& v);

// A database that exists for one test and is dropped after it; see the top of the file.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(std::string backend);
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  ~ScratchDatabase();

  const std::string& backend() const { return backend_; }
  // Empty when the backend's server is not configured; skip_reason() says why.
  const std::string& url() const { return url_; }
  const std::string& skip_reason() const { return skip_reason_; }
  // The SQLite file (sqlite only).
  std::filesystem::path sqlite_file() const { return directory_ / "test.db"; }

 private:
  std::string backend_;
  std::string server_url_;  // the server's own database, where the scratch one is made
  std::string name_;        // schema (postgresql) or database (mysql)
  std::filesystem::path directory_;
  std::string url_;
  std::string skip_reason_;
};

// The fixture itself, for one backend. Suites derive from DatabaseTest (parametrised by
// backend) or, when they carry parameters of their own, take the backend from them.
class DatabaseFixture : public ::testing::Test {
 protected:
  explicit DatabaseFixture(const std::string& backend);
  ~DatabaseFixture() override;

  // Skips (or under CI fails) a test whose server is not running.
  void SetUp() override;

  const std::string& backend() const { return scratch_.backend(); }
  bool on(std::string_view b) const { return backend() == b; }
  // The URL `engine` connects to, for a second engine of the test's own.
  const std::string& url() const { return engine_url_; }

  // Creates the schema and forgets the DDL statements.
  relate::MetaData create(relate::MetaData metadata);

  // Statements the engine executed since the last clear(), in order.
  void clear() { statements.clear(); }
  std::size_t count_starting_with(std::string_view prefix) const;
  std::vector<std::string> statements_starting_with(std::string_view prefix) const;

  // Reads rows outside the Session, on a connection of the fixture's own. The SQL is
  // written once for every backend: plain identifiers, or "quoted" ones (the MySQL
  // reader runs with ANSI_QUOTES).
  Rows rows(const std::string& sql) const;
  std::int64_t count_rows(const std::string& table) const;

  // The CREATE statement issued for a table or index by create(), or by create_all
  // since the last clear().
  std::string schema_sql(const std::string& name) const;

  // ---- What the database's catalog says (database_catalog.cpp) ----
  // Table names, sorted.
  std::vector<std::string> table_names() const;
  // Column names in their order in the table.
  std::vector<std::string> column_names(const std::string& table) const;
  bool column_nullable(const std::string& table, const std::string& column) const;
  // The primary key's columns in key order.
  std::vector<std::string> primary_key_columns(const std::string& table) const;
  bool has_index(const std::string& table, const std::string& index) const;
  // A foreign key: its columns ("a, b"), the referred table and columns, and the
  // actions as the catalog spells them ("CASCADE", "SET NULL", "NO ACTION", ...).
  struct ForeignKey {
    std::string columns, referred_table, referred_columns, on_delete, on_update;
    bool operator==(const ForeignKey&) const = default;
    friend void PrintTo(const ForeignKey& k, std::ostream* os) {
      *os << "{" << k.columns << " -> " << k.referred_table << " (" << k.referred_columns
          << "), ON DELETE " << k.on_delete << ", ON UPDATE " << k.on_update << "}";
    }
  };
  // Sorted by columns.
  std::vector<ForeignKey> foreign_keys(const std::string& table) const;
  // How the catalog spells the action of a foreign key declared without one.
  std::string no_action_in_catalog() const { return on(kMysql) ? "RESTRICT" : "NO ACTION"; }

  // Executes statements separated by ';' outside Relate's Session, e.g. to set up rows.
  // On PostgreSQL it then moves every key sequence past the keys written, as an
  // application loading fixtures would, so later generated keys do not collide.
  void exec_raw(const std::string& sql) const;

  std::vector<std::string> statements;

 private:
  ScratchDatabase scratch_;
  std::string engine_url_;
  std::vector<std::string> ddl_;

 public:
  relate::Engine engine;

 private:
  relate::Engine reader_;
  std::mutex statements_mutex_;  // Sessions may run in several threads
  int listener_ = 0;
};

// Runs Base once per backend: the parameter is the backend's name.
template <class Base>
class OnEveryBackend : public Base, public ::testing::WithParamInterface<const char*> {
 protected:
  OnEveryBackend() : Base(GetParam()) {}
};

using DatabaseTest = OnEveryBackend<DatabaseFixture>;

// Instantiates a DatabaseTest suite once per backend.
#define RELATE_ON_EVERY_BACKEND(Suite)                                      \
  INSTANTIATE_TEST_SUITE_P(                                                 \
      Backends, Suite,                                                      \
      ::testing::Values(::relate_test::kSqlite, ::relate_test::kPostgresql, \
                        ::relate_test::kMysql),                             \
      [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); })

// The URL of the test server for `backend` ("postgresql", "mysql"), "" when none runs.
std::string server_url(const std::string& backend);
// Why a test of `backend` cannot run here, "" when its server runs.
std::string missing_server(const std::string& backend);
// In a test body or SetUp: skips (under CI=true fails) when `backend`'s server is missing.
#define RELATE_REQUIRE_SERVER(backend)                                                \
  if (const std::string relate_missing = ::relate_test::missing_server(backend);      \
      !relate_missing.empty()) {                                                      \
    const char* relate_ci = std::getenv("CI");                                        \
    if (relate_ci && std::string_view(relate_ci) == "true") FAIL() << relate_missing; \
    GTEST_SKIP() << relate_missing;                                                   \
  }

}  // namespace relate_test
