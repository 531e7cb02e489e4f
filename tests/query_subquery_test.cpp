// Subqueries in ORM queries, as SQLAlchemy 2.0's: IN (select ...), NOT IN, a scalar
// subquery in the select list or a condition, and EXISTS; correlated to the query
// around them when they name a model they do not select from.
#include "catalog_test.hpp"

namespace query_subquery_test {

using catalog::Author;
using catalog::Book;
using relate::col;
using relate::select;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QuerySubqueryTest : public catalog::CatalogTest {};

TEST_P(QuerySubqueryTest, InASubqueryFiltersOnItsRowsInOneStatement) {
  relate::Session session(engine, md);
  auto authors =
      session
          .scalars(select<Author>()
                       .where(col(&Author::id).in(
                           select(&Book::author_id).where(col(&Book::year) == 2019)))
                       .order_by(&Author::name))
          .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann", "Bob"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr(" IN (SELECT "));
}

TEST_P(QuerySubqueryTest, NotInASubqueryKeepsTheOtherRows) {
  relate::Session session(engine, md);
  auto authors =
      session.scalars(select<Author>().where(col(&Author::id).not_in(select(&Book::author_id))))
          .all();
  EXPECT_THAT(names(authors), ElementsAre("Cy"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QuerySubqueryTest, ACorrelatedScalarSubqueryCountsPerRow) {
  relate::Session session(engine, md);
  auto rows = session
                  .execute(select(&Author::name,
                                  select(relate::count(&Book::id))
                                      .where(col(&Book::author_id) == col(&Author::id))
                                      .scalar_subquery())
                               .order_by(&Author::name))
                  .all();
  using Row = std::tuple<std::string, std::optional<std::int64_t>>;
  EXPECT_THAT(rows, ElementsAre(Row{"Ann", 3}, Row{"Bob", 1}, Row{"Cy", 0}));
  ASSERT_EQ(statements.size(), 1u);
}

TEST_P(QuerySubqueryTest, AScalarSubqueryComparesInACondition) {
  // Books dearer than the average book (12.1875).
  relate::Session session(engine, md);
  auto books =
      session
          .scalars(select<Book>().where(col(&Book::price) >
                                        select(relate::avg(&Book::price)).scalar_subquery()))
          .all();
  EXPECT_THAT(names(books), ElementsAre("Zoo"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QuerySubqueryTest, AScalarSubqueryWithoutARowIsNull) {
  relate::Session session(engine, md);
  auto rows = session
                  .execute(select(&Author::name, select(&Book::title)
                                                     .where(col(&Book::author_id) == col(&Author::id))
                                                     .where(col(&Book::year) < 1970)
                                                     .scalar_subquery())
                               .order_by(&Author::name))
                  .all();
  using Row = std::tuple<std::string, std::optional<std::string>>;
  EXPECT_THAT(rows,
              ElementsAre(Row{"Ann", "Dune"}, Row{"Bob", std::nullopt}, Row{"Cy", std::nullopt}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QuerySubqueryTest, ExistsOfACorrelatedQuery) {
  relate::Session session(engine, md);
  const auto recent = select<Book>().where(col(&Book::author_id) == col(&Author::id) &&
                                           col(&Book::year) > 2000);
  auto with = session.scalars(select<Author>().where(recent.exists()).order_by(&Author::name))
                  .all();
  EXPECT_THAT(names(with), ElementsAre("Ann", "Bob"));
  auto without = session.scalars(select<Author>().where(!relate::exists(recent))).all();
  EXPECT_THAT(names(without), ElementsAre("Cy"));
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], HasSubstr("EXISTS (SELECT 1 FROM \"books\""));
}

TEST_P(QuerySubqueryTest, InASubqueryWithALimitWorksOnEveryBackend) {
  // MySQL and MariaDB refuse LIMIT in an IN subquery: Relate wraps it in a derived
  // table there.
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .where(col(&Book::id).in(
                                    select(&Book::id).order_by(relate::desc(&Book::price)).limit(2)))
                                .order_by(&Book::title))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Emma", "Zoo"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QuerySubqueryTest, AMemberOfAModelNeitherQuerySelectsFromIsAnArgumentError) {
  relate::Session session(engine, md);
  try {
    session.scalars(select<Book>().where(
                        col(&Book::id).in(select(&Book::id).where(col(&catalog::Tag::name) == "x"))))
        .all();
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("catalog::Tag::name"));
  }
  EXPECT_EQ(statements.size(), 0u);
}

// The two newest books (Zoo and Alps, 2019) as a FROM source.
relate::Subquery<Book> newest_two() {
  return relate::subquery(
      select<Book>().order_by(relate::desc(&Book::year), relate::asc(&Book::id)).limit(2));
}

TEST_P(QuerySubqueryTest, AQueryOfAModelsRowsIsAFromSourceWhoseLimitAppliesFirst) {
  relate::Session session(engine, md);
  auto newest = newest_two();
  // Filtered outside the LIMIT: of the two newest, the cheap one (Dune, cheaper, is not
  // among them).
  auto cheap = session.scalars(select(newest).where(newest(&Book::price) < 10.0)).all();
  EXPECT_THAT(names(cheap), ElementsAre("Alps"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("FROM (SELECT "));
  EXPECT_THAT(statements[0], HasSubstr(" AS \"anon_a1\""));
  // Loaded through the identity map.
  EXPECT_EQ(session.get<Book>(std::int64_t{4}), cheap[0]);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QuerySubqueryTest, ASubqueryIsCountedJoinedAlongItsRelationshipsAndJoinedOnACondition) {
  relate::Session session(engine, md);
  auto newest = newest_two();
  EXPECT_EQ(session.scalar(select(relate::count()).select_from(newest)), 2);

  auto writers = session.scalars(select(&Author::name)
                                     .select_from(newest)
                                     .join(newest(&Book::author))
                                     .order_by(&Author::name));
  EXPECT_THAT(writers, ElementsAre("Ann", "Bob"));

  auto named = relate::subquery(select<Book>().where(col(&Book::year) < 2000), "old_books");
  auto authors = session
                     .scalars(select<Author>()
                                  .join(named, col(&Author::id) == named(&Book::author_id))
                                  .distinct())
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann"));
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_THAT(statements[2], HasSubstr(") AS \"old_books\" ON "));
}

TEST_P(QuerySubqueryTest, ASubqueryOfASubqueryAndTwoSubqueriesInOneStatement) {
  relate::Session session(engine, md);
  auto newest = newest_two();
  auto by_ann = relate::subquery(select(newest).where(newest(&Book::author_id) == 1));
  auto books = session.scalars(select(by_ann)).all();
  EXPECT_THAT(names(books), ElementsAre("Zoo"));

  auto old = relate::subquery(select<Book>().where(col(&Book::year) < 2000));
  auto rows = session
                  .execute(select(newest(&Book::title), old(&Book::title))
                               .select_from(newest)
                               .join(old, newest(&Book::author_id) == old(&Book::author_id))
                               .order_by(newest(&Book::title), old(&Book::title)))
                  .all();
  using R = std::tuple<std::string, std::string>;
  EXPECT_THAT(rows, ElementsAre(R{"Zoo", "Dune"}, R{"Zoo", "Emma"}));
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QuerySubqueryTest, ARelationshipJoinsToASubqueryOfItsTarget) {
  relate::Session session(engine, md);
  auto newest = newest_two();
  auto authors = session
                     .scalars(select<Author>()
                                  .join(&Author::books, newest)
                                  .where(newest(&Book::price) > 10.0)
                                  .order_by(&Author::name))
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann"));  // Zoo; Emma is not among the newest
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QuerySubqueryTest, ASubqueryNamedAsAnotherEntryOfItsSelectIsRefusedBeforeAnySql) {
  relate::Session session(engine, md);
  auto named_books = relate::subquery(select<Author>().where(col(&Author::name) == "Ann"), "books");
  try {
    session
        .scalars(select<Book>().join(named_books, col(&Book::author_id) == named_books(&Author::id)))
        .all();
    FAIL() << "no error";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("two FROM entries of one SELECT are named 'books'"));
  }
  EXPECT_TRUE(statements.empty());
  // In a SELECT of its own, the name is free.
  auto newest = relate::subquery(
      select<Book>().order_by(relate::desc(&Book::year), relate::asc(&Book::id)).limit(1), "books");
  EXPECT_THAT(names(session.scalars(select(newest)).all()), ElementsAre("Zoo"));
}

RELATE_ON_EVERY_BACKEND(QuerySubqueryTest);

}  // namespace query_subquery_test
