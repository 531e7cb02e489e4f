// Connections that die under the application: killed by an administrator, closed by
// the server's idle timeout, or a database file replaced; and a disk that fills up.
// Each fault raises a typed error where it hits, commits nothing halfway, loses
// nothing that was reported committed, and the application recovers without a
// restart. Server restarts are in server_restart_test.cpp.
#include "fault_injection.hpp"

#include <gmock/gmock.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>

namespace fault_injection_test {

namespace {

using relate_test::Post;
using relate_test::User;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

const relate::sql::CompiledStatement kSelectOne{"SELECT 1", {}};

// ---- A killed connection ----

class KilledConnectionTest : public relate_test::FaultInjection {};

TEST_P(KilledConnectionTest, StatementOnAKilledConnectionIsOperationalErrorSayingItWasLost) {
  auto engine = make_engine();
  auto c = engine.connect();
  ASSERT_NO_FATAL_FAILURE(kill(server_id(c)));
  try {
    c.execute(kSelectOne);
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_TRUE(e.connection_invalidated());
    EXPECT_THAT(e.what(), HasSubstr("connection lost"));
  }
  EXPECT_TRUE(c.invalidated());
}

TEST_P(KilledConnectionTest, ConnectionOutsideATransactionGoesOnOnAFreshOne) {
  auto engine = make_engine();
  auto c = engine.connect();
  const auto killed = server_id(c);
  ASSERT_NO_FATAL_FAILURE(kill(killed));
  EXPECT_THROW(c.execute(kSelectOne), relate::OperationalError);
  EXPECT_NE(server_id(c), killed);
  EXPECT_FALSE(c.invalidated());
}

TEST_P(KilledConnectionTest, TransactionOfAKilledConnectionWantsRollbackFirst) {
  auto engine = make_engine();
  auto c = engine.connect();
  c.begin();
  ASSERT_NO_FATAL_FAILURE(kill(server_id(c)));
  EXPECT_THROW(c.execute(kSelectOne), relate::OperationalError);
  EXPECT_THROW(c.execute(kSelectOne), relate::PendingRollbackError);
  EXPECT_THROW(c.commit(), relate::PendingRollbackError);
  c.rollback();
  EXPECT_FALSE(c.in_transaction());
  EXPECT_NO_THROW(c.execute(kSelectOne));
}

TEST_P(KilledConnectionTest, KilledPooledConnectionIsNotHandedOutAgain) {
  auto engine = make_engine();
  std::int64_t killed = 0;
  {
    relate::Session s(engine, metadata);
    killed = server_id(s);
    commit_user(s, "Ann");
  }
  ASSERT_NO_FATAL_FAILURE(kill(killed));

  relate::Session s(engine, metadata);
  s.add(User{.name = "Bob"});
  try {
    s.commit();
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_TRUE(e.connection_invalidated());
  }
  s.rollback();
  commit_user(s, "Bob");
  EXPECT_NE(server_id(s), killed);
  EXPECT_EQ(names(), committed);
}

TEST_P(KilledConnectionTest, QueryThatMetALostConnectionLeavesTheSessionWantingRollback) {
  auto engine = make_engine();
  {
    auto c = engine.connect();
    ASSERT_NO_FATAL_FAILURE(kill(server_id(c)));
  }
  relate::Session s(engine, metadata);
  EXPECT_THROW(s.scalars(relate::select<User>()).all(), relate::OperationalError);
  s.add(User{.name = "Ann"});
  EXPECT_THROW(s.commit(), relate::PendingRollbackError);
  EXPECT_EQ(names(), committed);

  s.rollback();
  commit_user(s, "Bob");
  EXPECT_EQ(names(), committed);
}

TEST_P(KilledConnectionTest, LostConnectionRetiresEveryConnectionOpenedBeforeIt) {
  auto engine = make_engine();
  auto a = engine.connect();
  std::optional<relate::Connection> b = engine.connect();
  const auto a_id = server_id(a);
  const auto b_id = server_id(*b);
  ASSERT_NO_FATAL_FAILURE(kill(a_id));
  EXPECT_THROW(a.execute(kSelectOne), relate::OperationalError);

  b.reset();  // alive, but as old as the lost one: closed, not pooled
  auto c = engine.connect();
  const auto c_id = server_id(c);
  EXPECT_NE(c_id, a_id);
  EXPECT_NE(c_id, b_id);
  for (int i = 0; i < 200 && server_has(b_id); ++i) std::this_thread::sleep_for(25ms);
  EXPECT_FALSE(server_has(b_id));
}

TEST_P(KilledConnectionTest, PrePingReplacesAKilledPooledConnectionUnseen) {
  auto engine = make_engine({.pool_pre_ping = true});
  std::int64_t killed = 0;
  {
    auto c = engine.connect();
    killed = server_id(c);
  }
  ASSERT_NO_FATAL_FAILURE(kill(killed));

  relate::Session s(engine, metadata);
  ASSERT_NO_THROW(commit_user(s, "Ann"));
  EXPECT_NE(server_id(s), killed);
  EXPECT_EQ(names(), committed);
}

TEST_P(KilledConnectionTest, KillBetweenFlushAndCommitFailsTheCommitAndWritesNothing) {
  auto engine = make_engine();
  relate::Session s(engine, metadata);
  commit_user(s, "Ann");
  s.add(User{.name = "Bob"});
  s.flush();
  ASSERT_NO_FATAL_FAILURE(kill(server_id(s)));
  try {
    s.commit();
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_TRUE(e.connection_invalidated());
    EXPECT_THAT(e.what(), HasSubstr("may or may not have been committed"));
  }
  EXPECT_EQ(names(), committed);

  EXPECT_THROW(s.add(User{.name = "Cy"}), relate::PendingRollbackError);
  s.rollback();
  commit_user(s, "Cy");
  EXPECT_EQ(names(), committed);
}

TEST_P(KilledConnectionTest, KillInTheMiddleOfAFlushWritesNothing) {
  auto engine = make_engine();
  relate::Session s(engine, metadata);
  const auto id = server_id(s);
  int inserts = 0;
  const int listener = engine.add_listener([&](const relate::StatementEvent& e) {
    if (e.sql.rfind("INSERT", 0) == 0 && ++inserts == 2) kill(id);  // before the post
  });
  auto ann = s.add(User{.name = "Ann"});
  ann->posts.add(Post{.title = "Hello"});
  EXPECT_THROW(s.commit(), relate::OperationalError);
  engine.remove_listener(listener);
  EXPECT_EQ(inserts, 2);
  EXPECT_EQ(names(), committed);

  s.rollback();
  commit_user(s, "Bob");
  EXPECT_EQ(names(), committed);
}

RELATE_ON_EVERY_SERVER(KilledConnectionTest);

// ---- The server's idle timeout ----

class IdleTimeoutTest : public relate_test::FaultInjection {};

TEST_P(IdleTimeoutTest, ConnectionClosedWhileIdleIsReplacedUnseenWithPrePing) {
  auto engine = make_engine({.pool_pre_ping = true});
  {
    auto c = engine.connect();
    expire_when_idle(c);
  }
  std::this_thread::sleep_for(2500ms);

  relate::Session s(engine, metadata);
  ASSERT_NO_THROW(commit_user(s, "Ann"));
  EXPECT_EQ(names(), committed);
}

TEST_P(IdleTimeoutTest, ConnectionClosedWhileIdleFailsOnceThenTheNextSessionWorks) {
  auto engine = make_engine();
  {
    auto c = engine.connect();
    expire_when_idle(c);
  }
  std::this_thread::sleep_for(2500ms);

  {
    relate::Session s(engine, metadata);
    s.add(User{.name = "Ann"});
    try {
      s.commit();
      FAIL() << "expected relate::OperationalError";
    } catch (const relate::OperationalError& e) {
      EXPECT_TRUE(e.connection_invalidated());
    }
  }
  relate::Session s(engine, metadata);
  ASSERT_NO_THROW(commit_user(s, "Bob"));
  EXPECT_EQ(names(), committed);
}

RELATE_ON_EVERY_SERVER(IdleTimeoutTest);

// ---- Pool options ----

class PoolOptionsTest : public relate_test::FaultInjection {};

TEST_P(PoolOptionsTest, ConnectionIsLentAgainWithoutRecycle) {
  auto engine = make_engine();
  std::int64_t first = 0;
  {
    auto c = engine.connect();
    first = server_id(c);
  }
  auto c = engine.connect();
  EXPECT_EQ(server_id(c), first);
}

TEST_P(PoolOptionsTest, RecycleReplacesConnectionsOpenedThatLongAgo) {
  auto engine = make_engine({.pool_recycle = 0s});
  std::int64_t first = 0;
  {
    auto c = engine.connect();
    first = server_id(c);
  }
  auto c = engine.connect();
  EXPECT_NE(server_id(c), first);
  for (int i = 0; i < 200 && server_has(first); ++i) std::this_thread::sleep_for(25ms);
  EXPECT_FALSE(server_has(first));
}

TEST_P(PoolOptionsTest, PrePingLendsALiveConnectionAgain) {
  auto engine = make_engine({.pool_pre_ping = true});
  std::int64_t first = 0;
  {
    auto c = engine.connect();
    first = server_id(c);
  }
  auto c = engine.connect();
  EXPECT_EQ(server_id(c), first);
}

RELATE_ON_EVERY_SERVER(PoolOptionsTest);

// ---- Commits the database did not make ----

class UnmadeCommitTest : public relate_test::FaultInjection {};

// PostgreSQL refuses every statement after a failed one, and answers the COMMIT of
// such a transaction with a rollback.
TEST_P(UnmadeCommitTest, PostgresqlCommitOfATransactionWithAFailedStatementIsOperationalError) {
  auto engine = make_engine();
  auto c = engine.connect();
  c.begin();
  c.execute(relate::sql::CompiledStatement{"INSERT INTO users (name) VALUES ('Ann')", {}});
  EXPECT_THROW(c.execute(relate::sql::CompiledStatement{"SELECT * FROM no_such_table", {}}),
               relate::ProgrammingError);
  try {
    c.commit();
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_FALSE(e.connection_invalidated());
    EXPECT_THAT(e.what(), HasSubstr("rolled back, not committed"));
  }
  c.rollback();
  EXPECT_EQ(names(), committed);
}

INSTANTIATE_TEST_SUITE_P(Servers, UnmadeCommitTest, ::testing::Values(relate_test::kPostgresql),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

// ---- SQLite: a full disk, a replaced file ----

// Limits the size of the files this process writes, and ignores the signal that would
// otherwise end it: a write past the limit fails as it would on a full disk.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_);
  }

