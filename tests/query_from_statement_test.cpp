// Objects from raw SQL, as SQLAlchemy's select(Book).from_statement(text(...)): the
// statement runs as written, its columns are found by name, and its rows become
// objects through the identity map.
#include "catalog_test.hpp"

namespace query_from_statement_test {

using catalog::Author;
using catalog::Book;
using relate::select;
using relate::text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueryFromStatementTest : public catalog::CatalogTest {};

TEST_P(QueryFromStatementTest, RawSqlRowsBecomeObjectsThroughTheIdentityMap) {
  relate::Session session(engine, md);
  auto held = session.get<Book>(2);
  auto hold = session.no_autoflush();  // the change stays unflushed through the query
  held->title = "Emma (unsaved)";
  clear();
  auto books =
      session
          .scalars(select<Book>().from_statement(
              text("SELECT * FROM books WHERE year > :year ORDER BY id").bind("year", 1990)))
          .all();
  EXPECT_THAT(names(books), ElementsAre("Emma (unsaved)", "Zoo", "Alps"));
  EXPECT_TRUE(books[0] == held);  // the held object keeps what it shows
  EXPECT_EQ(books[2]->price, 7.25);
  EXPECT_EQ(books[2]->author_id, 2);
  EXPECT_EQ(books[1].state()->status(), relate::ObjectStatus::persistent);
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_TRUE(session.get<Book>(3) == books[1]);  // in the identity map: no statement
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryFromStatementTest, AStatementThatMatchesNoRowGivesNoObject) {
  relate::Session session(engine, md);
  EXPECT_EQ(session.scalars(select<Book>().from_statement(text("SELECT * FROM books WHERE id < 0")))
                .size(),
            0u);
  // A statement without rows at all is refused, as SQLAlchemy's ResourceClosedError.
  EXPECT_THROW(session.scalars(select<Book>().from_statement(
                   text("UPDATE books SET year = year WHERE id < 0"))),
               relate::ArgumentError);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryFromStatementTest, ColumnsAreFoundByNameInAnyOrderAndCase) {
  // PostgreSQL folds the unquoted YEAR and Title to lower case, the others keep them.
  relate::Session session(engine, md);
  auto book = session
                  .scalars(select<Book>().from_statement(
                      text("SELECT 'x' AS extra, price, YEAR, Title, category_id, author_id, id "
                           "FROM books WHERE id = :id")
                          .bind("id", 4)))
                  .one();
  EXPECT_EQ(book->id, 4);
  EXPECT_EQ(book->title, "Alps");
  EXPECT_EQ(book->year, 2019);
  EXPECT_EQ(book->category_id, 4);
  EXPECT_EQ(book->price, 7.25);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryFromStatementTest, AMissingColumnIsRefusedNamingItAndTheRowsColumns) {
  relate::Session session(engine, md);
  try {
    session.scalars(select<Book>().from_statement(text("SELECT id, title FROM books")));
    FAIL() << "no error";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("have no column 'author_id' of table 'books'"));
    EXPECT_THAT(e.what(), HasSubstr("(the rows have: id, title)"));
  }
  // The Session goes on.
  EXPECT_EQ(session.scalars(select<Book>()).size(), 4u);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryFromStatementTest, AColumnNameTheRowsHoldTwiceIsRefused) {
  relate::Session session(engine, md);
  EXPECT_THROW(
      {
        try {
          session.scalars(select<Author>().from_statement(
              text("SELECT * FROM authors JOIN books ON books.author_id = authors.id")));
        } catch (const relate::ArgumentError& e) {
          EXPECT_THAT(e.what(), HasSubstr("hold more than one column 'id'"));
          throw;
        }
      },
      relate::ArgumentError);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryFromStatementTest, LoaderOptionsLoadRelationshipsOnceTheObjectsAreThere) {
  relate::Session session(engine, md);
  auto books =
      session
          .scalars(select<Book>()
                       .options(relate::selectinload(&Book::tags))
                       .from_statement(text("SELECT * FROM books WHERE author_id = 1 ORDER BY id")))
          .all();
  ASSERT_EQ(statements.size(), 2u);  // the books, then their tags
  ASSERT_EQ(books.size(), 3u);
  ASSERT_EQ(books[2]->tags.size(), 1u);
  EXPECT_EQ(books[2]->tags[0]->name, "new");
  EXPECT_EQ(statements.size(), 2u);
  // A relationship with no option loads on access, as it would from a query.
  EXPECT_EQ(books[0]->author->name, "Ann");
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(QueryFromStatementTest, AJoinedStrategyHasNoJoinedRowsToReadAndLoadsOnAccess) {
  relate::Session session(engine, md);
  auto books = session
                   .scalars(select<Book>()
                                .options(relate::joinedload(&Book::author))
                                .from_statement(text("SELECT * FROM books WHERE id = 1")))
                   .all();
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(books.at(0)->author->name, "Ann");
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryFromStatementTest, ClausesBesideTheStatementAndAliasedOptionsAreRefused) {
  relate::Session session(engine, md);
  EXPECT_THROW(session.scalars(select<Book>()
                                   .where(relate::col(&Book::year) > 2000)
                                   .from_statement(text("SELECT * FROM books"))),
               relate::ArgumentError);
  auto writer = relate::aliased<Author>();
  EXPECT_THROW(session.scalars(select<Book>()
                                   .options(relate::contains_eager(&Book::author, writer))
                                   .from_statement(text("SELECT * FROM books"))),
               relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

TEST_P(QueryFromStatementTest, AnInsertReturningItsRowGivesTheNewObject) {
  relate::Session session(engine, md);
  auto author = session
                    .scalars(select<Author>().from_statement(
                        text("INSERT INTO authors (id, name, born) VALUES (9, :name, 1980) "
                             "RETURNING id, name, born")
                            .bind("name", "Dee")))
                    .one();
  EXPECT_EQ(author->name, "Dee");
  EXPECT_EQ(author->born, 1980);
  EXPECT_TRUE(session.get<Author>(9) == author);
  session.commit();
  EXPECT_EQ(rows("SELECT name FROM authors WHERE id = 9"), (relate_test::Rows{{"Dee"}}));
  EXPECT_EQ(statements.size(), 1u);
}

struct TitleYear {
  std::string title;
  std::int64_t year = 0;
};

TEST_P(QueryFromStatementTest, RawSqlRunsInTheSessionsTransactionAndGivesTypedRows) {
  relate::Session session(engine, md);
  EXPECT_EQ(session.execute(text("UPDATE books SET year = :year WHERE id = 4").bind("year", 2020)),
            1);
  auto alps = session.get<Book>(4);  // loaded after the write: it shows 2020
  EXPECT_EQ(alps->year, 2020);
  clear();
  const auto recent =
      session.execute(text("SELECT title, year FROM books WHERE year > :year ORDER BY id")
                          .bind("year", 2000)
                          .columns<std::string, std::int64_t>());
  EXPECT_EQ(recent.all(), (std::vector<std::tuple<std::string, std::int64_t>>{{"Zoo", 2019},
                                                                               {"Alps", 2020}}));
  EXPECT_EQ(statements.size(), 1u);
  const auto as_struct = recent.as<TitleYear>();
  ASSERT_EQ(as_struct.size(), 2u);
  EXPECT_EQ(as_struct[1].title, "Alps");
  EXPECT_EQ(as_struct[1].year, 2020);
  // A statement that returns rows, run untyped: how many.
  EXPECT_EQ(session.execute(text("SELECT id FROM books")), 4);
  session.rollback();  // the UPDATE goes, and the object loaded after it follows
  EXPECT_EQ(alps->year, 2019);
  EXPECT_EQ(rows("SELECT year FROM books WHERE id = 4"), (relate_test::Rows{{"2019"}}));
}

TEST_P(QueryFromStatementTest, TypedRawSqlRowsAreCheckedAgainstTheirTypes) {
  relate::Session session(engine, md);
  const auto categories = session.execute(
      text("SELECT category_id FROM books ORDER BY id").columns<std::optional<std::int64_t>>());
  EXPECT_EQ(categories.size(), 4u);
  EXPECT_EQ(std::get<0>(categories.all()[2]), std::nullopt);  // Zoo has none
  EXPECT_THROW(
      session.execute(text("SELECT category_id FROM books ORDER BY id").columns<std::int64_t>()),
      relate::DataError);
  EXPECT_THROW(session.execute(text("SELECT id, title FROM books").columns<std::int64_t>()),
               relate::ArgumentError);
  auto conn = engine.connect();  // and on a Connection, without a Session
  const auto ids = relate::execute(conn, text("SELECT id FROM books WHERE title = :t")
                                             .bind("t", "Zoo")
                                             .columns<std::int64_t>());
  EXPECT_EQ(std::get<0>(ids.one()), 3);
  EXPECT_EQ(statements.size(), 4u);
}

RELATE_ON_EVERY_BACKEND(QueryFromStatementTest);

}  // namespace query_from_statement_test
