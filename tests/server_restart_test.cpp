// A database server restarted under the application: between transactions, between
// a flush and its commit, and in the middle of a flush. The statement that meets the
// restart raises OperationalError, nothing is half-written, nothing reported committed
// is lost, and the next transaction works without restarting the application.
//
// These tests stop and start the servers, so they run under a
// tests/servers/with-databases of their own (the ctest entry faults.server_restart),
// never beside other tests on a shared server. A restart is clean (a fast shutdown):
// the test servers trade durability for speed, and a crash could lose commits that
// the server had confirmed.
#include <gmock/gmock.h>

#include "fault_injection.hpp"

namespace server_restart_test {

namespace {

using relate_test::Post;
using relate_test::User;

const relate::sql::CompiledStatement kSelectOne{"SELECT 1", {}};

class ServerRestartTest : public relate_test::FaultInjection {
 protected:
  void SetUp() override {
    FaultInjection::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (!std::getenv("RELATE_TEST_RESTART_SERVER")) {
      const char* ci = std::getenv("CI");
      const char* why =
          "RELATE_TEST_RESTART_SERVER is not set: run these tests under a "
          "tests/servers/with-databases of their own";
      if (ci && std::string_view(ci) == "true") FAIL() << why;
      GTEST_SKIP() << why;
    }
  }

  // Fills the pool with `n` connections that have each run a statement.
  static void fill_pool(const relate::Engine& engine, int n) {
    std::vector<relate::Connection> connections;
    for (int i = 0; i < n; ++i) {
      connections.push_back(engine.connect());
      connections.back().execute(kSelectOne);
    }
  }
};

TEST_P(ServerRestartTest, RestartRetiresEveryPooledConnectionAndTheNextSessionWorks) {
  auto engine = make_engine();
  fill_pool(engine, 3);
  ASSERT_NO_FATAL_FAILURE(restart());

  relate::Session s(engine, metadata);
  s.add(User{.name = "Ann"});
  try {
    s.commit();
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_TRUE(e.connection_invalidated());
  }
  s.rollback();
  // The two other pooled connections died with the first: neither is lent.
  ASSERT_NO_THROW(commit_user(s, "Ann"));
  EXPECT_EQ(names(), committed);
}

TEST_P(ServerRestartTest, PrePingHidesARestartFromTheNextSession) {
  auto engine = make_engine({.pool_pre_ping = true});
  fill_pool(engine, 3);
  ASSERT_NO_FATAL_FAILURE(restart());

  relate::Session s(engine, metadata);
  ASSERT_NO_THROW(commit_user(s, "Ann"));
  EXPECT_EQ(names(), committed);
}

TEST_P(ServerRestartTest, CommittedRowsSurviveAndCoreConnectionGoesOnAfterARestart) {
  auto engine = make_engine();
  {
    relate::Session s(engine, metadata);
    commit_user(s, "Ann");
  }
  auto c = engine.connect();
  c.execute(kSelectOne);
  ASSERT_NO_FATAL_FAILURE(restart());

  EXPECT_THROW(c.execute(kSelectOne), relate::OperationalError);
  EXPECT_NO_THROW(c.execute(kSelectOne));
  EXPECT_EQ(names(), committed);
}

TEST_P(ServerRestartTest, RestartBetweenFlushAndCommitFailsTheCommitAndWritesNothing) {
  auto engine = make_engine();
  relate::Session s(engine, metadata);
  commit_user(s, "Ann");
  s.add(User{.name = "Bob"});
  s.flush();
  ASSERT_NO_FATAL_FAILURE(restart());
  try {
    s.commit();
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_TRUE(e.connection_invalidated());
  }
  EXPECT_EQ(names(), committed);

  s.rollback();
  commit_user(s, "Bob");
  EXPECT_EQ(names(), committed);
}

TEST_P(ServerRestartTest, RestartInTheMiddleOfAFlushWritesNothing) {
  auto engine = make_engine();
  relate::Session s(engine, metadata);
  commit_user(s, "Ann");
  int inserts = 0;
  const int listener = engine.add_listener([&](const relate::StatementEvent& e) {
    if (e.sql.rfind("INSERT", 0) == 0 && ++inserts == 2) restart();  // before the post
  });
  auto bob = s.add(User{.name = "Bob"});
  bob->posts.add(Post{.title = "Hello"});
  EXPECT_THROW(s.commit(), relate::OperationalError);
  engine.remove_listener(listener);
  EXPECT_EQ(inserts, 2);
  EXPECT_EQ(names(), committed);

  s.rollback();
  commit_user(s, "Cy");
  EXPECT_EQ(names(), committed);
}

RELATE_ON_EVERY_SERVER(ServerRestartTest);

}  // namespace

}  // namespace server_restart_test
