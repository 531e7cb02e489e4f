// Joins in ORM queries, as SQLAlchemy 2.0's select(...).join(...): along relationships
// (one-to-many, many-to-one, many-to-many through the association table), outer,
// chained, to an alias (a self-referential model joined to itself), with an explicit
// ON; and relationship predicates any()/has() as correlated EXISTS.
#include "catalog_test.hpp"
#include "test_support.hpp"

namespace query_join_test {

using catalog::Author;
using catalog::Book;
using catalog::Category;
using catalog::Tag;
using relate::col;
using relate::select;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueryJoinTest : public catalog::CatalogTest {};

TEST_P(QueryJoinTest, AManyToOneJoinFiltersOnTheRelatedModelInOneStatement) {
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .join(&Book::author)
                                .where(col(&Author::name) == "Ann")
                                .order_by(&Book::title))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Dune", "Emma", "Zoo"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("JOIN \"authors\" ON"));
}

TEST_P(QueryJoinTest, AOneToManyJoinRepeatsTheParentForEachMatchingChildAsSqlalchemyDoes) {
  relate::Session session(engine, md);
  auto authors = session
                     .scalars(select<Author>()
                                  .join(&Author::books)
                                  .where(col(&Book::year) >= 1999)
                                  .order_by(&Author::name, &Book::title))
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann", "Ann", "Bob"));
  EXPECT_EQ(authors[0], authors[1]);  // one object per row: the identity map
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryJoinTest, DistinctReturnsEachParentOnce) {
  relate::Session session(engine, md);
  auto authors = session
                     .scalars(select<Author>()
                                  .join(&Author::books)
                                  .where(col(&Book::year) >= 1999)
                                  .distinct()
                                  .order_by(&Author::name))
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann", "Bob"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryJoinTest, AManyToManyJoinGoesThroughTheAssociationTable) {
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .join(&Book::tags)
                                .where(col(&Tag::name) == "new")
                                .order_by(&Book::title))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Alps", "Zoo"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("JOIN \"book_tags\""));
}