 private:
  rlimit saved_{};
  void (*previous_)(int) = nullptr;
};

class SqliteFaultTest : public relate_test::FaultInjection {
 protected:
  std::filesystem::path file() const { return scratch().sqlite_file(); }

  std::string integrity_check() const {
    auto reader = make_engine({.pool_size = 0});
    auto c = reader.connect();
    auto cursor = c.execute(relate::sql::CompiledStatement{"PRAGMA integrity_check", {}});
    return cursor->next() ? cursor->get(0).as_text() : "";
  }
};

TEST_P(SqliteFaultTest, FullDiskFailsTheCommitWritesNothingAndLeavesTheFileIntact) {
  auto engine = make_engine();
  relate::Session s(engine, metadata);
  commit_user(s, "Ann");
  {
    const FileSizeLimit full(std::filesystem::file_size(file()) + 16 * 1024);
    s.add(User{.name = std::string(512 * 1024, 'x')});
    try {
      s.commit();
      FAIL() << "expected relate::OperationalError";
    } catch (const relate::OperationalError& e) {
      EXPECT_FALSE(e.connection_invalidated());
    }
  }
  EXPECT_EQ(names(), committed);
  EXPECT_EQ(integrity_check(), "ok");

  s.rollback();
  commit_user(s, "Bob");
  EXPECT_EQ(names(), committed);
}

TEST_P(SqliteFaultTest, CommitAfterSqliteRolledTheTransactionBackIsOperationalError) {
  auto engine = make_engine();
  auto c = engine.connect();
  c.begin();
  c.execute(relate::sql::CompiledStatement{"INSERT INTO users (name) VALUES ('Ann')", {}});
  {
    const FileSizeLimit full(std::filesystem::file_size(file()) + 16 * 1024);
    // Larger than SQLite's page cache: the pages spill to the file while it runs.
    const std::string huge(8 * 1024 * 1024, 'x');
    EXPECT_THROW(c.execute(relate::sql::CompiledStatement{"INSERT INTO users (name) VALUES (?)",
                                                          {relate::Value(huge)}}),
                 relate::OperationalError);
  }
  try {
    c.commit();
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("nothing was committed"));
  }
  c.rollback();
  EXPECT_EQ(names(), committed);
  EXPECT_EQ(integrity_check(), "ok");
}

