// Migrations run against each backend: the operations the diff finds, run as a
// migration, make the database's schema the MetaData's (the diff against it is empty
// afterwards, an oracle of its own), keep the rows, and their downgrade makes it the
// first MetaData's again. SQLite's rebuilds keep rows and the foreign keys of other
// tables under PRAGMA foreign_keys=ON; a migration failing halfway leaves the version
// table telling the truth; two instances upgrading at once run each migration once.
#include <atomic>
#include <relate/migrate/diff.hpp>
#include <relate/migrate/reflection.hpp>
#include <relate/migrate/runner.hpp>
#include <thread>

#include "migrate_schemas.hpp"
#include "test_support.hpp"

namespace migrate_runner_test {

namespace {

using migrate_schemas::migration_of;
using migrate_schemas::summaries;
using relate::ColumnType;
using relate::migrate::Migration;
using relate::migrate::MigrationError;
using relate::migrate::Migrations;
using relate::migrate::Operations;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class MigrateRunnerTest : public relate_test::DatabaseTest {
 protected:
  relate::migrate::Diff diff_with(const relate::MetaData& md) {
    return relate::migrate::compare(md, relate::migrate::inspect(engine), engine.dialect());
  }

  void seed_authors_and_books() {
    exec_raw(
        "INSERT INTO authors (id, name, active, \"rank\", score, motto) VALUES "
        "(1, 'Ann', true, 3, 7, 'hi'), (2, 'Bob', false, 4, 8, 'yo')");
    exec_raw(
        "INSERT INTO books (shelf, slot, author_id, title, edition) VALUES "
        "(1, 1, 1, 'Dune', 1), (1, 2, 2, 'Emma', 2)");
  }

  // Without score, whose type the migrations change (7 may come back as 7.0).
  std::vector<std::vector<std::string>> author_rows() {
    return rows("SELECT id, name, \"rank\" FROM authors ORDER BY id");
  }
};

TEST_P(MigrateRunnerTest, TheDiffRunAsAMigrationMakesTheSchemaTheMetaDatasAndKeepsTheRows) {
  create(migrate_schemas::every_kind());
  seed_authors_and_books();
  const auto diff = diff_with(migrate_schemas::changed());
  ASSERT_FALSE(diff.operations.empty());
  const Migrations line({migration_of("v2", "", diff.operations)});

  EXPECT_THAT(relate::migrate::upgrade(engine, line), ElementsAre("v2"));
  EXPECT_EQ(relate::migrate::version(engine).current, "v2");
  // The oracle: nothing left between the database and the MetaData.
  const auto after = diff_with(migrate_schemas::changed());
  EXPECT_THAT(summaries(after), IsEmpty());
  EXPECT_THAT(author_rows(),
              ElementsAre(ElementsAre("1", "Ann", "3"), ElementsAre("2", "Bob", "4")));
  EXPECT_EQ(rows("SELECT id FROM authors WHERE score = 7.0 OR score = 8.0").size(), 2u);
  EXPECT_EQ(count_rows("books"), 2);
  EXPECT_THAT(rows("SELECT title FROM books ORDER BY slot"),
              ElementsAre(ElementsAre("Dune"), ElementsAre("Emma")));

  EXPECT_THAT(relate::migrate::downgrade(engine, line, "base"), ElementsAre("v2"));
  EXPECT_EQ(relate::migrate::version(engine).current, "");
  EXPECT_THAT(summaries(diff_with(migrate_schemas::every_kind())), IsEmpty());
  EXPECT_THAT(author_rows(),
              ElementsAre(ElementsAre("1", "Ann", "3"), ElementsAre("2", "Bob", "4")));
  EXPECT_EQ(count_rows("books"), 2);
}

TEST_P(MigrateRunnerTest, UpgradeRunsOnlyWhatIsAheadAndDowngradeStepsBack) {
  std::vector<std::string> ran;
  const auto step = [&](std::string id, std::string parent, std::string column) {
    return Migration{.id = id,
                     .parent = std::move(parent),
                     .message = "add " + column,
                     .upgrade =
                         [&ran, id, column](Operations& op) {
                           ran.push_back("up " + id);
                           if (!op.schema().find_table("notes")) {
                             op.create_table({.name = "notes",
                                              .columns = {{.name = "id",
                                                           .column_type = ColumnType::integer,
                                                           .nullable = false}},
                                              .primary_key = {.columns = {"id"}}});
                           }
                           op.add_column("notes",
                                         {.name = column, .column_type = ColumnType::text});
                         },
                     .downgrade =
                         [&ran, id, column](Operations& op) {
                           ran.push_back("down " + id);
                           op.drop_column("notes", column);
                         }};
  };
  const Migrations line({step("a1", "", "x"), step("b2", "a1", "y"), step("c3", "b2", "z")});
  EXPECT_THAT(relate::migrate::upgrade(engine, line, "+1"), ElementsAre("a1"));
  EXPECT_THAT(relate::migrate::upgrade(engine, line, "b2"), ElementsAre("b2"));
  EXPECT_THAT(relate::migrate::upgrade(engine, line), ElementsAre("c3"));
  EXPECT_THAT(relate::migrate::upgrade(engine, line), IsEmpty());
  EXPECT_THAT(relate::migrate::downgrade(engine, line, "-2"), ElementsAre("c3", "b2"));
  EXPECT_EQ(relate::migrate::version(engine).current, "a1");
  EXPECT_THAT(ran, ElementsAre("up a1", "up b2", "up c3", "down c3", "down b2"));
  const auto schema = relate::migrate::inspect(engine);
  ASSERT_NE(schema.find_table("notes"), nullptr);
  EXPECT_NE(schema.find_table("notes")->find_column("x"), nullptr);
  EXPECT_EQ(schema.find_table("notes")->find_column("y"), nullptr);
  EXPECT_THROW(relate::migrate::upgrade(engine, line, "nope"), relate::ArgumentError);
  EXPECT_THROW(relate::migrate::downgrade(engine, line, "c3"), relate::ArgumentError);
}

TEST_P(MigrateRunnerTest, AMigrationFailingHalfwayLeavesTheVersionTableTellingTheTruth) {
  const Migrations line({
      Migration{.id = "a1",
                .message = "notes",
                .upgrade =
                    [](Operations& op) {
                      op.create_table({.name = "notes",
                                       .columns = {{.name = "id",
                                                    .column_type = ColumnType::integer,
                                                    .nullable = false}},
                                       .primary_key = {.columns = {"id"}}});
                    },
                .downgrade = [](Operations& op) { op.drop_table("notes"); }},
      Migration{.id = "b2",
                .parent = "a1",
                .message = "breaks halfway",
                .upgrade =
                    [](Operations& op) {
                      op.add_column("notes", {.name = "body", .column_type = ColumnType::text});
                      op.execute("INSERT INTO no_such_table VALUES (1)");
                    },
                .downgrade = [](Operations& op) { op.drop_column("notes", "body"); }},
  });
  try {
    relate::migrate::upgrade(engine, line);
    FAIL() << "the upgrade went through";
  } catch (const MigrationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("migration 'b2' (breaks halfway) failed at its operation 2"));
  }
  const auto state = relate::migrate::version(engine);
  const auto schema = relate::migrate::inspect(engine);
  const auto notes = schema.find_table("notes");
  ASSERT_NE(notes, nullptr);
  if (engine.dialect().transactional_ddl()) {
    // Nothing of b2 was kept: the database is at a1.
    EXPECT_EQ(state.current, "a1");
    EXPECT_FALSE(state.interrupted);
    EXPECT_EQ(notes->find_column("body"), nullptr);
    EXPECT_THAT(relate::migrate::downgrade(engine, line, "base"), ElementsAre("a1"));
    return;
  }
  // MySQL committed the added column: the version table says b2 stopped after it.
  EXPECT_NE(notes->find_column("body"), nullptr);
  EXPECT_EQ(state.current, "a1");
  ASSERT_TRUE(state.interrupted);
  EXPECT_EQ(state.interrupted->migration, "b2");
  EXPECT_EQ(state.interrupted->direction, "upgrade");
  EXPECT_EQ(state.interrupted->operations_done, 1);
  // Nothing runs until someone says where the schema is.
  EXPECT_THROW(relate::migrate::upgrade(engine, line), MigrationError);
  EXPECT_THROW(relate::migrate::downgrade(engine, line, "base"), MigrationError);
  exec_raw("ALTER TABLE notes DROP COLUMN body");
  relate::migrate::stamp(engine, line, "a1");
  EXPECT_FALSE(relate::migrate::version(engine).interrupted);
  EXPECT_THROW(relate::migrate::upgrade(engine, line), MigrationError);  // b2 still breaks
}

// A NOT NULL column without a default cannot be added to a table with rows: every
// backend refuses it (MySQL, which would give the rows '' by itself, too).
TEST_P(MigrateRunnerTest, AColumnAddedNotNullWithoutADefaultIsRefusedWhereRowsAre) {
  const auto notes = [](relate::migrate::Operations& op) {
    op.create_table(
        {.name = "notes",
         .columns = {{.name = "id", .column_type = ColumnType::integer, .nullable = false}},
         .primary_key = {.columns = {"id"}}});
  };
  const Migrations line({
      Migration{.id = "a1",
                .upgrade = notes,
                .downgrade = [](Operations& op) { op.drop_table("notes"); }},
      Migration{.id = "b2",
                .parent = "a1",
                .upgrade =
                    [](Operations& op) {
                      op.add_column(
                          "notes",
                          {.name = "body", .column_type = ColumnType::text, .nullable = false});
                    },
                .downgrade = [](Operations& op) { op.drop_column("notes", "body"); }},
  });
  relate::migrate::upgrade(engine, line, "a1");
  exec_raw("INSERT INTO notes (id) VALUES (1)");
  EXPECT_THROW(relate::migrate::upgrade(engine, line), MigrationError);
  EXPECT_EQ(rows("SELECT id FROM notes").size(), 1u);
  if (!engine.dialect().transactional_ddl()) {
    // MySQL committed the nullable column before refusing NOT NULL: the version table
    // says b2 stopped, and the row has no made-up value.
    EXPECT_THAT(rows("SELECT body FROM notes"), ElementsAre(ElementsAre("NULL")));
    EXPECT_TRUE(relate::migrate::version(engine).interrupted);
    return;
  }
  EXPECT_EQ(relate::migrate::version(engine).current, "a1");
  // Without rows it goes through.
  exec_raw("DELETE FROM notes");
  EXPECT_THAT(relate::migrate::upgrade(engine, line), ElementsAre("b2"));
  const auto schema = relate::migrate::inspect(engine);
  EXPECT_FALSE(schema.find_table("notes")->find_column("body")->nullable);
}

TEST_P(MigrateRunnerTest, TwoInstancesUpgradingAtOnceRunEachMigrationOnce) {
  std::atomic<int> runs{0};
  std::vector<Migration> list;
  std::string parent;
  for (int i = 0; i < 3; ++i) {
    const std::string id = "m" + std::to_string(i);
    const std::string table = "t" + std::to_string(i);
    list.push_back(Migration{.id = id,
                             .parent = parent,
                             .message = "table " + table,
                             .upgrade =
                                 [&runs, table](Operations& op) {
                                   ++runs;
                                   // Long enough for the other instance to be waiting.
                                   std::this_thread::sleep_for(std::chrono::milliseconds(100));
                                   op.create_table({.name = table,
                                                    .columns = {{.name = "id",
                                                                 .column_type = ColumnType::integer,
                                                                 .nullable = false}},
                                                    .primary_key = {.columns = {"id"}}});
                                 },
                             .downgrade = [table](Operations& op) { op.drop_table(table); }});
    parent = id;
  }
  const Migrations line(std::move(list));
  std::vector<std::string> first, second;
  std::exception_ptr error;
  auto instance = [&](std::vector<std::string>& done) {
    try {
      relate::Engine own = relate::create_engine(url());
      done = relate::migrate::upgrade(own, line);
    } catch (...) {
      error = std::current_exception();
    }
  };
  std::thread a(instance, std::ref(first));
  std::thread b(instance, std::ref(second));
  a.join();
  b.join();
  if (error) std::rethrow_exception(error);
  EXPECT_EQ(runs.load(), 3);
  EXPECT_EQ(first.size() + second.size(), 3u);
  EXPECT_EQ(relate::migrate::version(engine).current, "m2");
}

TEST_P(MigrateRunnerTest, OfflineSqlIsWhatUpgradeRuns) {
  // The first migration makes every_kind's tables; the second is the diff from there, as
  // autogenerate would write it against a database the first made.
  const auto made = relate::migrate::compare(migrate_schemas::every_kind(), {}, engine.dialect());
  const Migration v1 = migration_of("v1", "", made.operations);
  relate::migrate::upgrade(engine, Migrations({v1}));
  const auto diff = diff_with(migrate_schemas::changed());
  const Migrations line({v1, migration_of("v2", "v1", diff.operations)});
  const std::string script = relate::migrate::upgrade_sql(engine.dialect(), line, "base");
  EXPECT_THAT(script, HasSubstr("-- upgrade v1: autogenerated"));
  EXPECT_THAT(script, HasSubstr("-- upgrade v2: autogenerated"));
  // Played on an empty database, the script makes the second MetaData's schema.
  for (const char* table : {"reviews", "books", "authors", "relate_version"}) {
    exec_raw(std::string("DROP TABLE ") + table);
  }
  ASSERT_THAT(relate::migrate::inspect(engine).tables, IsEmpty());
  std::size_t start = 0;
  while (start < script.size()) {
    const std::size_t end = script.find(";\n", start);
    std::string statement = script.substr(start, end - start);
    start = end == std::string::npos ? script.size() : end + 2;
    while (!statement.empty() && (statement[0] == '\n' || statement.rfind("--", 0) == 0)) {
      const std::size_t line_end = statement.find('\n');
      statement = line_end == std::string::npos ? "" : statement.substr(line_end + 1);
    }
    // Each statement runs on its own here; the script's transactions are the runner's.
    if (!statement.empty() && statement != "BEGIN" && statement != "COMMIT") exec_raw(statement);
  }
  EXPECT_THAT(summaries(diff_with(migrate_schemas::changed())), IsEmpty());
  EXPECT_EQ(relate::migrate::version(engine).current, "v2");
}

TEST_P(MigrateRunnerTest, MigrationsMakeOneLine) {
  const auto m = [](std::string id, std::string parent) {
    return Migration{.id = std::move(id),
                     .parent = std::move(parent),
                     .upgrade = [](Operations&) {},
                     .downgrade = [](Operations&) {}};
  };
  EXPECT_THROW(Migrations({m("a", ""), m("b", "a"), m("c", "a")}), relate::ArgumentError);
  EXPECT_THROW(Migrations({m("a", ""), m("b", "")}), relate::ArgumentError);
  EXPECT_THROW(Migrations({m("a", ""), m("a", "a")}), relate::ArgumentError);
  EXPECT_THROW(Migrations({m("a", ""), m("b", "x")}), relate::ArgumentError);
  EXPECT_THROW(Migrations({m("a b", "")}), relate::ArgumentError);
  const Migrations line({m("c", "b"), m("a", ""), m("b", "a")});
  EXPECT_EQ(line.head(), "c");
  EXPECT_EQ(line.position("b"), 2u);
}

RELATE_ON_EVERY_BACKEND(MigrateRunnerTest);

// SQLite rebuilds a table for what its ALTER TABLE cannot do: the rows of the table,
// and of the tables whose foreign keys refer to it, stay, with foreign keys enforced
// again afterwards.
class SqliteRebuildTest : public relate_test::DatabaseTest {};

TEST_P(SqliteRebuildTest, ARebuiltParentKeepsItsRowsAndItsChildrensRows) {
  create(migrate_schemas::every_kind());
  exec_raw("INSERT INTO authors (id, name, active) VALUES (1, 'Ann', 1), (2, 'Bob', 0)");
  exec_raw(
      "INSERT INTO books (shelf, slot, author_id, title) VALUES (1, 1, 1, 'Dune'), (1, 2, 2, "
      "'Emma')");
  exec_raw("INSERT INTO reviews (id, book_shelf, book_slot, author_id) VALUES (5, 1, 1, 1)");
  clear();
  const Migrations line({Migration{.id = "a1",
                                   .upgrade =
                                       [](Operations& op) {
                                         op.alter_column("authors", "score",
                                                         {.type = ColumnType::double_precision});
                                         op.drop_unique("authors", "", {"name"});
                                       },
                                   .downgrade = [](Operations&) {}}});
  relate::migrate::upgrade(engine, line);
  // Each change rebuilt authors, which books and reviews refer to with ON DELETE
  // CASCADE and RESTRICT: with foreign keys enforced, dropping it would have deleted or
  // refused them.
  EXPECT_EQ(count_starting_with("DROP TABLE \"authors\""), 2u);
  EXPECT_EQ(count_starting_with("PRAGMA foreign_keys = OFF"), 1u);
  // Checked before and after: only rows the migration breaks fail it.
  EXPECT_EQ(count_starting_with("PRAGMA foreign_key_check"), 2u);
  EXPECT_EQ(count_rows("authors"), 2);
  EXPECT_EQ(count_rows("books"), 2);
  EXPECT_EQ(count_rows("reviews"), 1);
  const auto schema = relate::migrate::inspect(engine);
  const auto authors = schema.find_table("authors");
  ASSERT_NE(authors, nullptr);
  EXPECT_EQ(authors->find_column("score")->column_type, ColumnType::double_precision);
  EXPECT_THAT(authors->unique_constraints, IsEmpty());
  // Foreign keys are enforced again, and still refer to authors.
  EXPECT_THROW(exec_raw("INSERT INTO books (shelf, slot, author_id) VALUES (2, 1, 99)"),
               relate::IntegrityError);
  exec_raw("DELETE FROM authors WHERE id = 2");
  EXPECT_EQ(count_rows("books"), 1);
}

TEST_P(SqliteRebuildTest, ARebuildThatWouldBreakAForeignKeyIsRolledBack) {
  create(migrate_schemas::every_kind());
  exec_raw("INSERT INTO authors (id, name, active) VALUES (1, 'Ann', 1)");
  exec_raw("INSERT INTO books (shelf, slot, author_id, title) VALUES (1, 1, 1, 'Dune')");
  const Migrations line({Migration{
      .id = "a1",
      .upgrade =
          [](Operations& op) {
            op.alter_column("authors", "score", {.type = ColumnType::double_precision});
            op.execute("DELETE FROM authors");  // with foreign keys unenforced: no cascade
          },
      .downgrade = [](Operations&) {}}});
  try {
    relate::migrate::upgrade(engine, line);
    FAIL() << "the upgrade went through";
  } catch (const MigrationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("rows of table 'books' whose foreign key refers to no row"));
  }
  EXPECT_EQ(count_rows("authors"), 1);
  EXPECT_EQ(relate::migrate::version(engine).current, "");
  EXPECT_EQ(
      relate::migrate::inspect(engine).find_table("authors")->find_column("score")->column_type,
      ColumnType::integer);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqliteRebuildTest, ::testing::Values(relate_test::kSqlite),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace

}  // namespace migrate_runner_test