TEST_P(QueryJoinTest, AnOuterJoinKeepsRowsWithoutAMatch) {
  relate::Session session(engine, md);
  auto rows = session
                  .execute(select(&Author::name, relate::count(&Book::id))
                               .outerjoin(&Author::books)
                               .group_by(&Author::id, &Author::name)
                               .order_by(&Author::name))
                  .all();
  using R = std::tuple<std::string, std::int64_t>;
  EXPECT_THAT(rows, ElementsAre(R{"Ann", 3}, R{"Bob", 1}, R{"Cy", 0}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryJoinTest, JoinsChainFromModelToModel) {
  relate::Session session(engine, md);
  auto authors = session
                     .scalars(select<Author>()
                                  .join(&Author::books)
                                  .join(&Book::tags)
                                  .where(col(&Tag::name) == "old")
                                  .distinct())
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryJoinTest, ASelfReferentialModelJoinsItselfThroughAnAlias) {
  relate::Session session(engine, md);
  auto parent = relate::aliased<Category>();
  auto grandparent = relate::aliased<Category>();
  auto under_fiction = session
                           .scalars(select<Category>()
                                        .join(&Category::parent, parent)
                                        .join(parent(&Category::parent), grandparent)
                                        .where(grandparent(&Category::name) == "Fiction"))
                           .all();
  EXPECT_THAT(names(under_fiction), ElementsAre("Classics"));
  auto children = session
                      .execute(select(&Category::name, parent(&Category::name))
                                   .join(&Category::parent, parent)
                                   .order_by(&Category::name))
                      .all();
  using R = std::tuple<std::string, std::string>;
  EXPECT_THAT(children, ElementsAre(R{"Classics", "Novels"}, R{"Novels", "Fiction"}));
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryJoinTest, JoiningAModelTwiceWithoutAnAliasIsAnArgumentError) {
  relate::Session session(engine, md);
  try {
    session.scalars(select<Category>().join(&Category::parent));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("aliased"));
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(QueryJoinTest, AnExplicitOnConditionJoinsModelsWithoutARelationship) {
  relate::Session session(engine, md);
  // Authors who wrote a book in the year they were born plus 15 (Ann: Dune, 1965).
  auto authors = session
                     .scalars(select<Author>().join<Book>(
                         col(&Book::author_id) == col(&Author::id) &&
                         col(&Book::year) == relate::coalesce(&Author::born, 0) + 15))
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryJoinTest, ReferringToAModelThatIsNotJoinedIsAnArgumentErrorNamingIt) {
  relate::Session session(engine, md);
  try {
    session.scalars(select<Book>().where(col(&Author::name) == "Ann"));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Author::name"));
    EXPECT_THAT(e.what(), HasSubstr("join"));
  }
  EXPECT_TRUE(statements.empty());
}

TEST_P(QueryJoinTest, AnyIsACorrelatedExists) {
  relate::Session session(engine, md);
  auto authors = session
                     .scalars(select<Author>()
                                  .where(col(&Author::books).any(col(&Book::year) == 2019))
                                  .order_by(&Author::name))
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann", "Bob"));
  auto without_books = session.scalars(select<Author>().where(!col(&Author::books).any())).all();
  EXPECT_THAT(names(without_books), ElementsAre("Cy"));
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], HasSubstr("EXISTS (SELECT 1 FROM \"books\""));
}

TEST_P(QueryJoinTest, HasTestsTheManyToOneSide) {
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .where(col(&Book::author).has(col(&Author::born) < 1960))
                                .order_by(&Book::title))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Dune", "Emma", "Zoo"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryJoinTest, AnyThroughAManyToManyAndOfASelfReferentialCollection) {
  relate::Session session(engine, md);
  auto tagged = session
                    .scalars(select<Book>()
                                 .where(col(&Book::tags).any(col(&Tag::name) == "old"))
                                 .order_by(&Book::title))
                    .all();
  EXPECT_THAT(names(tagged), ElementsAre("Dune", "Emma"));
  auto with_children =
      session
          .scalars(
              select<Category>().where(col(&Category::children).any()).order_by(&Category::name))
          .all();
  EXPECT_THAT(names(with_children), ElementsAre("Fiction", "Novels"));
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryJoinTest, AJoinedQueryStillLoadsRelationshipsWithLoaderOptions) {
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .join(&Book::author)
                                .where(col(&Author::name) == "Bob")
                                .options(relate::joinedload(&Book::author),
                                         relate::selectinload(&Book::tags)))
                   .all();
  ASSERT_EQ(books.size(), 1u);
  EXPECT_EQ(statements.size(), 2u);
  EXPECT_EQ(books[0]->author->name, "Bob");
  ASSERT_EQ(books[0]->tags.size(), 1u);
  EXPECT_EQ(books[0]->tags[0]->name, "new");
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryJoinTest, ALimitWithAJoinedCollectionKeepsAnOrderByAJoinedColumnOrAnExpression) {
  // The LIMIT counts books, so the query of books becomes a subquery and the tags
  // join outside it; the order must stay the one asked for.
  relate::Session session(engine, md);
  auto by_author = session
                       .scalars(select<Book>()
                                    .join(&Book::author)
                                    .order_by(relate::asc(&Author::id), relate::desc(&Book::id))
                                    .limit(2)
                                    .options(relate::joinedload(&Book::tags)))
                       .all();
  EXPECT_THAT(names(by_author), ElementsAre("Zoo", "Emma"));
  EXPECT_EQ(by_author[0]->tags.size(), 1u);

  auto by_name = session
                     .scalars(select<Book>()
                                  .join(&Book::author)
                                  .order_by(relate::desc(&Author::name), relate::asc(&Book::title))
                                  .limit(2)
                                  .options(relate::joinedload(&Book::tags)))
                     .all();
  EXPECT_THAT(names(by_name), ElementsAre("Alps", "Dune"));

  auto by_lower = session
                      .scalars(select<Book>()
                                   .order_by(relate::lower(col(&Book::title)).desc())
                                   .limit(2)
                                   .options(relate::joinedload(&Book::tags)))
                      .all();
  EXPECT_THAT(names(by_lower), ElementsAre("Zoo", "Emma"));
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(QueryJoinTest, AParentTheJoinRepeatsLoadsItsCollectionOnceKeepingUnflushedChanges) {
  // Ann comes in three rows; selectin loaded her books once per row, and the second
  // load dropped the book linked while they were unloaded.
  relate::Session session(engine, md);
  auto ann = session.get<Author>(1);
  auto hold = session.no_autoflush();  // the new book stays unflushed through the query
  auto fresh = session.add(Book{.title = "New", .year = 2024});
  fresh->author = ann;  // queued on ann->books, not loaded yet
  auto authors = session
                     .scalars(select<Author>()
                                  .join(&Author::books)
                                  .where(col(&Author::id) == 1)
                                  .options(relate::selectinload(&Author::books)))
                     .all();
  ASSERT_EQ(authors.size(), 3u);
  EXPECT_THAT(names(std::vector<relate::ptr<Book>>(ann->books.begin(), ann->books.end())),
              ElementsAre("Dune", "Emma", "Zoo", "New"));
  session.commit();
  EXPECT_EQ(rows("SELECT author_id FROM books WHERE title = 'New'"), (relate_test::Rows{{"1"}}));
  EXPECT_EQ(statements.size(), 4u);
}

RELATE_ON_EVERY_BACKEND(QueryJoinTest);

}  // namespace query_join_test
