// The command line (relate::migrate::main): each command's output and exit status,
// check's 0 and 1 for CI, 2 for a command line that is not one, and the sources
// `revision` writes.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <relate/migrate/command.hpp>
#include <relate/migrate/diff.hpp>
#include <relate/migrate/reflection.hpp>
#include <relate/migrate/runner.hpp>
#include <sstream>

#include "migrate_schemas.hpp"
#include "test_support.hpp"

namespace migrate_command_test {

namespace {

using migrate_schemas::migration_of;
using relate::migrate::Migration;
using relate::migrate::Migrations;
using relate::migrate::Operations;
using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int status = 0;
  std::string out;
  std::string err;
};

class MigrateCommandTest : public relate_test::DatabaseTest {
 protected:
  void SetUp() override {
    relate_test::DatabaseTest::SetUp();
    if (IsSkipped()) return;
    // Two migrations: every_kind's tables, then the changes of the next version.
    const auto dialect_of = [&]() -> const relate::Dialect& { return engine.dialect(); };
    const auto v1 = relate::migrate::compare(migrate_schemas::every_kind(), {}, dialect_of());
    relate::SchemaDef after_v1;
    for (const auto& op : v1.operations) relate::migrate::apply(after_v1, op);
    const auto v2 = relate::migrate::compare(migrate_schemas::changed(), after_v1, dialect_of());
    migrations = Migrations({migration_of("aaa111", "", v1.operations, "library"),
                             migration_of("bbb222", "aaa111", v2.operations, "next version")});
    dir = std::filesystem::temp_directory_path() /
          ("relate_revision_" + std::to_string(::getpid()) + "_" + backend());
    std::filesystem::remove_all(dir);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir);
    relate_test::DatabaseTest::TearDown();
  }

  Outcome run(std::vector<std::string> args, const relate::MetaData& md) {
    args.insert(args.begin(), {"migrate", "--url", url()});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream out, err;
    const int status =
        relate::migrate::main(static_cast<int>(argv.size()), argv.data(), md, migrations, out, err);
    return {status, out.str(), err.str()};
  }

  Migrations migrations;
  std::filesystem::path dir;
};

TEST_P(MigrateCommandTest, CheckExitsOneUntilTheDatabaseIsAtTheLastMigrationAndMatches) {
  const relate::MetaData v2 = migrate_schemas::changed();
  Outcome check = run({"check"}, v2);
  EXPECT_EQ(check.status, 1);
  EXPECT_THAT(check.out, HasSubstr("the database is at base; the last migration is bbb222"));
  EXPECT_THAT(check.out, HasSubstr("create table authors"));

  Outcome up = run({"upgrade", "aaa111"}, v2);
  EXPECT_EQ(up.status, 0) << up.err;
  EXPECT_THAT(up.out, HasSubstr("upgrade aaa111: library"));
  EXPECT_EQ(run({"check"}, v2).status, 1);
  EXPECT_EQ(run({"current"}, v2).out, "aaa111\n");

  EXPECT_EQ(run({"upgrade"}, v2).status, 0);
  check = run({"check"}, v2);
  EXPECT_EQ(check.status, 0) << check.out;
  EXPECT_THAT(check.out, HasSubstr("matches the models"));
  // The models one version back differ from the database.
  EXPECT_EQ(run({"check"}, migrate_schemas::every_kind()).status, 1);

  const Outcome history = run({"history"}, v2);
  EXPECT_EQ(history.out, "aaa111  library\nbbb222  next version  (current)\n");
  EXPECT_EQ(run({"downgrade", "base"}, v2).status, 0);
  EXPECT_EQ(run({"current"}, v2).out, "base\n");
  EXPECT_EQ(run({"stamp", "head"}, v2).status, 0);
  EXPECT_EQ(run({"current"}, v2).out, "bbb222\n");
}

TEST_P(MigrateCommandTest, ACommandLineThatIsNotOneExitsTwo) {
  const relate::MetaData md = migrate_schemas::every_kind();
  for (const auto& args : std::vector<std::vector<std::string>>{{},
                                                                {"fly"},
                                                                {"downgrade"},
                                                                {"upgrade", "a", "b"},
                                                                {"revision"},
                                                                {"--bogus", "current"},
                                                                {"sql", "sideways", "head"}}) {
    const Outcome o = run(args, md);
    EXPECT_EQ(o.status, 2) << ::testing::PrintToString(args);
    EXPECT_THAT(o.err, HasSubstr("usage:"));
  }
  // A target that is not a migration fails, with the reason.
  const Outcome bad = run({"upgrade", "zzz999"}, md);
  EXPECT_EQ(bad.status, 1);
  EXPECT_THAT(bad.err, HasSubstr("no migration 'zzz999'"));
}

TEST_P(MigrateCommandTest, SqlPrintsTheUpgradeWithoutTouchingTheDatabase) {
  const Outcome sql = run({"sql", "upgrade", "head"}, migrate_schemas::changed());
  EXPECT_EQ(sql.status, 0) << sql.err;
  EXPECT_THAT(sql.out, HasSubstr("-- upgrade aaa111: library"));
  EXPECT_THAT(sql.out, HasSubstr("-- upgrade bbb222: next version"));
  EXPECT_THAT(sql.out, HasSubstr("CREATE TABLE"));
  EXPECT_EQ(relate::migrate::version(engine).current, "");
  EXPECT_THAT(relate::migrate::inspect(engine).tables, ::testing::IsEmpty());
  const Outcome down = run({"sql", "downgrade", "bbb222:aaa111"}, migrate_schemas::changed());
  EXPECT_EQ(down.status, 0) << down.err;
  EXPECT_THAT(down.out, HasSubstr("-- downgrade bbb222"));
  EXPECT_THAT(down.out, Not(HasSubstr("-- downgrade aaa111")));
}

