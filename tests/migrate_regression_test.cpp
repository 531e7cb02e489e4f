// What a hostile review of migrations found (each test names the defect it pins):
// offline SQL that lost columns or cascaded on SQLite, a second statement SQLite never
// ran, MySQL's unique constraints that drop_unique could not find, an autoincrement key
// that MySQL's MODIFY stripped, SQLite rebuilds that dropped what Relate does not read,
// expression defaults and untyped columns a rebuild could not write, SQLite instances
// that gave up waiting, foreign key checks that blamed a migration for old rows, and
// messages that named the wrong operation or broke out of their comment.
#include <relate/migrate/diff.hpp>
#include <relate/migrate/reflection.hpp>
#include <relate/migrate/runner.hpp>
#include <thread>

#include "test_support.hpp"

namespace migrate_regression_test {

namespace {

using relate::ColumnType;
using relate::migrate::Migration;
using relate::migrate::MigrationError;
using relate::migrate::Migrations;
using relate::migrate::Operations;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

void nothing(Operations&) {}

relate::TableDef table_t(std::vector<relate::KeyDef> uniques = {}) {
  return {.name = "t",
          .columns = {{.name = "id", .column_type = ColumnType::integer, .nullable = false},
                      {.name = "a", .column_type = ColumnType::integer},
                      {.name = "b", .column_type = ColumnType::text}},
          .primary_key = {.columns = {"id"}},
          .unique_constraints = std::move(uniques)};
}

std::string failure_of(const relate::Engine& engine, const Migrations& line) {
  try {
    relate::migrate::upgrade(engine, line);
  } catch (const MigrationError& e) {
    return e.what();
  }
  return "no error";
}

class MigrateRegressionTest : public relate_test::DatabaseTest {};

// MySQL keeps a unique constraint as a unique index, and reflection gives it as one:
// drop_unique by name found nothing there, and left the migration marked interrupted.
TEST_P(MigrateRegressionTest, DropUniqueFindsAConstraintTheDatabaseKeepsAsAnIndex) {
  const Migrations line({
      Migration{.id = "a1",
                .upgrade =
                    [](Operations& op) {
                      op.create_table(table_t({{"uq_t_a", {"a"}}}));
                    },
                .downgrade = [](Operations& op) { op.drop_table("t"); }},
      Migration{.id = "b2",
                .parent = "a1",
                .upgrade =
                    [](Operations& op) {
                      op.add_column("t", {.name = "c", .column_type = ColumnType::integer});
                      op.drop_unique("t", "uq_t_a");
                    },
                .downgrade =
                    [](Operations& op) {
                      op.add_unique("t", {.name = "uq_t_a", .columns = {"a"}});
                      op.drop_column("t", "c");
                    }},
  });
  EXPECT_THAT(relate::migrate::upgrade(engine, line), ElementsAre("a1", "b2"));
  exec_raw("INSERT INTO t (id, a) VALUES (1, 5), (2, 5)");  // no longer unique
  exec_raw("DELETE FROM t WHERE id = 2");
  EXPECT_THAT(relate::migrate::downgrade(engine, line, "a1"), ElementsAre("b2"));
  EXPECT_THROW(exec_raw("INSERT INTO t (id, a) VALUES (3, 5)"), relate::IntegrityError);
}

// MySQL's MODIFY restated the column without AUTO_INCREMENT; PostgreSQL's sequence kept
// its type. alter_column refuses an autoincrement key, before anything runs.
TEST_P(MigrateRegressionTest, AlteringAnAutoincrementKeyIsRefusedBeforeAnythingRuns) {
  const Migrations line({
      Migration{.id = "a1",
                .upgrade =
                    [](Operations& op) {
                      op.create_table({.name = "k",
                                       .columns = {{.name = "id",
                                                    .column_type = ColumnType::integer,
                                                    .nullable = false,
                                                    .autoincrement = true},
                                                   {.name = "v", .column_type = ColumnType::text}},
                                       .primary_key = {.columns = {"id"}}});
                    },
                .downgrade = [](Operations& op) { op.drop_table("k"); }},
      Migration{
          .id = "b2",
          .parent = "a1",
          .message = "widen the key",
          .upgrade =
              [](Operations& op) { op.alter_column("k", "id", {.type = ColumnType::big_integer}); },
          .downgrade = nothing},
  });
  const std::string error = failure_of(engine, line);
  EXPECT_THAT(error, HasSubstr("migration 'b2' (widen the key) failed at its operation 1 "
                               "(alter column k.id type)"));
  EXPECT_THAT(error, HasSubstr("is an autoincrement key"));
  // Nothing ran: the version table says a1, with nothing interrupted (MySQL too).
  const auto state = relate::migrate::version(engine);
  EXPECT_EQ(state.current, "a1");
  EXPECT_FALSE(state.interrupted);
  exec_raw("INSERT INTO k (v) VALUES ('x')");
  EXPECT_EQ(count_rows("k"), 1);
}

// A migration's message in the offline script's comment, and in a written source's,
// stays on one line: a newline would have made the rest SQL (or code).
TEST_P(MigrateRegressionTest, AMessageWithANewlineStaysInItsComment) {
  const Migrations line({Migration{.id = "a1",
                                   .message = "fix things\nDROP TABLE t;",
                                   .upgrade = [](Operations& op) { op.create_table(table_t()); },
                                   .downgrade = nothing}});
  const std::string script = relate::migrate::upgrade_sql(engine.dialect(), line, "base");
  EXPECT_THAT(script, HasSubstr("-- upgrade a1: fix things DROP TABLE t;\n"));
  EXPECT_EQ(script.find("\nDROP TABLE t;"), std::string::npos) << script;
}

// "+N" past the last migration wrapped around and was read as going back.
TEST_P(MigrateRegressionTest, AHugeStepIsPastTheLastMigration) {
  const Migrations line({Migration{.id = "a1",
                                   .upgrade = [](Operations& op) { op.create_table(table_t()); },
                                   .downgrade = [](Operations& op) { op.drop_table("t"); }}});
  relate::migrate::upgrade(engine, line);
  try {
    relate::migrate::upgrade(engine, line, "+18446744073709551615");
    FAIL() << "no error";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("goes past the last"));
  }
}

RELATE_ON_EVERY_BACKEND(MigrateRegressionTest);

// ---- SQLite ----

class SqliteMigrateRegressionTest : public relate_test::DatabaseTest {};

// SQLite prepared the first statement and dropped the rest: a data migration of two
// statements ran one, and the migration was recorded as done.
TEST_P(SqliteMigrateRegressionTest, TwoStatementsInOneExecuteAreRefused) {
  const Migrations line({Migration{.id = "a1",
                                   .upgrade =
                                       [](Operations& op) {
                                         op.create_table(table_t());
                                         op.execute(
                                             "INSERT INTO t (id, a) VALUES (1, 1); "
                                             "INSERT INTO t (id, a) VALUES (2, 2)");
                                       },
                                   .downgrade = nothing}});
  EXPECT_THAT(failure_of(engine, line), HasSubstr("one statement at a time"));
  EXPECT_EQ(relate::migrate::version(engine).current, "");
  EXPECT_EQ(relate::migrate::inspect(engine).find_table("t"), nullptr);
  // A statement followed by a ';' and a comment is one statement.
  relate::Connection c = engine.connect();
  c.execute("CREATE TABLE u (id INTEGER PRIMARY KEY); -- done");
  EXPECT_THROW(c.execute(relate::text("SELECT 1; SELECT 2")), relate::ArgumentError);
}

// The offline script's rebuild ran with foreign keys enforced (the DROP TABLE of a
// parent cascaded), and after SQL that added a column, the rebuild left it out.
TEST_P(SqliteMigrateRegressionTest, OfflineSqlRebuildsAsTheRunnerDoesOrRefuses) {
  const Migrations line({
      Migration{.id = "a1",
                .upgrade = [](Operations& op) { op.create_table(table_t()); },
                .downgrade = nothing},
      Migration{.id = "b2",
                .parent = "a1",
                .upgrade =
                    [](Operations& op) {
                      op.alter_column("t", "a", {.nullable = false, .server_default = "0"});
                    },
                .downgrade = nothing},
  });
  const std::string script = relate::migrate::upgrade_sql(engine.dialect(), line, "a1");
  EXPECT_THAT(script, HasSubstr("PRAGMA foreign_keys = OFF;\nBEGIN;\n"));
  EXPECT_THAT(script, HasSubstr("PRAGMA foreign_key_check;\nUPDATE"));
  EXPECT_THAT(script, HasSubstr("COMMIT;\nPRAGMA foreign_keys = ON;\n"));

  const Migrations added({
      Migration{.id = "a1",
                .upgrade =
                    [](Operations& op) {
                      op.create_table(table_t());
                      op.execute("ALTER TABLE t ADD COLUMN z INTEGER");
                      op.execute("UPDATE t SET z = 5");
                    },
                .downgrade = nothing},
      Migration{.id = "b2",
                .parent = "a1",
                .upgrade =
                    [](Operations& op) {
                      op.alter_column("t", "a", {.nullable = false, .server_default = "0"});
                    },
                .downgrade = nothing},
  });
  try {
    relate::migrate::upgrade_sql(engine.dialect(), added, "base");
    FAIL() << "the rebuild was printed";
  } catch (const MigrationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("offline SQL cannot rebuild table t"));
  }
  // Online, the schema is read again after the SQL: z and its values stay.
  relate::migrate::upgrade(engine, added);
  EXPECT_THAT(rows("SELECT z FROM t"), IsEmpty());
  exec_raw("INSERT INTO t (id, a, z) VALUES (1, 1, 5)");
  EXPECT_THAT(rows("SELECT z FROM t"), ElementsAre(ElementsAre("5")));
}

