// The diff (relate::migrate::compare): a database create_all made compares equal to its
// MetaData on every backend, whatever each database makes of the types, defaults, names
// and actions; and each kind of change between a MetaData and the database is found as
// the operation that makes it.
#include <relate/migrate/diff.hpp>
#include <relate/migrate/reflection.hpp>

#include "blog_models.hpp"
#include "migrate_schemas.hpp"
#include "test_support.hpp"

namespace migrate_diff_test {

namespace {

using migrate_schemas::changed;
using migrate_schemas::every_kind;
using migrate_schemas::summaries;
using relate::ColumnType;
using relate::migrate::compare;
using relate::migrate::Diff;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class MigrateDiffTest : public relate_test::DatabaseTest {
 protected:
  Diff diff_with(const relate::MetaData& md) {
    return compare(md, relate::migrate::inspect(engine), engine.dialect());
  }
};

TEST_P(MigrateDiffTest, WhatCreateAllMadeComparesEqualToItsMetaData) {
  const relate::MetaData md = create(every_kind());
  const Diff diff = diff_with(md);
  EXPECT_THAT(summaries(diff), IsEmpty());
  EXPECT_THAT(diff.notes, IsEmpty());
}

// Models mapped by the ORM, with a generated association table: the blog of the tests.
TEST_P(MigrateDiffTest, AMappedBlogComparesEqualToItsMetaData) {
  const relate::MetaData md = create(blog_test::blog_metadata());
  const Diff diff = diff_with(md);
  EXPECT_THAT(summaries(diff), IsEmpty());
  EXPECT_THAT(diff.notes, IsEmpty());
}

TEST_P(MigrateDiffTest, TheVersionTableAndIgnoredTablesAreNeverDropped) {
  const relate::MetaData md = create(every_kind());
  exec_raw("CREATE TABLE relate_version (version_num VARCHAR(64) NOT NULL)");
  exec_raw("CREATE TABLE app_cache (k INTEGER)");
  const auto live = relate::migrate::inspect(engine);
  EXPECT_THAT(summaries(compare(md, live, engine.dialect(), {.ignore_tables = {"app_cache"}})),
              IsEmpty());
  EXPECT_THAT(summaries(compare(md, live, engine.dialect())), ElementsAre("drop table app_cache"));
}

TEST_P(MigrateDiffTest, EachKindOfChangeIsFoundAsTheOperationThatMakesIt) {
  create(every_kind());
  const Diff diff = diff_with(changed());
  std::vector<std::string> ops = summaries(diff);
  // The name the database gave the unique constraint of authors.name is its own.
  for (auto& op : ops) {
    if (op.rfind("drop unique constraint authors", 0) == 0) {
      op = "drop unique constraint on authors (name)";
    }
  }
  std::vector<std::string> expected{
      "create table quotes",
      "drop foreign key fk_books_author on books (author_id) to authors",
      "drop index ix_books_edition_title on books",
      "add column authors.bio",
      "alter column authors.rank not null",
      "alter column authors.score type",
      "alter column authors.motto default",
      "drop column authors.photo",
      "drop column authors.note",
      "create index ix_books_edition_title on books (edition, title)",
      "create index ix_books_title on books (title)",
      "add foreign key fk_books_author on books (author_id) to authors",
      "drop table reviews",
  };
  // Where a unique constraint is a unique index (MySQL), dropping it drops that index.
  if (on(relate_test::kMysql)) {
    expected.insert(expected.end(),
                    {"drop index name on authors", "drop index uq_books_title_edition on books"});
  } else {
    expected.insert(expected.end(),
                    {"drop unique constraint on authors (name)",
                     "drop unique constraint uq_books_title_edition on books (title, edition)"});
  }
  EXPECT_THAT(ops, ::testing::UnorderedElementsAreArray(expected));
  // New tables first, dropped ones last; a foreign key is dropped before it is added
  // back, and an index before it is made again.
  ASSERT_FALSE(ops.empty());
  EXPECT_EQ(ops.front(), "create table quotes");
  EXPECT_EQ(ops.back(), "drop table reviews");
  const auto at = [&](const std::string& op) { return std::find(ops.begin(), ops.end(), op); };
  EXPECT_LT(at("drop foreign key fk_books_author on books (author_id) to authors"),
            at("add foreign key fk_books_author on books (author_id) to authors"));
  EXPECT_LT(at("drop index ix_books_edition_title on books"),
            at("create index ix_books_edition_title on books (edition, title)"));
  // A rename cannot be told from a drop and an add: the diff says so.
  EXPECT_THAT(diff.notes, ElementsAre(HasSubstr("photo, note dropped and bio added"),
                                      HasSubstr("reviews dropped and quotes created")));
}

TEST_P(MigrateDiffTest, AnAlteredColumnCarriesWhatItWasAndWhatItBecomes) {
  create(every_kind());
  const Diff diff = diff_with(changed());
  const relate::migrate::AlterColumn* score = nullptr;
  for (const auto& op : diff.operations) {
    const auto* alter = std::get_if<relate::migrate::AlterColumn>(&op);
    if (alter && alter->to.name == "score") score = alter;
  }
  ASSERT_NE(score, nullptr);
  EXPECT_EQ(score->table, "authors");
  EXPECT_EQ(score->from.column_type, ColumnType::integer);
  EXPECT_EQ(score->to.column_type, ColumnType::double_precision);
  // Each database's spelling of the type and the default is left behind: the
  // operation runs on any backend.
  EXPECT_EQ(score->from.type, "");
  EXPECT_EQ(score->from.server_default, "0");
  EXPECT_EQ(score->to.server_default, "0");
  const auto back = relate::migrate::reverse(relate::migrate::Operation(*score));
  EXPECT_EQ(std::get<relate::migrate::AlterColumn>(back).to.column_type, ColumnType::integer);
}

TEST_P(MigrateDiffTest, TablesReferringToEachOtherAreCreatedBeforeTheirForeignKeys) {
  relate::MetaData md;
  relate::Table& a = md.add_table("a");
  a.add_column("id", ColumnType::integer).set_primary_key();
  const relate::Column& b_id = a.add_column("b_id", ColumnType::integer);
  relate::Table& b = md.add_table("b");
  b.add_column("id", ColumnType::integer).set_primary_key();
  const relate::Column& a_id = b.add_column("a_id", ColumnType::integer);
  a.add_foreign_key({&b_id}, b, {&b.column("id")});
  b.add_foreign_key({&a_id}, a, {&a.column("id")});
  const Diff diff = diff_with(md);
  const auto ops = summaries(diff);
  ASSERT_EQ(ops.size(), 3u) << ::testing::PrintToString(ops);
  EXPECT_THAT(ops[0], ::testing::StartsWith("create table "));
  EXPECT_THAT(ops[1], ::testing::StartsWith("create table "));
  EXPECT_THAT(ops[2], ::testing::StartsWith("add foreign key fk_"));
}

TEST_P(MigrateDiffTest, DefaultsCompareAsTheValuesTheirLiteralsStandFor) {
  create(every_kind());
  // The same values, written as each database would not: TRUE for true, 1.50, -1.
  relate::MetaData md = every_kind();
  relate::Table& authors = const_cast<relate::Table&>(md.get_table("authors"));
  authors.column("ratio").set_default(relate::Value(1.50));
  authors.column("active").set_default(relate::Value(1));
  EXPECT_THAT(summaries(diff_with(md)), IsEmpty());
  authors.column("ratio").set_default(relate::Value(1.25));
  authors.column("active").set_default(relate::Value(false));
  EXPECT_THAT(summaries(diff_with(md)), ElementsAre("alter column authors.active default",
                                                    "alter column authors.ratio default"));
}

RELATE_ON_EVERY_BACKEND(MigrateDiffTest);

}  // namespace

}  // namespace migrate_diff_test
