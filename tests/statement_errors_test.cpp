// What a failed statement does, on every backend: the application gets a relate::Error
// that keeps the SQL (never a driver's own exception), placeholders that do not match the
// values are refused before the database runs anything, and a transaction the database
// ended (PostgreSQL after any failed statement) is reported as PendingRollbackError until
// rollback(), after which the Connection or Session goes on.
#include <thread>

#include "test_support.hpp"

namespace statement_errors_test {

struct Book {
  std::int64_t id = 0;
  std::string title;
  std::optional<std::int64_t> year;
};

namespace {

using relate::sql::CompiledStatement;
using ::testing::AllOf;
using ::testing::HasSubstr;

class StatementErrorTest : public relate_test::DatabaseTest {
 protected:
  void SetUp() override {
    relate_test::DatabaseTest::SetUp();
    if (IsSkipped()) return;
    metadata_ = create(relate::MetaData{}.table<Book>("books", relate::primary_key(&Book::id)));
    exec_raw("INSERT INTO books (id, title, year) VALUES (1, 'Dune', 1965)");
    clear();
  }

  std::string placeholder(std::size_t index) const { return engine.dialect().placeholder(index); }
  // An INSERT of one book, with the dialect's placeholders.
  CompiledStatement insert(std::int64_t id, const std::string& title) const {
    return {"INSERT INTO books (id, title) VALUES (" + placeholder(0) + ", " + placeholder(1) + ")",
            {relate::Value(id), relate::Value(title)}};
  }
  std::vector<std::string> titles() const {
    std::vector<std::string> out;
    for (const auto& row : rows("SELECT title FROM books ORDER BY id")) out.push_back(row[0]);
    return out;
  }

  relate::MetaData metadata_;
};

TEST_P(StatementErrorTest, SyntaxErrorIsProgrammingErrorThatKeepsTheSql) {
  auto c = engine.connect();
  const std::string sql = "SELEC title FROM books";
  try {
    c.execute(CompiledStatement{sql, {}});
    FAIL() << "expected relate::ProgrammingError";
  } catch (const relate::ProgrammingError& e) {
    EXPECT_EQ(e.sql(), sql);
    EXPECT_THAT(e.what(), HasSubstr(sql));
  }
}

TEST_P(StatementErrorTest, MorePlaceholdersThanValuesIsProgrammingErrorNamingBoth) {
  auto c = engine.connect();
  const std::string sql =
      "SELECT title FROM books WHERE id = " + placeholder(0) + " AND year = " + placeholder(1);
  try {
    c.execute(CompiledStatement{sql, {relate::Value(1)}});
    FAIL() << "expected relate::ProgrammingError";
  } catch (const relate::ProgrammingError& e) {
    EXPECT_THAT(e.what(),
                AllOf(HasSubstr("2 parameter placeholders and 1 value was given"), HasSubstr(sql)));
  }
}

TEST_P(StatementErrorTest, MoreValuesThanPlaceholdersIsProgrammingError) {
  auto c = engine.connect();
  try {
    c.execute(CompiledStatement{"SELECT title FROM books WHERE id = 1", {relate::Value(1)}});
    FAIL() << "expected relate::ProgrammingError";
  } catch (const relate::ProgrammingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0 parameter placeholders and 1 value was given"));
  }
}

TEST_P(StatementErrorTest, PlaceholderMismatchLeavesTheTransactionGoingOn) {
  auto c = engine.connect();
  c.begin();
  c.execute(insert(2, "Piranesi"));
  EXPECT_THROW(c.execute(CompiledStatement{"SELECT title FROM books", {relate::Value(1)}}),
               relate::ProgrammingError);
  c.execute(insert(3, "Babel"));
  c.commit();
  EXPECT_EQ(titles(), (std::vector<std::string>{"Dune", "Piranesi", "Babel"}));
}

// The case: ? placeholders reached SOCI on PostgreSQL, which ended in a
// std::out_of_range that no relate::Error handler caught.
TEST_P(StatementErrorTest, QuestionMarkPlaceholderRunsWhereItIsTheDialectsAndIsRefusedElsewhere) {
  auto c = engine.connect();
  c.begin();
  const CompiledStatement select{"SELECT title FROM books WHERE id = ?", {relate::Value(1)}};
  if (!on(relate_test::kPostgresql)) {
    auto cursor = c.execute(select);
    ASSERT_TRUE(cursor->next());
    EXPECT_EQ(cursor->get(0).as_text(), "Dune");
    return;
  }
  try {
    c.execute(select);
    FAIL() << "expected relate::ProgrammingError";
  } catch (const relate::ProgrammingError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr(":p1"), HasSubstr("relate::text"),
                                HasSubstr("SELECT title FROM books WHERE id = ?")));
  }
  // Refused before PostgreSQL saw it: the transaction is not aborted.
  c.execute(insert(2, "Piranesi"));
  c.commit();
  EXPECT_EQ(titles(), (std::vector<std::string>{"Dune", "Piranesi"}));
}