// A rebuild would drop what a TableDef does not hold: it is refused, the rows untouched.
TEST_P(SqliteMigrateRegressionTest, ARebuildThatWouldLoseWhatRelateDoesNotReadIsRefused) {
  for (const char* create :
       {"CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a INTEGER, b TEXT)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT COLLATE NOCASE UNIQUE)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER CHECK (a > 0), b TEXT)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT) STRICT"}) {
    SCOPED_TRACE(create);
    exec_raw(create);
    exec_raw("INSERT INTO t (id, a, b) VALUES (1, 1, 'x')");
    const Migrations line({Migration{
        .id = "a1",
        .upgrade =
            [](Operations& op) { op.alter_column("t", "a", {.type = ColumnType::big_integer}); },
        .downgrade = nothing}});
    EXPECT_THAT(failure_of(engine, line),
                HasSubstr("the rebuild would lose what Relate does not read"));
    EXPECT_THAT(rows("SELECT id, a, b FROM t"), ElementsAre(ElementsAre("1", "1", "x")));
    exec_raw("DROP TABLE t");
  }
  exec_raw("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)");
  engine.connect().execute("CREATE TRIGGER t_a AFTER INSERT ON t BEGIN UPDATE t SET b = 'y'; END");
  const Migrations line({Migration{
      .id = "a1",
      .upgrade =
          [](Operations& op) { op.alter_column("t", "a", {.type = ColumnType::big_integer}); },
      .downgrade = nothing}});
  EXPECT_THAT(failure_of(engine, line), HasSubstr("(triggers)"));
}

