// SynchronizeSession::evaluate: a bulk UPDATE or DELETE whose WHERE and SET values are
// computed in memory for the objects the Session holds, as SQLAlchemy's evaluate does,
// with no statement but the write itself. The database is the oracle: after each
// statement, every held object shows what its row holds.
#include <random>
#include <sstream>

#include "catalog_test.hpp"
#include "test_support.hpp"

namespace bulk_evaluate_test {

using catalog::Book;
using relate::col;
using relate::Condition;
using relate::SynchronizeSession;

class BulkEvaluateTest : public catalog::CatalogTest {
 protected:
  // Every book, held by the Session.
  std::vector<relate::ptr<Book>> hold_books(relate::Session& session) {
    return session.scalars(relate::select<Book>().order_by(col(&Book::id))).all();
  }

  // What the objects show, as the rows read back would.
  static relate_test::Rows shown(const std::vector<relate::ptr<Book>>& books) {
    relate_test::Rows out;
    for (const auto& b : books) {
      std::ostringstream price;
      price << b->price;
      out.push_back({std::to_string(b->id), std::to_string(b->year), price.str(),
                     b->category_id ? std::to_string(*b->category_id) : "NULL"});
    }
    return out;
  }
  relate_test::Rows in_database() const {
    relate_test::Rows out = rows(
        "SELECT id, year, price, category_id FROM books ORDER BY id");
    for (auto& row : out) {
      // The reader prints doubles as the database does ("10.0", "10"): as a double.
      std::ostringstream price;
      price << std::stod(row[2]);
      row[2] = price.str();
    }
    return out;
  }
};

TEST_P(BulkEvaluateTest, AnUpdateFindsAndChangesTheHeldObjectsWithoutReadingThem) {
  relate::Session session(engine, md);
  auto books = hold_books(session);
  clear();
  const std::int64_t matched =
      session.execute(relate::update<Book>()
                          .where(col(&Book::year) == 2019 && col(&Book::price) > 10.0)
                          .set(&Book::price, col(&Book::price) * 0.5)
                          .set(&Book::year, col(&Book::year) + 1)
                          .synchronize_session(SynchronizeSession::evaluate));
  EXPECT_EQ(matched, 1);
  EXPECT_EQ(statements.size(), 1u);  // the UPDATE alone
  EXPECT_EQ(books[2]->price, 10.0);  // Zoo
  EXPECT_EQ(books[2]->year, 2020);
  EXPECT_EQ(books[3]->price, 7.25);  // Alps: 2019, but not over 10
  session.commit();
  EXPECT_EQ(shown(books), in_database());
  // Committed values follow too: nothing is dirty, so commit wrote nothing more.
  EXPECT_EQ(count_starting_with("UPDATE"), 1u);
}

TEST_P(BulkEvaluateTest, ADeleteMarksTheMatchingHeldObjectsDeleted) {
  exec_raw("DELETE FROM book_tags");
  relate::Session session(engine, md);
  auto books = hold_books(session);
  clear();
  EXPECT_EQ(session.execute(relate::delete_<Book>()
                                .where(col(&Book::category_id) == std::nullopt ||
                                       col(&Book::year) < 1970)
                                .synchronize_session(SynchronizeSession::evaluate)),
            2);
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(books[0].state()->status(), relate::ObjectStatus::deleted);  // Dune, 1965
  EXPECT_EQ(books[2].state()->status(), relate::ObjectStatus::deleted);  // Zoo, no category
  EXPECT_EQ(books[1].state()->status(), relate::ObjectStatus::persistent);
  session.commit();
  EXPECT_EQ(rows("SELECT id FROM books ORDER BY id"), (relate_test::Rows{{"2"}, {"4"}}));
}

TEST_P(BulkEvaluateTest, AWhereMemoryCannotComputeIsRefusedBeforeAnyStatement) {
  relate::Session session(engine, md);
  auto books = hold_books(session);
  books[0]->title = "Dune II";  // not flushed: the refusal comes first
  clear();
  try {
    session.execute(relate::update<Book>()
                        .where(col(&Book::title).like("D%"))
                        .set(&Book::year, 2000)
                        .synchronize_session(SynchronizeSession::evaluate));
    FAIL() << "evaluate accepted LIKE";
  } catch (const relate::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("LIKE"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("SynchronizeSession::fetch"), std::string::npos);
  }
  EXPECT_TRUE(statements.empty());
  session.commit();  // the Session goes on
  EXPECT_EQ(rows("SELECT title FROM books WHERE id = 1"), (relate_test::Rows{{"Dune II"}}));
}

TEST_P(BulkEvaluateTest, TextIsComparedInMemoryOnlyWhereTheDatabaseComparesBytes) {
  relate::Session session(engine, md);
  auto books = hold_books(session);
  auto equal = relate::update<Book>()
                   .where(col(&Book::title) == "Zoo")
                   .set(&Book::year, 2021)
                   .synchronize_session(SynchronizeSession::evaluate);
  auto ordered = relate::update<Book>()
                     .where(col(&Book::title) < "E")
                     .set(&Book::year, 2022)
                     .synchronize_session(SynchronizeSession::evaluate);
  if (on(relate_test::kMysql)) {
    // Its collations decide ('zoo' = 'Zoo'): memory cannot know.
    EXPECT_THROW(session.execute(equal), relate::InvalidRequestError);
  } else {
    session.execute(equal);
    EXPECT_EQ(books[2]->year, 2021);
  }
  if (on(relate_test::kSqlite)) {
    session.execute(ordered);  // Alps, Dune
    EXPECT_EQ(books[0]->year, 2022);
    EXPECT_EQ(books[3]->year, 2022);
  } else {
    EXPECT_THROW(session.execute(ordered), relate::InvalidRequestError);  // by locale
  }
  session.commit();
  EXPECT_EQ(shown(books), in_database());
}

TEST_P(BulkEvaluateTest, AValueMemoryCannotComputeIsReadFromTheRow) {
  relate::Session session(engine, md);
  auto books = hold_books(session);
  clear();
  session.execute(relate::update<Book>()
                      .where(col(&Book::id) == 2)
                      .set(&Book::title, relate::upper(col(&Book::title)))
                      .synchronize_session(SynchronizeSession::evaluate));
  // The UPDATE, then Emma's row read again (SQLAlchemy would expire the member).
  EXPECT_EQ(statements.size(), 2u);
  EXPECT_EQ(books[1]->title, "EMMA");
}

TEST_P(BulkEvaluateTest, AnOverflowInMemoryFallsBackToTheDatabase) {
  relate::Session session(engine, md);
  auto books = hold_books(session);
  clear();
  // year * huge overflows 64 bits in memory for every row: memory cannot say which
  // rows match, so the keys are read as fetch does (the condition is false for all).
  const std::int64_t huge = std::int64_t{1} << 62;
  EXPECT_EQ(session.execute(relate::update<Book>()
                                .where(col(&Book::year) * huge + col(&Book::year) * huge ==
                                       std::int64_t{0} && col(&Book::id) < std::int64_t{0})
                                .set(&Book::year, 1)
                                .synchronize_session(SynchronizeSession::evaluate)),
            0);
  EXPECT_EQ(books[0]->year, 1965);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(BulkEvaluateTest, ThePrimaryKeyIsNotSetWhileTheSessionFollowsTheRows) {
  exec_raw("DELETE FROM book_tags");
  relate::Session session(engine, md);
  for (auto s : {SynchronizeSession::evaluate, SynchronizeSession::fetch}) {
    EXPECT_THROW(session.execute(relate::update<Book>()
                                     .where(col(&Book::id) == 4)
                                     .set(&Book::id, 40)
                                     .synchronize_session(s)),
                 relate::ArgumentError);
  }
  session.execute(relate::update<Book>()
                      .where(col(&Book::id) == 4)
                      .set(&Book::id, 40)
                      .synchronize_session(SynchronizeSession::none));
  session.commit();
  EXPECT_EQ(rows("SELECT id FROM books ORDER BY id"),
            (relate_test::Rows{{"1"}, {"2"}, {"3"}, {"40"}}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(BulkEvaluateTest, ADivisionByADoubleIsTheSameInMemoryAndInTheDatabase) {
  // From a review: PostgreSQL read the untyped parameter "2" (2.0 as text) as the
  // integer column's type and divided as integers: 1965 / 2.0 was 982 there, 982.5 in
  // memory and elsewhere.
  relate::Session session(engine, md);
  auto books = hold_books(session);
  EXPECT_EQ(session.scalars(relate::select<Book>().where(col(&Book::year) / 2.0 == 982.5)).size(),
            1u);
  EXPECT_EQ(session.execute(relate::update<Book>()
                                .where(col(&Book::year) / 2.0 == 982.5)
                                .set(&Book::price, col(&Book::year) / 2.0)
                                .synchronize_session(SynchronizeSession::evaluate)),
            1);
  EXPECT_EQ(books[0]->price, 982.5);
  session.commit();
  EXPECT_EQ(shown(books), in_database());
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(BulkEvaluateTest, TheSetsOfAnUpdateReadTheRowAsTheBackendDoes) {
  // From the same review: MySQL and MariaDB assign left to right, so a SET reads what
  // the SETs before it assigned; SQLite and PostgreSQL read the row as it was.
  relate::Session session(engine, md);
  auto books = hold_books(session);
  session.execute(relate::update<Book>()
                      .where(col(&Book::id) == 1)
                      .set(&Book::year, col(&Book::year) + 1)
                      .set(&Book::price, col(&Book::year) * 1.0)
                      .synchronize_session(SynchronizeSession::evaluate));
  EXPECT_EQ(books[0]->price, on(relate_test::kMysql) ? 1966.0 : 1965.0);
  session.commit();
  EXPECT_EQ(shown(books), in_database());
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(BulkEvaluateTest, MinusZeroIsReadBackAsTheBackendStoresIt) {
  relate::Session session(engine, md);
  auto books = hold_books(session);
  clear();
  session.execute(relate::update<Book>()
                      .where(col(&Book::id) == 1)
                      .set(&Book::price, col(&Book::price) * -0.0)
                      .synchronize_session(SynchronizeSession::evaluate));
  EXPECT_EQ(statements.size(), 2u);  // the UPDATE, and the row read back
  EXPECT_EQ(books[0]->price, 0.0);
  session.commit();
}

// A random WHERE over the books' columns: comparisons with constants (NULL among them),
// IS NULL, IN, BETWEEN, arithmetic, AND / OR / NOT.
Condition random_condition(std::mt19937& rng, int depth) {
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::int64_t years[] = {1965, 1999, 2019, 2020, 0};
  const double prices[] = {7.25, 9.5, 10.0, 12.0, 20.0};
  if (depth > 0 && pick(3) == 0) {
    const Condition a = random_condition(rng, depth - 1);
    const Condition b = random_condition(rng, depth - 1);
    switch (pick(3)) {
      case 0:
        return a && b;
      case 1:
        return a || b;
      default:
        return !a;
    }
  }
  const std::int64_t year = years[pick(5)];
  const double price = prices[pick(5)];
  const std::optional<std::int64_t> category =
      pick(3) == 0 ? std::nullopt : std::optional<std::int64_t>(pick(5));
  switch (pick(9)) {
    case 0:
      return col(&Book::year) < year;
    case 1:
      return col(&Book::price) >= price;
    case 2:
      return category ? col(&Book::category_id) == *category
                      : col(&Book::category_id) == std::nullopt;
    case 3:
      return category ? col(&Book::category_id) != *category  // NULL <> 2: unknown
                      : col(&Book::category_id) != std::nullopt;
    case 4:
      return col(&Book::category_id) == std::nullopt;
    case 5:
      return col(&Book::year).in({year, 2019, 1999});
    case 6:
      return col(&Book::price).between(price, price + 5.0);
    case 7:
      return col(&Book::year) % 7 == year % 7;
    default:
      return col(&Book::price) * 2.0 - col(&Book::year) / 1000 > price;
  }
}

TEST_P(BulkEvaluateTest, RandomConditionsMatchTheRowsTheDatabaseChanges) {
  std::mt19937 rng(20261203);
  std::vector<std::int64_t> years = {1965, 1999, 2019, 2019};
  for (int round = 0; round < 60; ++round) {
    relate::Session session(engine, md);
    auto books = hold_books(session);
    clear();
    const Condition where = random_condition(rng, 3);
    const std::int64_t matched =
        session.execute(relate::update<Book>()
                            .where(where)
                            .set(&Book::price, col(&Book::price) + 1.0)
                            .set(&Book::year, col(&Book::year) - 1)
                            .synchronize_session(SynchronizeSession::evaluate));
    session.commit();
    EXPECT_EQ(shown(books), in_database()) << "round " << round << ": " << statements.back();
    std::int64_t moved = 0;  // the rows the database changed, as memory counts them
    for (std::size_t i = 0; i < books.size(); ++i) moved += books[i]->year != years[i] ? 1 : 0;
    EXPECT_EQ(matched, moved) << "round " << round;
    for (std::size_t i = 0; i < books.size(); ++i) years[i] = books[i]->year;
  }
}

RELATE_ON_EVERY_BACKEND(BulkEvaluateTest);

}  // namespace bulk_evaluate_test