TEST_P(StatementErrorTest, StatementAfterAFailedOneIsPendingRollbackErrorWhereTheDatabaseAborted) {
  auto c = engine.connect();
  c.begin();
  c.execute(insert(2, "Piranesi"));
  EXPECT_THROW(c.execute(CompiledStatement{"SELECT nothing FROM nowhere", {}}),
               relate::ProgrammingError);
  const CompiledStatement next{"SELECT count(*) FROM books", {}};
  if (!on(relate_test::kPostgresql)) {
    // SQLite and MySQL undo the failed statement alone; the transaction goes on.
    auto cursor = c.execute(next);
    ASSERT_TRUE(cursor->next());
    EXPECT_EQ(cursor->get(0).as_int(), 2);
    return;
  }
  try {
    c.execute(next);
    FAIL() << "expected relate::PendingRollbackError";
  } catch (const relate::PendingRollbackError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("aborted this transaction"),
                                HasSubstr("SELECT nothing FROM nowhere"), HasSubstr("rollback()"),
                                HasSubstr("SELECT count(*) FROM books")));
  }
}

TEST_P(StatementErrorTest, RollbackAfterAFailedStatementLetsTheConnectionGoOn) {
  auto c = engine.connect();
  c.begin();
  c.execute(insert(2, "Piranesi"));
  EXPECT_THROW(c.execute(insert(1, "Dune again")), relate::IntegrityError);
  c.rollback();
  c.begin();
  c.execute(insert(3, "Babel"));
  c.commit();
  EXPECT_EQ(titles(), (std::vector<std::string>{"Dune", "Babel"}));
}

TEST_P(StatementErrorTest, FailedStatementInASessionThenRollbackAndTheSessionGoesOn) {
  relate::Session session(engine, metadata_);
  session.add(Book{.id = 2, .title = "Piranesi"});
  session.flush();
  EXPECT_THROW(session.connection().execute(CompiledStatement{"SELEC 1", {}}),
               relate::ProgrammingError);
  if (on(relate_test::kPostgresql)) {
    EXPECT_THROW(session.get<Book>(std::int64_t{1}), relate::PendingRollbackError);
  }
  session.rollback();
  EXPECT_EQ(session.get<Book>(std::int64_t{1})->title, "Dune");
  session.add(Book{.id = 3, .title = "Babel"});
  session.commit();
  EXPECT_EQ(titles(), (std::vector<std::string>{"Dune", "Babel"}));
}

TEST_P(StatementErrorTest, ReadingAColumnPastTheRowIsProgrammingError) {
  auto c = engine.connect();
  auto cursor = c.execute(CompiledStatement{"SELECT id, title FROM books", {}});
  ASSERT_TRUE(cursor->next());
  try {
    cursor->get(2);
    FAIL() << "expected relate::ProgrammingError";
  } catch (const relate::ProgrammingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("column 2 was read, but the row has 2"));
  }
}

TEST_P(StatementErrorTest, ReadingAValueWithNoCurrentRowIsProgrammingError) {
  auto c = engine.connect();
  auto cursor = c.execute(CompiledStatement{"SELECT id FROM books", {}});
  EXPECT_THROW(cursor->get(0), relate::ProgrammingError);  // before next()
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0).as_int(), 1);
  ASSERT_FALSE(cursor->next());
  EXPECT_THROW(cursor->get(0), relate::ProgrammingError);  // past the last row
}