// PRAGMA table_info gives an expression default without its parentheses (1+1), which
// the rebuild wrote as is; and a column without a type stopped it.
TEST_P(SqliteMigrateRegressionTest, ARebuildKeepsExpressionDefaultsAndUntypedColumns) {
  exec_raw(
      "CREATE TABLE u (id INTEGER PRIMARY KEY, a, d NUMERIC DEFAULT (1+1), "
      "s TEXT DEFAULT (lower('X')), k INTEGER)");
  exec_raw("INSERT INTO u (id, a, k) VALUES (1, 'any', 3)");
  const Migrations line(
      {Migration{.id = "a1",
                 .upgrade = [](Operations& op) { op.alter_column("u", "k", {.nullable = false}); },
                 .downgrade = nothing}});
  relate::migrate::upgrade(engine, line);
  exec_raw("INSERT INTO u (id, k) VALUES (2, 4)");
  EXPECT_THAT(
      rows("SELECT id, a, d, s, k FROM u ORDER BY id"),
      ElementsAre(ElementsAre("1", "any", "2", "x", "3"), ElementsAre("2", "NULL", "2", "x", "4")));
}

// PRAGMA foreign_key_check looks at the whole database: a row broken before the
// migration failed every later one, and the message named no migration.
TEST_P(SqliteMigrateRegressionTest, OnlyRowsTheMigrationBreaksFailItsForeignKeyCheck) {
  exec_raw("CREATE TABLE p (id INTEGER PRIMARY KEY)");
  exec_raw("CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id))");
  exec_raw("CREATE TABLE other (id INTEGER PRIMARY KEY)");
  exec_raw("INSERT INTO p (id) VALUES (1)");
  exec_raw("INSERT INTO c (id, p_id) VALUES (1, 1)");
  {
    relate::Connection raw = engine.connect();
    raw.execute("PRAGMA foreign_keys = OFF");
    raw.execute("INSERT INTO c (id, p_id) VALUES (2, 99)");  // broken before any migration
    raw.execute("PRAGMA foreign_keys = ON");
  }
  const Migrations line({
      Migration{.id = "a1",
                .upgrade =
                    [](Operations& op) {
                      op.add_column("other", {.name = "x", .column_type = ColumnType::integer});
                    },
                .downgrade = nothing},
      Migration{.id = "b2",
                .parent = "a1",
                .message = "drops the parents",
                .upgrade = [](Operations& op) { op.execute("DELETE FROM p"); },
                .downgrade = nothing},
  });
  EXPECT_THAT(failure_of(engine, line),
              HasSubstr("migration 'b2' (drops the parents) failed after its 1 operations: it "
                        "leaves rows of table 'c' whose foreign key refers to no row of 'p'"));
  EXPECT_EQ(relate::migrate::version(engine).current, "a1");
  EXPECT_EQ(count_rows("p"), 1);
}

