// Subqueries and CTEs of a column select as FROM sources, their rows read as a row
// struct's (SQLAlchemy 2.0's select(...).subquery() and .cte() with their .c columns):
// joined to models ON a condition, selected from, aggregated over, recursive; what
// they refuse.
#include <relate/orm/cte.hpp>
#include <relate/orm/subquery.hpp>

#include "catalog_test.hpp"

namespace query_row_subquery_test {

using catalog::Author;
using catalog::Book;
using catalog::Category;
using relate::col;
using relate::select;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The rows of "books per author".
struct BookCount {
  std::int64_t author_id = 0;
  std::int64_t books = 0;
};

// A category and how far below the walk's start it is.
struct Level {
  std::int64_t id = 0;
  std::int64_t depth = 0;
};

class QueryRowSubqueryTest : public catalog::CatalogTest {
 protected:
  static auto book_counts() {
    return select(&Book::author_id, relate::count(&Book::id)).group_by(&Book::author_id);
  }
};

TEST_P(QueryRowSubqueryTest, ASubqueryOfColumnsJoinsAModelOnACondition) {
  relate::Session session(engine, md);
  auto counts = relate::subquery<BookCount>(book_counts());
  auto rows = session
                  .execute(select(&Author::name, counts(&BookCount::books))
                               .join(counts, col(&Author::id) == counts(&BookCount::author_id))
                               .order_by(&Author::name))
                  .all();
  EXPECT_EQ(rows, (std::vector<std::tuple<std::string, std::int64_t>>{{"Ann", 3}, {"Bob", 1}}));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("JOIN (SELECT "));
  EXPECT_THAT(statements[0], HasSubstr(" AS "));
}

TEST_P(QueryRowSubqueryTest, AnOuterJoinToASubqueryKeepsRowsWithoutAMatch) {
  relate::Session session(engine, md);
  auto counts = relate::subquery<BookCount>(book_counts(), "counts");
  auto rows = session
                  .execute(select(&Author::name, relate::coalesce(counts(&BookCount::books), 0))
                               .outerjoin(counts, col(&Author::id) == counts(&BookCount::author_id))
                               .order_by(&Author::name))
                  .all();
  EXPECT_EQ(rows, (std::vector<std::tuple<std::string, std::int64_t>>{
                      {"Ann", 3}, {"Bob", 1}, {"Cy", 0}}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowSubqueryTest, ASelectFromASubqueryFiltersAndAggregatesItsRows) {
  relate::Session session(engine, md);
  auto counts = relate::subquery<BookCount>(book_counts());
  EXPECT_EQ(
      session.scalars(select(counts(&BookCount::author_id)).where(counts(&BookCount::books) > 1)),
      (std::vector<std::int64_t>{1}));
  EXPECT_EQ(session.scalar(select(relate::max(counts(&BookCount::books))).select_from(counts)), 3);
  EXPECT_EQ(session.scalar(select(relate::count()).select_from(counts)), 2);
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(QueryRowSubqueryTest, ObjectsFilterOnAJoinedSubquery) {
  relate::Session session(engine, md);
  auto counts = relate::subquery<BookCount>(book_counts());
  auto prolific = session
                      .scalars(select<Author>()
                                   .join(counts, col(&Author::id) == counts(&BookCount::author_id))
                                   .where(counts(&BookCount::books) >= 2))
                      .all();
  EXPECT_THAT(names(prolific), ElementsAre("Ann"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowSubqueryTest, ACteOfColumnsIsAWithEntryOfTheStatement) {
  relate::Session session(engine, md);
  auto counts = relate::cte<BookCount>("counts", book_counts());
  auto rows = session
                  .execute(select(&Author::name, counts(&BookCount::books))
                               .join(counts, col(&Author::id) == counts(&BookCount::author_id))
                               .order_by(&Author::name))
                  .all();
  EXPECT_EQ(rows, (std::vector<std::tuple<std::string, std::int64_t>>{{"Ann", 3}, {"Bob", 1}}));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].rfind("WITH ", 0), 0u) << statements[0];
}

TEST_P(QueryRowSubqueryTest, ARecursiveCteOfColumnsCountsTheDepthOfATree) {
  relate::Session session(engine, md);
  auto walk = relate::cte<Level>(
      "walk", select(&Category::id, col(&Category::id) * 0).where(col(&Category::id) == 1));
  walk.union_all(select(&Category::id, walk(&Level::depth) + 1)
                     .join(walk, col(&Category::parent_id) == walk(&Level::id)));
  auto rows = session
                  .execute(select(&Category::name, walk(&Level::depth))
                               .join(walk, col(&Category::id) == walk(&Level::id))
                               .order_by(walk(&Level::depth)))
                  .all();
  EXPECT_EQ(rows, (std::vector<std::tuple<std::string, std::int64_t>>{
                      {"Fiction", 0}, {"Novels", 1}, {"Classics", 2}}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowSubqueryTest, RowsOfASubqueryReadIntoTheirStruct) {
  relate::Session session(engine, md);
  auto counts = relate::subquery<BookCount>(book_counts());
  auto rows = session
                  .execute(select(counts(&BookCount::author_id), counts(&BookCount::books))
                               .order_by(counts(&BookCount::author_id)))
                  .as<BookCount>();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].author_id, 1);
  EXPECT_EQ(rows[0].books, 3);
  EXPECT_EQ(rows[1].books, 1);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowSubqueryTest, ASubqueryJoinedTwiceIsRefused) {
  relate::Session session(engine, md);
  auto counts = relate::subquery<BookCount>(book_counts());
  EXPECT_THROW(
      session.execute(select(&Author::name)
                          .join(counts, col(&Author::id) == counts(&BookCount::author_id))
                          .join(counts, col(&Author::id) == counts(&BookCount::author_id))),
      relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

TEST_P(QueryRowSubqueryTest, AColumnOfASubqueryTheQueryDoesNotReadIsRefused) {
  relate::Session session(engine, md);
  auto counts = relate::subquery<BookCount>(book_counts());
  EXPECT_THROW(session.execute(select(&Author::name).where(counts(&BookCount::books) > 1)),
               relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

RELATE_ON_EVERY_BACKEND(QueryRowSubqueryTest);

}  // namespace query_row_subquery_test