// Two transactions that each wait for the other's row: the database ends one of them.
// Its next statement says so, rather than running in a transaction of its own.
TEST_P(StatementErrorTest, DeadlockVictimsNextStatementIsPendingRollbackError) {
  if (on(relate_test::kSqlite)) {
    GTEST_SKIP() << "SQLite locks the whole database: two writers wait, they never deadlock";
  }
  exec_raw("INSERT INTO books (id, title) VALUES (2, 'Piranesi')");
  auto a = engine.connect();
  auto b = engine.connect();
  const auto touch = [this](std::int64_t id) {
    return CompiledStatement{"UPDATE books SET year = 1 WHERE id = " + placeholder(0),
                             {relate::Value(id)}};
  };
  a.begin();
  b.begin();
  a.execute(touch(1));
  b.execute(touch(2));
  // Each asks for the other's row: the database ends one transaction (a deadlock), and
  // that one's next statement must say so. The other goes on once the victim rolled
  // back (PostgreSQL keeps a victim's locks until then) and commits.
  struct Outcome {
    bool victim = false;
    bool reported = false;
  };
  const auto ask = [&](relate::Connection& c, std::int64_t id, Outcome& out) {
    try {
      c.execute(touch(id));
    } catch (const relate::OperationalError&) {
      out.victim = true;
      try {
        c.execute(touch(id));
      } catch (const relate::PendingRollbackError&) {
        out.reported = true;
      }
      c.rollback();
      return;
    }
    c.commit();
  };
  Outcome of_a, of_b;
  std::thread waiting([&] { ask(a, 2, of_a); });
  ask(b, 1, of_b);
  waiting.join();
  ASSERT_NE(of_a.victim, of_b.victim);
  EXPECT_TRUE(of_a.victim ? of_a.reported : of_b.reported);
  relate::Connection& victim = of_a.victim ? a : b;
  victim.begin();
  victim.execute(touch(1));
  victim.commit();
}

RELATE_ON_EVERY_BACKEND(StatementErrorTest);

// A backend whose driver lets its own exceptions through (the contract says it must
// not): the engine still hands the application relate::Errors.
class LeakyConnection final : public relate::DriverConnection {
 public:
  std::unique_ptr<relate::Cursor> execute(const CompiledStatement&) override {
    throw std::out_of_range("vector::_M_range_check: __n (which is 0) >= this->size()");
  }
  std::int64_t rows_affected() override { throw std::logic_error("no statement ran"); }
  std::int64_t last_insert_id() override { return 0; }
  void begin() override { throw std::runtime_error("cannot begin"); }
  void commit() override {}
  void rollback() override {}
};

class LeakyBackend final : public relate::Backend {
 public:
  std::vector<std::string> schemes() const override { return {"leaky"}; }
  std::shared_ptr<const relate::Dialect> dialect(const relate::Url&) const override {
    const relate::Url sqlite = relate::parse_url("sqlite://:memory:");
    return relate::find_backend(sqlite, sqlite.to_string())->dialect(sqlite);
  }
  std::unique_ptr<relate::DriverConnection> connect(const relate::Url&) const override {
    return std::make_unique<LeakyConnection>();
  }
};

TEST(DriverExceptions, ABackendsOwnExceptionReachesTheApplicationAsOperationalError) {
  relate::register_backend(std::make_shared<LeakyBackend>());
  auto engine = relate::create_engine("leaky://somewhere/db");
  auto c = engine.connect();
  try {
    c.execute(CompiledStatement{"SELECT 1", {}});
    FAIL() << "expected relate::OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("sqlite backend's driver failed"),
                                HasSubstr("_M_range_check"), HasSubstr("[SQL: SELECT 1]")));
    EXPECT_EQ(e.sql(), "SELECT 1");
    EXPECT_FALSE(e.connection_invalidated());
  }
  EXPECT_THROW(c.rows_affected(), relate::OperationalError);
  EXPECT_THROW(c.begin(), relate::OperationalError);
}

}  // namespace
}  // namespace statement_errors_test