// On SQLite the transaction is the only lock: an instance waited the busy timeout, then
// failed with "database is locked" while another's migration ran.
TEST_P(SqliteMigrateRegressionTest, AnInstanceWaitsPastTheBusyTimeoutForAnotherOnesMigration) {
  std::atomic<int> runs{0};
  const Migrations line({Migration{.id = "a1",
                                   .upgrade =
                                       [&runs](Operations& op) {
                                         ++runs;
                                         std::this_thread::sleep_for(
                                             std::chrono::milliseconds(600));
                                         op.create_table(table_t());
                                       },
                                   .downgrade = nothing}});
  const std::string short_timeout =
      url() + (url().find('?') == std::string::npos ? "?" : "&") + "timeout=0.1";
  std::exception_ptr error;
  auto instance = [&] {
    try {
      relate::Engine own = relate::create_engine(short_timeout);
      relate::migrate::upgrade(own, line);
    } catch (...) {
      error = std::current_exception();
    }
  };
  std::thread a(instance);
  std::thread b(instance);
  a.join();
  b.join();
  if (error) std::rethrow_exception(error);
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(relate::migrate::version(engine).current, "a1");
}

INSTANTIATE_TEST_SUITE_P(Backends, SqliteMigrateRegressionTest,
                         ::testing::Values(relate_test::kSqlite),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace

}  // namespace migrate_regression_test
