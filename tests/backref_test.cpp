// backref: relationship(&Author::books).backref(&Book::author) declares both sides from
// one of them, and behaves exactly as back_populates: both sides in sync in memory
// before any flush, the other side a many-to-one that loads lazily.
#include "test_support.hpp"

namespace backref_test {

struct Book;

struct Author {
  std::int64_t id = 0;
  std::string name;
  relate::many<Book> books;
};

struct Book {
  std::int64_t id = 0;
  std::optional<std::int64_t> author_id;
  std::string title;
  relate::one<Author> author;
};

namespace {

using relate_test::raw;
using relate_test::Rows;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

relate::MetaData library() {
  relate::MetaData md;
  md.table<Author>("authors", relate::primary_key(&Author::id))
      .table<Book>("books", relate::primary_key(&Book::id),
                   relate::foreign_key(&Book::author_id, &Author::id))
      .relationship(&Author::books)
      .backref(&Book::author)
      .order_by(&Book::id);
  return md;
}

std::vector<std::string> titles(const relate::many<Book>& books) {
  std::vector<std::string> out;
  for (const auto& b : books) out.push_back(b->title);
  return out;
}

class BackrefTest : public relate_test::DatabaseTest {
 protected:
  BackrefTest() : md(create(library())) {}

  // Ann (1) wrote books 1 and 2; Bob (2) wrote none.
  void seed() {
    exec_raw(
        "INSERT INTO authors (id, name) VALUES (1, 'Ann'), (2, 'Bob'); "
        "INSERT INTO books (id, author_id, title) VALUES (1, 1, 'b1'), (2, 1, 'b2');");
    clear();
  }

  relate::MetaData md;
};

TEST_P(BackrefTest, BackrefDeclaresTheOtherSideAsAManyToOne) {
  const relate::Mapper& book = md.mapper<Book>();
  ASSERT_EQ(book.relationships().size(), 1u);
  const relate::RelationshipProperty& author = *book.relationships()[0];
  EXPECT_EQ(author.direction(), relate::RelationshipDirection::many_to_one);
  ASSERT_NE(author.back_populates(), nullptr);
  EXPECT_EQ(author.back_populates()->back_populates(), &author);
}

TEST_P(BackrefTest, AppendingSetsTheBackrefSideImmediately) {
  relate::Session session(engine, md);
  auto ann = session.add(Author{.name = "Ann"});
  auto b1 = ann->books.add(Book{.title = "b1"});
  EXPECT_EQ(raw(b1->author), raw(ann));
  EXPECT_TRUE(statements.empty());
}

TEST_P(BackrefTest, SettingTheBackrefSideAppendsToTheCollection) {
  relate::Session session(engine, md);
  auto ann = session.add(Author{.name = "Ann"});
  auto b1 = session.add(Book{.title = "b1"});
  b1->author = ann;
  EXPECT_THAT(titles(ann->books), ElementsAre("b1"));
}

TEST_P(BackrefTest, ReassigningTheBackrefSideMovesTheBookBetweenCollections) {
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Author>(1);
  auto bob = session.get<Author>(2);
  ASSERT_EQ(ann->books.size(), 2u);
  ann->books[0]->author = bob;
  EXPECT_THAT(titles(ann->books), ElementsAre("b2"));
  EXPECT_THAT(titles(bob->books), ElementsAre("b1"));
  session.commit();
  EXPECT_EQ(rows("SELECT id, author_id FROM books ORDER BY id"), (Rows{{"1", "2"}, {"2", "1"}}));
}

TEST_P(BackrefTest, BackrefSideLoadsLazilyWithOneSelect) {
  seed();
  relate::Session session(engine, md);
  auto b2 = session.get<Book>(2);
  clear();
  ASSERT_TRUE(b2->author);
  EXPECT_EQ(b2->author->name, "Ann");
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(BackrefTest, FlushWritesTheForeignKeySetThroughTheBackref) {
  relate::Session session(engine, md);
  auto b1 = session.add(Book{.title = "b1"});
  b1->author = relate::make(Author{.name = "Ann"});
  session.commit();
  EXPECT_EQ(rows("SELECT title, author_id FROM books"),
            (Rows{{"b1", std::to_string(b1->author->id)}}));
}

TEST_P(BackrefTest, DeletingTheAuthorNullsItsBooks) {
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<Author>(1));
  session.commit();
  EXPECT_EQ(rows("SELECT id, author_id FROM books ORDER BY id"),
            (Rows{{"1", "NULL"}, {"2", "NULL"}}));
}

TEST(BackrefMapping, BackrefToAMemberDeclaredByItsOwnRelationshipIsAMappingError) {
  relate::MetaData md;
  md.table<Author>("authors", relate::primary_key(&Author::id))
      .table<Book>("books", relate::primary_key(&Book::id),
                   relate::foreign_key(&Book::author_id, &Author::id))
      .relationship(&Author::books)
      .backref(&Book::author)
      .relationship(&Book::author);
  try {
    md.configure();
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Book::author"));
  }
}

RELATE_ON_EVERY_BACKEND(BackrefTest);

}  // namespace
}  // namespace backref_test
