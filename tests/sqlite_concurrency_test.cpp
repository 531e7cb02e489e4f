// SQLite with several connections, threads and processes on one database file: a
// Session that only read holds no lock, a transaction begins at its first write with
// BEGIN IMMEDIATE (a second writer fails there, not at COMMIT), and the file runs in
// WAL mode unless the URL says otherwise (docs/threads.md).
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace sqlite_concurrency_test {

struct Counter {
  std::int64_t id = 0;
  std::int64_t hits = 0;
};

struct Entry {
  std::int64_t id = 0;
  std::string who;
};

namespace {

using relate_test::contains;

relate::MetaData metadata() {
  relate::MetaData md;
  md.table<Counter>("counters", relate::primary_key(&Counter::id))
      .table<Entry>("entries", relate::primary_key(&Entry::id), relate::index(&Entry::who));
  return md;
}

class SqliteConcurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("relate_sqlite_concurrency_" + std::to_string(::getpid())) / info->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    relate::Session s(engine(), md_);
    s.add(Counter{.id = 1});
    s.commit();
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_.parent_path(), ignored);
  }

  std::string url(const std::string& options = "?timeout=30") const {
    return "sqlite:///" + (dir_ / "shared.db").string() + options;
  }
  relate::Engine engine(const std::string& options = "?timeout=30") {
    auto e = relate::create_engine(url(options));
    e.create_all(md_);
    return e;
  }
  std::int64_t hits(relate::Session& s) {
    return s.scalar(relate::select(&Counter::hits).where(relate::col(&Counter::id) == 1));
  }

  std::filesystem::path dir_;
  relate::MetaData md_ = metadata();
};

TEST_F(SqliteConcurrency, TheFileRunsInWalModeUnlessTheUrlAsksForAnotherJournal) {
  auto journal = [](relate::Engine e) {
    auto c = e.connect();
    auto cursor = c.execute(relate::text("PRAGMA journal_mode"));
    return cursor->next() ? cursor->get(0).as_text() : std::string();
  };
  EXPECT_EQ(journal(engine()), "wal");
  EXPECT_EQ(journal(engine("?journal_mode=delete")), "delete");
  EXPECT_THROW(relate::create_engine(url("?journal_mode=off")), relate::ArgumentError);
}

// Run with each journal mode: without WAL a read holds SQLite's shared lock only while
// its statement runs, since no transaction holds it longer.
class ReadersAndWriter : public SqliteConcurrency,
                         public ::testing::WithParamInterface<std::string> {};

TEST_P(ReadersAndWriter, ASessionThatOnlyReadHoldsUpNoWriter) {
  auto e = engine(GetParam() + "&timeout=0.5");
  relate::Session reader(e, md_);
  EXPECT_EQ(hits(reader), 0);  // and the Session stays open
  auto other_process = engine(GetParam() + "&timeout=0.5");
  relate::Session writer(other_process, md_);
  writer.get<Counter>(1)->hits = 5;
  EXPECT_NO_THROW(writer.commit());
  EXPECT_EQ(hits(reader), 5);  // not one snapshot before the first write
  reader.add(Entry{.who = "reader"});
  EXPECT_NO_THROW(reader.commit());
}

TEST_P(ReadersAndWriter, ASecondWriterFailsAtItsFirstWriteNotAtCommit) {
  auto e = engine(GetParam() + "&timeout=0.2");
  relate::Session first(e, md_);
  first.add(Entry{.who = "first"});
  first.flush();  // holds the write lock
  relate::Session second(e, md_);
  second.add(Entry{.who = "second"});
  try {
    second.flush();
    ADD_FAILURE() << "expected OperationalError";
  } catch (const relate::OperationalError& error) {
    EXPECT_TRUE(contains(error.what(), "write lock")) << error.what();
  }
  first.commit();
  second.rollback();
  second.add(Entry{.who = "second"});
  EXPECT_NO_THROW(second.commit());
  relate::Session check(e, md_);
  EXPECT_EQ(check.scalars(relate::select<Entry>()).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(JournalModes, ReadersAndWriter,
                         ::testing::Values("?journal_mode=wal", "?journal_mode=delete"),
                         [](const auto& info) { return info.param.substr(14); });

// Each worker: read its own entries (it must see every one it committed), add one, and
// count the hit in one UPDATE; every commit is checked.
bool work(relate::Engine& e, const relate::MetaData& md, const std::string& who, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    relate::Session s(e, md);
    const auto mine = s.scalars(relate::select<Entry>().where(relate::col(&Entry::who) == who));
    if (mine.size() != static_cast<std::size_t>(i)) return false;
    s.add(Entry{.who = who});
    s.execute(relate::update<Counter>()
                  .where(relate::col(&Counter::id) == 1)
                  .set(&Counter::hits, relate::col(&Counter::hits) + 1));
    s.commit();
  }
  return true;
}

bool threads_work(const std::string& url, const relate::MetaData& md, const std::string& name,
                  int threads, int rounds) {
  auto e = relate::create_engine(url);
  std::atomic<bool> ok = true;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        if (!work(e, md, name + "/" + std::to_string(t), rounds)) ok = false;
      } catch (const std::exception&) {
        ok = false;
      }
    });
  }
  for (auto& w : workers) w.join();
  return ok;
}

TEST_F(SqliteConcurrency, ThreadsWithTwoEnginesReadAndWriteOneFileWithoutLosingARow) {
  constexpr int kThreads = 3;
  constexpr int kRounds = 15;
  bool second_ok = false;
  std::thread second([&] { second_ok = threads_work(url(), md_, "second", kThreads, kRounds); });
  const bool first_ok = threads_work(url(), md_, "first", kThreads, kRounds);
  second.join();
  EXPECT_TRUE(first_ok && second_ok);
  auto e = engine();
  relate::Session s(e, md_);
  EXPECT_EQ(s.scalars(relate::select<Entry>()).size(), std::size_t{2 * kThreads * kRounds});
  EXPECT_EQ(hits(s), 2 * kThreads * kRounds);
}

// (Not named for `make tsan`, whose runtime does not follow a fork into new threads.)
TEST_F(SqliteConcurrency, ProcessesAndTheirWorkersReadAndWriteOneFileWithoutLosingARow) {
  constexpr int kProcesses = 3;
  constexpr int kThreads = 3;
  constexpr int kRounds = 15;
  const std::string shared = url();
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // (no gtest assertion here: the child reports by its exit status)
      const bool ok = threads_work(shared, md_, "process" + std::to_string(p), kThreads, kRounds);
      ::_exit(ok ? 0 : 1);
    }
    children.push_back(child);
  }
  const bool parent_ok = threads_work(shared, md_, "parent", kThreads, kRounds);
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a child process failed";
  }
  EXPECT_TRUE(parent_ok);
  auto e = engine();
  relate::Session s(e, md_);
  constexpr int kTotal = (kProcesses + 1) * kThreads * kRounds;
  EXPECT_EQ(s.scalars(relate::select<Entry>()).size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(hits(s), kTotal);
}

}  // namespace
}  // namespace sqlite_concurrency_test
