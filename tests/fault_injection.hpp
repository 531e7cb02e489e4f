// FaultInjection: the fixture of the tests that break connections and servers under
// Relate (fault_injection_test.cpp, server_restart_test.cpp). Each test gets a
// database of its own (ScratchDatabase), engines with the pool options it wants, and
// ways to hurt them from outside:
//   kill(id)        ends one server connection through an admin connection of the
//                   same user (PostgreSQL pg_terminate_backend, MariaDB KILL), and
//                   waits until the server has ended it;
//   restart(name)   stops a test server cleanly and starts it again on the same port,
//                   through the command tests/servers/with-databases exports as
//                   RELATE_TEST_RESTART_SERVER (only under a with-databases of the
//                   test's own: other tests must not see their server go away).
// What the database holds is read on fresh connections (names()), so that what a test
// checks is what survived, not what a pool remembers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <relate/relate.hpp>
#include <string>
#include <thread>
#include <vector>

#include "database_test.hpp"
#include "test_support.hpp"

namespace relate_test {

class FaultInjection : public ::testing::TestWithParam<const char*> {
 protected:
  FaultInjection() : scratch_(GetParam()) {}

  void SetUp() override {
    if (!scratch_.skip_reason().empty()) RELATE_REQUIRE_SERVER(backend());
    make_engine().create_all(metadata);
  }

  const std::string& backend() const { return scratch_.backend(); }
  bool on(std::string_view b) const { return backend() == b; }
  const ScratchDatabase& scratch() const { return scratch_; }

  relate::Engine make_engine(relate::EngineOptions options = {}) const {
    return relate::create_engine(scratch_.url(), options);
  }

  // The server's id for the connection: what kill() takes.
  static std::int64_t server_id(relate::Connection& c) {
    const bool postgresql = c.dialect().name() == kPostgresql;
    auto cursor = c.execute(relate::sql::CompiledStatement{
        postgresql ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()", {}});
    if (!cursor->next()) throw std::runtime_error("no connection id");
    return cursor->get(0).as_int();
  }
  std::int64_t server_id(relate::Session& s) const { return server_id(s.connection()); }

  // Ends the server connection `id` from another connection, as an administrator
  // would, and returns once the server has ended it.
  void kill(std::int64_t id) const {
    auto admin = make_engine({.pool_size = 0});
    auto c = admin.connect();
    const std::string n = std::to_string(id);
    if (on(kPostgresql)) {
      // With a timeout, pg_terminate_backend waits until the backend has exited.
      auto cursor = c.execute(relate::sql::CompiledStatement{
          "SELECT CASE WHEN pg_terminate_backend(" + n + ", 10000) THEN 1 ELSE 0 END", {}});
      ASSERT_TRUE(cursor->next());
      ASSERT_EQ(cursor->get(0).as_int(), 1) << "connection " << n << " was not terminated";
      return;
    }
    c.execute(relate::sql::CompiledStatement{"KILL " + n, {}});
    for (int i = 0; i < 200; ++i) {
      auto cursor = c.execute(relate::sql::CompiledStatement{
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + n, {}});
      if (cursor->next() && cursor->get(0).as_int() == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "connection " << n << " is still there 5 s after KILL";
  }

  // Whether the server still has connection `id`.
  bool server_has(std::int64_t id) const {
    auto admin = make_engine({.pool_size = 0});
    auto c = admin.connect();
    const std::string n = std::to_string(id);
    auto cursor = c.execute(relate::sql::CompiledStatement{
        on(kPostgresql) ? "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + n
                        : "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + n,
        {}});
    return cursor->next() && cursor->get(0).as_int() > 0;
  }

  // Makes the server close connection `c` once it has been idle for a second.
  static void expire_when_idle(relate::Connection& c) {
    c.execute(c.dialect().name() == kPostgresql ? "SET idle_session_timeout = '1s'"
                                                : "SET SESSION wait_timeout = 1");
  }

  // Stops the test server of this backend and starts it again; see the top of the file.
  void restart() const {
    const char* command = std::getenv("RELATE_TEST_RESTART_SERVER");
    ASSERT_NE(command, nullptr) << "RELATE_TEST_RESTART_SERVER is not set: run this test under a "
                                   "tests/servers/with-databases of its own";
    const std::string line = std::string(command) + " " + backend();
    ASSERT_EQ(std::system(line.c_str()), 0) << line << " failed";
  }

  // The users' names the database holds, read on a connection of its own.
  std::vector<std::string> names() const {
    auto reader = make_engine({.pool_size = 0});
    relate::Session s(reader, metadata);
    std::vector<std::string> out;
    for (const auto& u : s.scalars(relate::select<User>().order_by(&User::id)).all()) {
      out.push_back(u->name);
    }
    return out;
  }

  // Adds a user named `name` and commits; on success records the name as committed.
  void commit_user(relate::Session& s, const std::string& name) {
    s.add(User{.name = name});
    s.commit();
    committed.push_back(name);
  }

  const relate::MetaData metadata = seed_metadata();
  // The names whose commit() returned: every one must be in the database.
  std::vector<std::string> committed;

 private:
  ScratchDatabase scratch_;
};

// Instantiates a FaultInjection suite on the server backends.
#define RELATE_ON_EVERY_SERVER(Suite)                                                       \
  INSTANTIATE_TEST_SUITE_P(                                                                 \
      Servers, Suite, ::testing::Values(::relate_test::kPostgresql, ::relate_test::kMysql), \
      [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); })

}  // namespace relate_test
