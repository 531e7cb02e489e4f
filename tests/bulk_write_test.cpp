// Bulk UPDATE and DELETE through the Session (update<T>(), delete_<T>()), as
// SQLAlchemy 2.0's session.execute(update(...)): one statement, after a flush, and the
// objects the Session holds for the matched rows follow the database.
#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "catalog_test.hpp"
#include "test_support.hpp"

namespace bulk_write_test {

using catalog::Author;
using catalog::Book;
using relate::col;
using relate_test::Rows;
using ::testing::ElementsAre;

class BulkWriteTest : public catalog::CatalogTest {};

TEST_P(BulkWriteTest, AnUpdateChangesTheMatchingRowsAndTheObjectsTheSessionHolds) {
  relate::Session session(engine, md);
  auto zoo = session.get<Book>(3);
  auto dune = session.get<Book>(1);
  clear();
  const std::int64_t matched = session.execute(relate::update<Book>()
                                                   .where(col(&Book::year) == 2019)
                                                   .set(&Book::price, col(&Book::price) * 0.5));
  EXPECT_EQ(matched, 2);
  EXPECT_EQ(zoo->price, 10.0);
  EXPECT_EQ(dune->price, 9.5);
  // UPDATE ... RETURNING the keys and the new values; without RETURNING (MySQL), the
  // keys of the matched rows, the UPDATE, the held object read again.
  EXPECT_EQ(statements.size(), engine.dialect().supports_returning() ? 1u : 3u);
  session.commit();
  EXPECT_EQ(rows("SELECT id, price FROM books WHERE year = 2019 ORDER BY id"),
            (relate_test::Rows{{"3", "10.0"}, {"4", "3.625"}}));
}

TEST_P(BulkWriteTest, AnUpdateFlushesPendingChangesFirst) {
  relate::Session session(engine, md);
  auto zoo = session.get<Book>(3);
  zoo->title = "Zoo II";
  session.execute(
      relate::update<Book>().where(col(&Book::title) == "Zoo II").set(&Book::year, 2020));
  EXPECT_EQ(zoo->year, 2020);
  EXPECT_EQ(zoo->title, "Zoo II");
  session.commit();
  EXPECT_EQ(rows("SELECT title, year FROM books WHERE id = 3"),
            (relate_test::Rows{{"Zoo II", "2020"}}));
  // (fetch by RETURNING; without it the keys are read before and the rows after)
  EXPECT_EQ(statements.size(), engine.dialect().supports_returning() ? 3u : 5u);
}

TEST_P(BulkWriteTest, RollbackRestoresTheObjectsABulkUpdateChanged) {
  relate::Session session(engine, md);
  auto zoo = session.get<Book>(3);
  session.execute(relate::update<Book>().set(&Book::price, 1.0));
  EXPECT_EQ(zoo->price, 1.0);
  session.rollback();
  EXPECT_EQ(zoo->price, 20.0);
  EXPECT_EQ(rows("SELECT price FROM books WHERE id = 3"), (relate_test::Rows{{"20.0"}}));
  // (fetch by RETURNING; without it the keys are read before and the rows after)
  EXPECT_EQ(statements.size(), engine.dialect().supports_returning() ? 2u : 4u);
}

TEST_P(BulkWriteTest, ADeleteMarksHeldObjectsDeletedAndTakesThemOutOfLoadedCollections) {
  // A bulk DELETE applies no ORM cascade (as in SQLAlchemy): the links go first.
  exec_raw("DELETE FROM book_tags");
  relate::Session session(engine, md);
  auto ann = session.get<Author>(1);
  ASSERT_EQ(ann->books.size(), 3u);
  auto zoo = ann->books[2];
  clear();
  EXPECT_EQ(session.execute(relate::delete_<Book>().where(col(&Book::year) == 2019)), 2);
  // DELETE ... RETURNING the keys; without RETURNING, the keys first, then the DELETE.
  EXPECT_EQ(statements.size(), engine.dialect().supports_returning() ? 1u : 2u);
  EXPECT_EQ(zoo.state()->status(), relate::ObjectStatus::deleted);
  EXPECT_EQ(ann->books.size(), 2u);
  session.commit();
  EXPECT_EQ(zoo.state()->status(), relate::ObjectStatus::detached);
  EXPECT_EQ(rows("SELECT id FROM books ORDER BY id"), (relate_test::Rows{{"1"}, {"2"}}));
}

TEST_P(BulkWriteTest, SynchronizeNoneRunsTheStatementAlone) {
  relate::Session session(engine, md);
  auto zoo = session.get<Book>(3);
  clear();
  session.execute(relate::update<Book>()
                      .set(&Book::price, 1.0)
                      .synchronize_session(relate::SynchronizeSession::none));
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(zoo->price, 20.0);  // as documented: the Session was not told
}

TEST_P(BulkWriteTest, AFailedBulkStatementIsAFailedFlush) {
  relate::Session session(engine, md);
  auto ann = session.get<Author>(1);
  // Ann's books refer to her: the database refuses.
  EXPECT_THROW(session.execute(relate::delete_<Author>().where(col(&Author::id) == 1)),
               relate::IntegrityError);
  EXPECT_EQ(ann.state()->status(), relate::ObjectStatus::persistent);
  EXPECT_THROW(session.get<Author>(2), relate::PendingRollbackError);
  session.rollback();
  EXPECT_EQ(session.get<Author>(2)->name, "Bob");
  EXPECT_EQ(count_rows("authors"), 3);
  // (fetch by RETURNING; without it the keys are read before and the rows after)
  EXPECT_EQ(statements.size(), engine.dialect().supports_returning() ? 3u : 4u);
}

TEST_P(BulkWriteTest, AWhereOnARelationshipAndSettingAValueOfAnotherType) {
  relate::Session session(engine, md);
  const std::int64_t n =
      session.execute(relate::update<Author>()
                          .where(col(&Author::books).any(col(&Book::year) == 2019))
                          .set(&Author::born, 1900));
  EXPECT_EQ(n, 2);
  session.commit();
  EXPECT_EQ(rows("SELECT name, born FROM authors ORDER BY id"),
            (relate_test::Rows{{"Ann", "1900"}, {"Bob", "1900"}, {"Cy", "1990"}}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(BulkWriteTest, SettingAMemberOfAnotherModelIsAnArgumentError) {
  relate::Session session(engine, md);
  EXPECT_THROW(session.execute(relate::update<Book>().set(&Book::year, col(&Author::id))),
               relate::ArgumentError);
  EXPECT_THROW(session.execute(relate::update<Book>()), relate::ArgumentError);
  EXPECT_EQ(session.get<Book>(1)->year, 1965);  // the Session goes on
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(BulkWriteTest, AnUpdateReturningGivesTheRowsAsItLeftThem) {
  relate::Session session(engine, md);
  auto zoo = session.get<Book>(3);
  auto halve = relate::update<Book>()
                   .where(col(&Book::year) == 2019)
                   .set(&Book::price, col(&Book::price) * 0.5)
                   .returning(&Book::id, &Book::title, &Book::price);
  zoo->title = "Zoo II";  // flushed first
  if (!engine.dialect().supports_returning()) {
    // Refused before any statement, flush included, naming the backend.
    clear();
    EXPECT_THROW(session.execute(halve), relate::ArgumentError);
    EXPECT_EQ(statements.size(), 0u);
    return;
  }
  clear();
  auto written = session.execute(halve).all();
  std::sort(written.begin(), written.end());
  EXPECT_EQ(written, (std::vector<std::tuple<std::int64_t, std::string, double>>{
                         {3, "Zoo II", 10.0}, {4, "Alps", 3.625}}));
  // The flush, then UPDATE ... RETURNING the key, the SET column and the three asked for.
  EXPECT_EQ(statements.size(), 2u);
  EXPECT_EQ(zoo->price, 10.0);  // the held object follows (fetch)
  session.commit();
  EXPECT_EQ(rows("SELECT id, price FROM books WHERE year = 2019 ORDER BY id"),
            (relate_test::Rows{{"3", "10.0"}, {"4", "3.625"}}));
}

TEST_P(BulkWriteTest, ADeleteReturningGivesTheRowsAsTheyWere) {
  exec_raw("DELETE FROM book_tags");
  if (!engine.dialect().supports_returning()) GTEST_SKIP() << "no RETURNING";
  relate::Session session(engine, md);
  auto zoo = session.get<Book>(3);
  clear();
  auto gone = session.execute(
      relate::delete_<Book>().where(col(&Book::year) == 2019).returning(&Book::title));
  std::vector<std::string> titles;
  for (const auto& [title] : gone) titles.push_back(title);
  std::sort(titles.begin(), titles.end());
  EXPECT_EQ(titles, (std::vector<std::string>{"Alps", "Zoo"}));
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(zoo.state()->status(), relate::ObjectStatus::deleted);
  session.commit();
  EXPECT_EQ(count_rows("books"), 2);
}

TEST_P(BulkWriteTest, ReturningWithoutSynchronizingReturnsOnlyWhatWasAskedFor) {
  if (!engine.dialect().supports_returning()) GTEST_SKIP() << "no RETURNING";
  relate::Session session(engine, md);
  auto zoo = session.get<Book>(3);
  clear();
  auto years = session.execute(relate::update<Book>()
                                   .set(&Book::year, col(&Book::year) + 1)
                                   .synchronize_session(relate::SynchronizeSession::none)
                                   .returning(&Book::year));
  EXPECT_EQ(years.size(), 4u);
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(zoo->year, 2019);  // as documented: the Session was not told
}

TEST_P(BulkWriteTest, AConnectionRunsAnUpdateReturningWithoutASession) {
  if (!engine.dialect().supports_returning()) GTEST_SKIP() << "no RETURNING";
  auto conn = engine.connect();
  auto ids = relate::execute(conn, md,
                             relate::update<Book>()
                                 .where(col(&Book::title) == "Zoo")
                                 .set(&Book::price, 1.0)
                                 .returning(&Book::id));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(std::get<0>(ids.one()), 3);
  EXPECT_EQ(statements.size(), 1u);
}

RELATE_ON_EVERY_BACKEND(BulkWriteTest);

}  // namespace bulk_write_test
