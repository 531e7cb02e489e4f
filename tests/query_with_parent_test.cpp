// with_parent, as SQLAlchemy's: the rows one object's relationship holds, as a condition
// on the relationship's target, along a one-to-many, a many-to-one, a many-to-many
// (both sides) and to an alias; a NULL foreign key matches nothing; the key is read
// when the query runs; what it refuses.
#include "catalog_test.hpp"

namespace query_with_parent_test {

using catalog::Author;
using catalog::Book;
using catalog::Category;
using catalog::Tag;
using relate::col;
using relate::select;
using relate::with_parent;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueryWithParentTest : public catalog::CatalogTest {};

TEST_P(QueryWithParentTest, TheBooksOfAnAuthorFilteredFurther) {
  relate::Session session(engine, md);
  auto ann = session.get<Author>(std::int64_t{1});
  clear();
  auto books = session
                   .scalars(select<Book>()
                                .where(with_parent(ann, &Author::books))
                                .where(col(&Book::year) > 1990)
                                .order_by(&Book::id))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Emma", "Zoo"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("\"books\".\"author_id\" = ?"));
}

TEST_P(QueryWithParentTest, TheAuthorOfABookThroughItsForeignKey) {
  relate::Session session(engine, md);
  auto alps = session.get<Book>(std::int64_t{4});
  auto authors = session.scalars(select<Author>().where(with_parent(alps, &Book::author))).all();
  EXPECT_THAT(names(authors), ElementsAre("Bob"));
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryWithParentTest, AManyToManyTestsItsAssociationTableFromEitherSide) {
  relate::Session session(engine, md);
  auto old = session.get<Tag>(std::int64_t{1});
  auto books =
      session.scalars(select<Book>().where(with_parent(old, &Tag::books)).order_by(&Book::id)).all();
  EXPECT_THAT(names(books), ElementsAre("Dune", "Emma"));
  auto zoo = session.get<Book>(std::int64_t{3});
  auto tags = session.scalars(select<Tag>().where(with_parent(zoo, &Book::tags))).all();
  EXPECT_THAT(names(tags), ElementsAre("new"));
  EXPECT_EQ(statements.size(), 4u);
}

TEST_P(QueryWithParentTest, AnAliasOfTheTargetTakesTheCondition) {
  relate::Session session(engine, md);
  auto fiction = session.get<Category>(std::int64_t{1});
  auto kid = relate::aliased<Category>();
  auto found = session
                   .scalars(select<Category>()
                                .select_from(kid)
                                .where(with_parent(fiction, &Category::children, kid)))
                   .all();
  EXPECT_THAT(names(found), ElementsAre("Novels"));
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryWithParentTest, ANullForeignKeyMatchesNothing) {
  // Zoo has no category: its category_id is NULL, which relates no row.
  relate::Session session(engine, md);
  auto zoo = session.get<Book>(std::int64_t{3});
  clear();
  auto found = session.scalars(select<Category>().where(with_parent(zoo, &Book::category))).all();
  EXPECT_TRUE(found.empty());
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("1 = 0"));
}

TEST_P(QueryWithParentTest, TheKeyIsReadWhenTheQueryRuns) {
  relate::Session session(engine, md);
  auto dan = session.add(Author{.name = "Dan"});
  dan->books.add(Book{.title = "Wave", .year = 2020});
  const auto of_dan = with_parent(dan, &Author::books);  // dan has no key yet
  session.flush();
  auto books = session.scalars(select<Book>().where(of_dan)).all();
  EXPECT_THAT(names(books), ElementsAre("Wave"));
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(QueryWithParentTest, ATargetTheQueryDoesNotSelectIsAnArgumentError) {
  relate::Session session(engine, md);
  auto ann = session.get<Author>(std::int64_t{1});
  clear();
  try {
    session.scalars(select<Author>().where(with_parent(ann, &Author::books))).all();
    FAIL() << "expected ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("with_parent("));
    EXPECT_THAT(e.what(), HasSubstr("does not select from or join"));
  }
  EXPECT_TRUE(statements.empty());
}

TEST_P(QueryWithParentTest, ANullObjectIsAnArgumentError) {
  relate::Session session(engine, md);
  relate::ptr<Author> nobody;
  EXPECT_THROW(session.scalars(select<Book>().where(with_parent(nobody, &Author::books))).all(),
               relate::ArgumentError);
  EXPECT_EQ(statements.size(), 0u);
}

RELATE_ON_EVERY_BACKEND(QueryWithParentTest);

}  // namespace query_with_parent_test
