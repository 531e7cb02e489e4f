// contains_eager, as SQLAlchemy's: a relationship filled from the rows the query already
// joins, so one statement filters on the related rows and loads them. Many-to-one,
// collections (holding the rows the query kept), many-to-many, outer joins, an alias of
// a self-referential model, a chain of two joins; what it refuses.
#include "catalog_test.hpp"

namespace query_contains_eager_test {

using catalog::Author;
using catalog::Book;
using catalog::Category;
using catalog::Tag;
using relate::col;
using relate::contains_eager;
using relate::select;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueryContainsEagerTest : public catalog::CatalogTest {};

TEST_P(QueryContainsEagerTest, AManyToOneComesFromTheQuerysOwnJoin) {
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .join(&Book::author)
                                .where(col(&Author::name) == "Ann")
                                .order_by(&Book::id)
                                .options(contains_eager(&Book::author)))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Dune", "Emma", "Zoo"));
  ASSERT_EQ(statements.size(), 1u);
  // One join: the query's own, none added.
  EXPECT_EQ(statements[0].find("JOIN"), statements[0].rfind("JOIN"));
  for (const auto& b : books) {
    ASSERT_TRUE(b->author.get());
    EXPECT_EQ(b->author->name, "Ann");
  }
  EXPECT_TRUE(books[0]->author.get() == books[2]->author.get());  // one object per row
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryContainsEagerTest, ACollectionHoldsTheRowsTheQueryKept) {
  // SQLAlchemy's contains_eager too: the filter decides what the collection holds.
  relate::Session session(engine, md);
  auto authors = session
                     .scalars(select<Author>()
                                  .join(&Author::books)
                                  .where(col(&Book::year) == 2019)
                                  .order_by(&Author::id)
                                  .options(contains_eager(&Author::books)))
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann", "Bob"));
  std::vector<std::string> ann, bob;
  for (const auto& b : authors[0]->books) ann.push_back(b->title);
  for (const auto& b : authors[1]->books) bob.push_back(b->title);
  EXPECT_THAT(ann, ElementsAre("Zoo"));
  EXPECT_THAT(bob, ElementsAre("Alps"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryContainsEagerTest, AnOuterJoinLeavesAnAuthorWithoutBooksLoadedEmpty) {
  relate::Session session(engine, md);
  auto authors = session
                     .scalars(select<Author>()
                                  .outerjoin(&Author::books)
                                  .order_by(&Author::id, &Book::id)
                                  .options(contains_eager(&Author::books)))
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann", "Bob", "Cy"));
  EXPECT_EQ(authors[0]->books.size(), 3u);
  EXPECT_EQ(authors[1]->books.size(), 1u);
  EXPECT_TRUE(authors[2]->books.empty());
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryContainsEagerTest, AManyToManyComesThroughTheAssociationTheQueryJoined) {
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .join(&Book::tags)
                                .where(col(&Tag::name) == "new")
                                .order_by(&Book::id)
                                .options(contains_eager(&Book::tags)))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Zoo", "Alps"));
  for (const auto& b : books) {
    ASSERT_EQ(b->tags.size(), 1u);
    EXPECT_EQ((*b->tags.begin())->name, "new");
  }
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryContainsEagerTest, AnAliasOfASelfReferentialModelNamesTheRows) {
  relate::Session session(engine, md);
  auto parent = relate::aliased<Category>();
  auto found = session
                   .scalars(select<Category>()
                                .join(&Category::parent, parent)
                                .where(parent(&Category::name) == "Fiction")
                                .options(contains_eager(&Category::parent, parent)))
                   .all();
  EXPECT_THAT(names(found), ElementsAre("Novels"));
  ASSERT_TRUE(found[0]->parent.get());
  EXPECT_EQ(found[0]->parent->name, "Fiction");
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryContainsEagerTest, AnAliasJoinedOnAConditionNamesTheRowsToo) {
  relate::Session session(engine, md);
  auto writer = relate::aliased<Author>();
  auto books = session
                   .scalars(select<Book>()
                                .join(writer, col(&Book::author_id) == writer(&Author::id))
                                .where(writer(&Author::name) == "Bob")
                                .options(contains_eager(&Book::author, writer)))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Alps"));
  ASSERT_TRUE(books[0]->author.get());
  EXPECT_EQ(books[0]->author->name, "Bob");
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryContainsEagerTest, TwoJoinsInAChainFillTwoLevels) {
  relate::Session session(engine, md);
  auto authors = session
                     .scalars(select<Author>()
                                  .join(&Author::books)
                                  .join(&Book::tags)
                                  .where(col(&Tag::name) == "new")
                                  .order_by(&Author::id)
                                  .options(contains_eager(&Author::books)
                                               .contains_eager(&Book::tags)))
                     .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann", "Bob"));
  ASSERT_EQ(authors[0]->books.size(), 1u);
  const auto& zoo = *authors[0]->books.begin();
  EXPECT_EQ(zoo->title, "Zoo");
  ASSERT_EQ(zoo->tags.size(), 1u);
  EXPECT_EQ((*zoo->tags.begin())->name, "new");
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryContainsEagerTest, OtherOptionsBelowItLoadAsTheySay) {
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .join(&Book::author)
                                .where(col(&Author::name) == "Bob")
                                .options(contains_eager(&Book::author)
                                             .selectinload(&Author::books)))
                   .all();
  ASSERT_EQ(books.size(), 1u);
  EXPECT_EQ(statements.size(), 2u);  // the query, then the selectin of Bob's books
  EXPECT_EQ(books[0]->author->books.size(), 1u);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryContainsEagerTest, ARelationshipLoadedBeforeIsLeftAsItIs) {
  // As SQLAlchemy without populate_existing: the object in memory keeps what it holds.
  relate::Session session(engine, md);
  auto ann = session.get<Author>(std::int64_t{1});
  ASSERT_EQ(ann->books.size(), 3u);
  auto authors = session
                     .scalars(select<Author>()
                                  .join(&Author::books)
                                  .where(col(&Book::year) == 2019)
                                  .where(col(&Author::id) == 1)
                                  .options(contains_eager(&Author::books)))
                     .all();
  ASSERT_EQ(authors.size(), 1u);
  EXPECT_TRUE(authors[0] == ann);
  EXPECT_EQ(ann->books.size(), 3u);
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(QueryContainsEagerTest, WithoutTheJoinItIsAnArgumentErrorNamingTheRelationship) {
  relate::Session session(engine, md);
  try {
    session.scalars(select<Book>().options(contains_eager(&Book::author))).all();
    FAIL() << "expected ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Book.author): "));
    EXPECT_THAT(e.what(), HasSubstr("does not join it"));
  }
  EXPECT_TRUE(statements.empty());
}

TEST_P(QueryContainsEagerTest, AnAliasTheQueryDoesNotJoinIsAnArgumentError) {
  relate::Session session(engine, md);
  auto parent = relate::aliased<Category>();
  EXPECT_THROW(session.scalars(select<Category>().options(contains_eager(&Category::parent, parent)))
                   .all(),
               relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

TEST_P(QueryContainsEagerTest, ALimitThatMovesTheJoinsIntoASubqueryIsAnArgumentError) {
  // A joined collection under a LIMIT moves the query (its joins too) into a subquery;
  // the author's columns are out of reach there, which the option says before any SQL.
  relate::Session session(engine, md);
  EXPECT_THROW(session
                   .scalars(select<Book>()
                                .join(&Book::author)
                                .limit(2)
                                .options(contains_eager(&Book::author),
                                         relate::joinedload(&Book::tags)))
                   .all(),
               relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

RELATE_ON_EVERY_BACKEND(QueryContainsEagerTest);

}  // namespace query_contains_eager_test