TEST_P(MigrateCommandTest, RevisionWritesTheNextMigrationsSourceFromTheDiff) {
  ASSERT_EQ(run({"upgrade"}, migrate_schemas::changed()).status, 0);
  relate::MetaData v3 = migrate_schemas::changed();
  relate::Table& authors = const_cast<relate::Table&>(v3.get_table("authors"));
  authors.add_column("nickname", relate::ColumnType::text);
  const Outcome o =
      run({"revision", "--autogenerate", "-m", "Authors' nick-names!", "--dir", dir.string()}, v3);
  ASSERT_EQ(o.status, 0) << o.err;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    files.push_back(e.path().filename());
  ASSERT_EQ(files.size(), 2u);
  std::filesystem::path source_file;
  for (const auto& f : files) {
    if (f != "migrations.cpp") source_file = dir / f;
  }
  EXPECT_THAT(source_file.filename().string(), ::testing::EndsWith("_authors_nick_names.cpp"));
  const auto read = [](const std::filesystem::path& p) {
    std::ifstream file(p);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  };
  const std::string source = read(source_file);
  EXPECT_THAT(source, HasSubstr("m.parent = \"bbb222\";"));
  EXPECT_THAT(source, HasSubstr("m.message = \"Authors' nick-names!\";"));
  EXPECT_THAT(source, HasSubstr("op.add_column(\"authors\", {.name = \"nickname\", "
                                ".column_type = relate::ColumnType::text});"));
  EXPECT_THAT(source, HasSubstr("op.drop_column(\"authors\", \"nickname\");"));
  const std::string list = read(dir / "migrations.cpp");
  EXPECT_THAT(list, HasSubstr("relate::migrate::Migration migration_aaa111();"));
  EXPECT_THAT(list, HasSubstr("relate::migrate::Migrations all_migrations()"));
  // A source written and not yet built stops the next revision: its line would skip it.
  const Outcome unbuilt =
      run({"revision", "--autogenerate", "-m", "again", "--dir", dir.string()}, v3);
  EXPECT_EQ(unbuilt.status, 1);
  EXPECT_THAT(unbuilt.err, HasSubstr("are not among the program's migrations: build them first"));
  // The database must be at the last migration for the diff to be the next one's.
  ASSERT_EQ(run({"downgrade", "-1"}, v3).status, 0);
  const Outcome behind =
      run({"revision", "--autogenerate", "-m", "again", "--dir", dir.string()}, v3);
  EXPECT_EQ(behind.status, 1);
  EXPECT_THAT(behind.err, HasSubstr("upgrade it first"));
}

// What revision writes for each kind of change: every_kind's database, the next
// version's models.
TEST_P(MigrateCommandTest, RevisionWritesEachKindOfChangeAsTheCallThatMakesIt) {
  ASSERT_EQ(run({"upgrade", "aaa111"}, migrate_schemas::every_kind()).status, 0);
  // The line ends at aaa111 for this revision: a program one version behind.
  migrations = Migrations({migrations.in_order()[0]});
  const Outcome o = run({"revision", "--autogenerate", "-m", "v2", "--dir", dir.string()},
                        migrate_schemas::changed());
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_THAT(o.out, HasSubstr("note: table authors: column(s) photo, note dropped and bio added"));
  std::string source;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename() == "migrations.cpp") continue;
    std::ifstream file(e.path());
    std::stringstream text;
    text << file.rdbuf();
    source = text.str();
  }
  for (
      const char* call : {
          "op.create_table({.name = \"quotes\",",
          "op.drop_foreign_key(\"books\", \"fk_books_author\", {\"author_id\"});",
          "op.drop_index(\"books\", \"ix_books_edition_title\");",
          "op.add_column(\"authors\", {.name = \"bio\", .column_type = relate::ColumnType::text});",
          "op.alter_column(\"authors\", \"rank\", {.nullable = false});",
          "op.alter_column(\"authors\", \"score\", {.type = "
          "relate::ColumnType::double_precision});",
          "op.alter_column(\"authors\", \"motto\", {.server_default = \"'carpe diem'\"});",
          "op.drop_column(\"authors\", \"photo\");",
          "op.create_index(\"books\", {.name = \"ix_books_title\", .columns = {\"title\"}});",
          "op.add_foreign_key(\"books\", {.name = \"fk_books_author\", .columns = {\"author_id\"}, "
          ".referred_table = \"authors\", .referred_columns = {\"id\"}, .on_delete = "
          "relate::cascade});",
          "op.drop_table(\"reviews\");",
          "NOTE: table authors: column(s) photo, note dropped and bio added",
      }) {
    EXPECT_THAT(source, HasSubstr(call));
  }
  // The unique constraint made by the first migration is dropped by its name, or, on
  // MySQL, as the unique index it is.
  EXPECT_THAT(source,
              ::testing::AnyOf(HasSubstr("op.drop_unique(\"authors\", \"uq_authors_name\""),
                               HasSubstr("op.drop_index(\"authors\", \"uq_authors_name\");")));
  // The downgrade undoes each: the dropped table comes back whole.
  EXPECT_THAT(source, HasSubstr("op.create_table({.name = \"reviews\","));
  EXPECT_THAT(
      source,
      HasSubstr("op.alter_column(\"authors\", \"score\", {.type = relate::ColumnType::integer});"));
}

RELATE_ON_EVERY_BACKEND(MigrateCommandTest);

}  // namespace

}  // namespace migrate_command_test
