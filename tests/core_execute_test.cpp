// The ORM's typed statements on a Connection, without a Session
// (relate/orm/core_execute.hpp), as SQLAlchemy 2.0's Core takes statements on mapped
// classes: the same expressions, resolved through the MetaData, one statement each.
#include "catalog_test.hpp"
#include "test_support.hpp"

namespace core_execute_test {

using catalog::Author;
using catalog::Book;
using catalog::Tag;
using relate::col;
using relate::select;
using relate_test::Rows;

class CoreExecuteTest : public catalog::CatalogTest {};

// A model the catalog's MetaData does not map.
struct Stray {
  std::int64_t id = 0;
};

TEST_P(CoreExecuteTest, AColumnSelectWithAJoinAndAnAggregateGivesTypedRows) {
  relate::Connection conn = engine.connect();
  clear();
  auto rows = relate::execute(conn, md,
                              select(&Author::name, relate::count(&Book::id))
                                  .join(&Author::books)
                                  .where(col(&Book::year) > 1960)
                                  .group_by(&Author::name)
                                  .order_by(&Author::name));
  EXPECT_EQ(rows.all(),
            (std::vector<std::tuple<std::string, std::int64_t>>{{"Ann", 3}, {"Bob", 1}}));
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(relate::scalar(conn, md, select(relate::count()).select_from<Book>()), 4);
  EXPECT_EQ(
      relate::scalars(conn, md,
                      select(&Book::title).where(col(&Book::year) == 2019).order_by(&Book::title)),
      (std::vector<std::string>{"Alps", "Zoo"}));
}

TEST_P(CoreExecuteTest, ABulkUpdateWithArithmeticChangesTheMatchingRows) {
  relate::Connection conn = engine.connect();
  clear();
  const std::int64_t matched = relate::execute(conn, md,
                                               relate::update<Book>()
                                                   .where(col(&Book::year) == 2019)
                                                   .set(&Book::price, col(&Book::price) * 0.5));
  EXPECT_EQ(matched, 2);
  EXPECT_EQ(statements.size(), 1u);  // no SELECT of keys: nothing to synchronize
  EXPECT_EQ(rows("SELECT id, price FROM books WHERE year = 2019 ORDER BY id"),
            (Rows{{"3", "10.0"}, {"4", "3.625"}}));
}

TEST_P(CoreExecuteTest, ATypedExpressionInAPlainCoreStatementIsRefusedSayingWhatResolvesIt) {
  relate::Connection conn = engine.connect();
  relate::sql::Select plain = relate::sql::select(md.get_table("books"));
  plain.where = (col(&Book::year) == 2019).expr();
  clear();
  try {
    conn.execute(plain);
    FAIL() << "a member cannot become a column without the MetaData";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("Book::year"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("relate::execute(connection, metadata"));
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(CoreExecuteTest, ABulkDeleteInTheConnectionsTransactionGoesWithItsRollback) {
  relate::Connection conn = engine.connect();
  conn.begin();
  conn.execute("DELETE FROM book_tags");
  EXPECT_EQ(relate::execute(conn, md, relate::delete_<Book>().where(col(&Book::year) == 2019)), 2);
  EXPECT_EQ(relate::scalar(conn, md, select(relate::count()).select_from<Book>()), 2);
  conn.rollback();
  EXPECT_EQ(count_rows("books"), 4);
  EXPECT_EQ(count_rows("book_tags"), 4);
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(CoreExecuteTest, AnUpsertInsertsOrUpdatesOnTheUniqueKey) {
  relate::Connection conn = engine.connect();
  relate::execute(conn, md,
                  relate::upsert(std::vector<Tag>{{.name = "old"}, {.name = "rare"}})
                      .on_conflict(&Tag::name)
                      .do_nothing());
  EXPECT_EQ(rows("SELECT name FROM tags ORDER BY name"), (Rows{{"new"}, {"old"}, {"rare"}}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(CoreExecuteTest, AMemberOfAModelTheMetaDataDoesNotMapIsRefusedNamingIt) {
  relate::Connection conn = engine.connect();
  clear();
  EXPECT_THROW(
      relate::execute(
          conn, md,
          relate::update<Book>().set(&Book::price, 1.0).where(col(&Author::name) == "Ann")),
      relate::ArgumentError);
  EXPECT_THROW(relate::execute(conn, md, select(&Book::title).where(col(&Stray::id) == 1)),
               relate::Error);
  EXPECT_THROW(relate::execute(conn, md, relate::update<Book>()), relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
  EXPECT_EQ(count_rows("books"), 4);
}

RELATE_ON_EVERY_BACKEND(CoreExecuteTest);

}  // namespace core_execute_test