// After the rollback SQLite made by itself, a statement would run (and commit) outside
// the transaction the Connection is in: it is refused until rollback().
TEST_P(SqliteFaultTest, StatementAfterSqliteRolledTheTransactionBackIsPendingRollbackError) {
  auto engine = make_engine();
  auto c = engine.connect();
  c.begin();
  c.execute(relate::sql::CompiledStatement{"INSERT INTO users (name) VALUES ('Ann')", {}});
  {
    const FileSizeLimit full(std::filesystem::file_size(file()) + 16 * 1024);
    const std::string huge(8 * 1024 * 1024, 'x');
    EXPECT_THROW(c.execute(relate::sql::CompiledStatement{"INSERT INTO users (name) VALUES (?)",
                                                          {relate::Value(huge)}}),
                 relate::OperationalError);
  }
  try {
    c.execute(relate::sql::CompiledStatement{"INSERT INTO users (name) VALUES ('Bob')", {}});
    FAIL() << "expected relate::PendingRollbackError";
  } catch (const relate::PendingRollbackError& e) {
    EXPECT_THAT(e.what(), ::testing::AllOf(HasSubstr("SQLite rolled this transaction back"),
                                           HasSubstr("rollback()"), HasSubstr("'Bob'")));
  }
  c.rollback();
  EXPECT_EQ(names(), committed);
  c.execute(relate::sql::CompiledStatement{"INSERT INTO users (name) VALUES ('Bob')", {}});
  committed.push_back("Bob");
  EXPECT_EQ(names(), committed);
}

TEST_P(SqliteFaultTest, ReplacedDatabaseFileIsALostConnectionAndTheNextOneOpensTheNewFile) {
  auto engine = make_engine();
  relate::Session s(engine, metadata);
  commit_user(s, "Ann");
  // As a restore from a backup does: a copy renamed over the file the pool has open.
  const auto copy = file().string() + ".copy";
  std::filesystem::copy_file(file(), copy);
  std::filesystem::rename(copy, file());

  s.add(User{.name = "Bob"});
  try {
    s.commit();
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_TRUE(e.connection_invalidated());
  }
  s.rollback();
  commit_user(s, "Bob");
  EXPECT_EQ(names(), committed);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqliteFaultTest, ::testing::Values(relate_test::kSqlite),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

}  // namespace

}  // namespace fault_injection_test
