// Column selects and typed expressions, as SQLAlchemy 2.0's select(columns...):
// rows of C++ tuples, scalar(), aggregates with group_by/having, arithmetic, string
// functions, CASE, CAST, BETWEEN and IS NULL through == std::nullopt.
#include "catalog_test.hpp"
#include "test_support.hpp"

namespace query_rows_test {

using catalog::Author;
using catalog::Book;
using catalog::Category;
using relate::col;
using relate::select;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueryRowsTest : public catalog::CatalogTest {};

TEST_P(QueryRowsTest, ATupleSelectReturnsTypedRows) {
  relate::Session session(engine, md);
  auto rows = session
                  .execute(select(&Book::title, &Book::year, &Book::price)
                               .where(col(&Book::year) == 2019)
                               .order_by(&Book::title))
                  .all();
  using R = std::tuple<std::string, std::int64_t, double>;
  EXPECT_THAT(rows, ElementsAre(R{"Alps", 2019, 7.25}, R{"Zoo", 2019, 20.0}));
  EXPECT_EQ(statements.size(), 1u);
}

struct TitleAndYear {
  std::string title;
  std::int64_t year = 0;
};

TEST_P(QueryRowsTest, RowsBecomeAUserStructOfTheSameShape) {
  relate::Session session(engine, md);
  auto rows = session
                  .execute(select(&Book::title, &Book::year)
                               .where(col(&Book::year) == 2019)
                               .order_by(&Book::title))
                  .as<TitleAndYear>();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].title, "Alps");
  EXPECT_EQ(rows[0].year, 2019);
  EXPECT_EQ(rows[1].title, "Zoo");
  EXPECT_EQ(statements.size(), 1u);

  const auto kept = session.execute(select(&Book::title, &Book::year).where(col(&Book::year) == 1965));
  const std::vector<TitleAndYear> copied = kept.as<TitleAndYear>();
  ASSERT_EQ(copied.size(), 1u);
  EXPECT_EQ(copied[0].title, "Dune");
  EXPECT_EQ(kept.size(), 1u);  // as<S>() on an lvalue copies
}

TEST_P(QueryRowsTest, AnObjectSelectedWithColumnsComesThroughTheIdentityMapInEveryRow) {
  relate::Session session(engine, md);
  auto ann = session.get<Author>(std::int64_t{1});
  statements.clear();
  auto rows = session
                  .execute(select<Author>(relate::count(&Book::id), relate::max(&Book::year))
                               .outerjoin(&Author::books)
                               .group_by(&Author::id, &Author::name, &Author::born)
                               .order_by(&Author::name))
                  .all();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(std::get<0>(rows[0]), ann);  // the object the Session holds
  EXPECT_EQ(std::get<1>(rows[0]), 3);
  EXPECT_EQ(std::get<2>(rows[0]), std::optional<std::int64_t>(2019));
  EXPECT_EQ(std::get<0>(rows[2])->name, "Cy");
  EXPECT_EQ(std::get<1>(rows[2]), 0);
  EXPECT_EQ(std::get<2>(rows[2]), std::nullopt);
  EXPECT_EQ(statements.size(), 1u);

  // An object in several rows comes in each; its relationships load as select<T>()'s.
  statements.clear();
  auto per_book = session
                      .execute(select<Author>(&Book::title)
                                   .join(&Author::books)
                                   .where(col(&Book::year) == 2019)
                                   .order_by(&Book::title)
                                   .options(relate::selectinload(&Author::books)))
                      .all();
  ASSERT_EQ(per_book.size(), 2u);
  EXPECT_EQ(std::get<1>(per_book[0]), "Alps");
  EXPECT_EQ(std::get<0>(per_book[1]), ann);
  EXPECT_EQ(std::get<0>(per_book[1])->books.size(), 3u);
  EXPECT_EQ(statements.size(), 2u);  // the rows, then the books of both authors
}

TEST_P(QueryRowsTest, AnObjectSelectedWithColumnsRefusesAJoinedCollection) {
  relate::Session session(engine, md);
  try {
    session.execute(select<Author>(&Book::title)
                        .join(&Author::books)
                        .options(relate::joinedload(&Author::books)));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("selectinload"));
  }
  EXPECT_TRUE(statements.empty());
}

TEST_P(QueryRowsTest, CountOfAWholeTableIsOneScalarWithoutLoadingRows) {
  relate::Session session(engine, md);
  EXPECT_EQ(session.scalar(select(relate::count()).select_from<Book>()), 4);
  EXPECT_EQ(session.scalar(select(relate::count(&Author::born))), 2);  // NULLs not counted
  EXPECT_EQ(session.scalar(select(relate::count_distinct(&Book::year))), 3);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "SELECT COUNT(*) FROM \"books\"");
}

TEST_P(QueryRowsTest, AggregatesGroupByAndHaving) {
  relate::Session session(engine, md);
  auto per_author = session
                        .execute(select(&Author::name, relate::count(&Book::id),
                                        relate::sum(&Book::year), relate::avg(&Book::price),
                                        relate::min(&Book::title), relate::max(&Book::price))
                                     .join(&Author::books)
                                     .group_by(&Author::id, &Author::name)
                                     .having(relate::count(&Book::id) > 1))
                        .all();
  ASSERT_EQ(per_author.size(), 1u);
  const auto& [name, books, years, average, first_title, dearest] = per_author[0];
  EXPECT_EQ(name, "Ann");
  EXPECT_EQ(books, 3);
  EXPECT_EQ(years, std::optional<std::int64_t>(1965 + 1999 + 2019));
  ASSERT_TRUE(average);
  EXPECT_THAT(*average, DoubleEq((9.5 + 12.0 + 20.0) / 3));
  EXPECT_EQ(first_title, std::optional<std::string>("Dune"));
  EXPECT_EQ(dearest, std::optional<double>(20.0));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, AggregatesOverNoRowsAreNullAndCountIsZero) {
  relate::Session session(engine, md);
  auto [n, total, average] =
      session
          .execute(select(relate::count(), relate::sum(&Book::price), relate::avg(&Book::year))
                       .where(col(&Book::year) > 3000))
          .one();
  EXPECT_EQ(n, 0);
  EXPECT_EQ(total, std::nullopt);
  EXPECT_EQ(average, std::nullopt);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, OrderByAnAggregateAndByALabelledExpression) {
  relate::Session session(engine, md);
  auto books_per_year = relate::count(&Book::id).label("n");
  auto rows = session
                  .execute(select(&Book::year, books_per_year)
                               .group_by(&Book::year)
                               .order_by(books_per_year.desc(), relate::asc(&Book::year)))
                  .all();
  using R = std::tuple<std::int64_t, std::int64_t>;
  EXPECT_THAT(rows, ElementsAre(R{2019, 2}, R{1965, 1}, R{1999, 1}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, ANumberComparesAsItselfWithAColumnOfAnotherNumberType) {
  // From an audit: the value was converted to the column's C++ type, so year < 1999.5
  // ran as year < 1999 and left Emma (1999) out, silently.
  relate::Session session(engine, md);
  auto titles = [&](const relate::Condition& where) {
    return names(session.scalars(select<Book>().where(where).order_by(&Book::year, &Book::id)).all());
  };
  EXPECT_THAT(titles(col(&Book::year) < 1999.5), ElementsAre("Dune", "Emma"));
  EXPECT_THAT(titles(col(&Book::year).between(1999.5, 2019)), ElementsAre("Zoo", "Alps"));
  EXPECT_THAT(titles(col(&Book::year) == 1999.5), ElementsAre());
  EXPECT_THAT(titles(col(&Book::price) > 12), ElementsAre("Zoo"));
  EXPECT_EQ(statements.size(), 4u);
}

TEST_P(QueryRowsTest, ArithmeticOnColumnsAndValues) {
  relate::Session session(engine, md);
  auto rows = session
                  .execute(select(col(&Book::price) * 2 - 1, col(&Book::year) / 100,
                                  col(&Book::year) % 100, -col(&Book::year))
                               .where(col(&Book::title) == "Alps"))
                  .all();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(std::get<0>(rows[0]), DoubleEq(13.5));
  EXPECT_EQ(std::get<1>(rows[0]), 20);  // integers divide as integers everywhere
  EXPECT_EQ(std::get<2>(rows[0]), 19);
  EXPECT_EQ(std::get<3>(rows[0]), -2019);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, ColumnAgainstColumnAndAgainstAnExpression) {
  relate::Session session(engine, md);
  auto titles = session.scalars(select(&Book::title)
                                    .join(&Book::author)
                                    .where(col(&Book::year) - col(&Author::born) > 40)
                                    .order_by(&Book::title));
  EXPECT_THAT(titles, ElementsAre("Emma", "Zoo"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, StringFunctionsAndConcatenation) {
  relate::Session session(engine, md);
  auto row = session
                 .execute(select(relate::upper(&Author::name), relate::lower(&Author::name),
                                 relate::length(&Author::name),
                                 col(&Author::name) + " (" + col(&Author::name) + ")",
                                 relate::trim(col(&Author::name) + "  "))
                              .where(col(&Author::id) == 1))
                 .one();
  EXPECT_EQ(row, std::make_tuple(std::string("ANN"), std::string("ann"), std::int64_t{3},
                                 std::string("Ann (Ann)"), std::string("Ann")));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, LengthCountsCharactersNotBytes) {
  exec_raw("INSERT INTO authors (id, name) VALUES (9, 'Zoë')");
  relate::Session session(engine, md);
  EXPECT_EQ(session.scalar(select(relate::length(&Author::name)).where(col(&Author::id) == 9)), 3);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, NulloptComparesAsIsNullAndCoalesceFillsIt) {
  relate::Session session(engine, md);
  EXPECT_THAT(session.scalars(select(&Author::name).where(col(&Author::born) == std::nullopt)),
              ElementsAre("Bob"));
  EXPECT_THAT(session.scalars(select(relate::coalesce(&Author::born, 0)).order_by(&Author::id)),
              ElementsAre(1950, 0, 1990));
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], HasSubstr("IS NULL"));
}

TEST_P(QueryRowsTest, BetweenCaseAndCast) {
  relate::Session session(engine, md);
  auto era = relate::case_<std::string>(
      {{col(&Book::year) < 1980, "old"}, {col(&Book::year).between(1980, 2010), "middle"}},
      "recent");
  auto rows = session
                  .execute(select(&Book::title, era, relate::cast<std::string>(&Book::year),
                                  relate::round(&Book::price, 1))
                               .order_by(&Book::year, &Book::title))
                  .all();
  using R = std::tuple<std::string, std::string, std::string, double>;
  EXPECT_THAT(rows,
              ElementsAre(R{"Dune", "old", "1965", 9.5}, R{"Emma", "middle", "1999", 12.0},
                          R{"Alps", "recent", "2019", 7.3}, R{"Zoo", "recent", "2019", 20.0}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, CaseResultsAreExpressionsTooAndAbsTakesAnyNumber) {
  relate::Session session(engine, md);
  // Half price before 1980; a NULL where no branch holds and there is no ELSE.
  auto price =
      relate::case_<double>({{col(&Book::year) < 1980, col(&Book::price) * 0.5}}, &Book::price);
  auto distance = relate::abs(col(&Book::year) - 2000);
  auto rows = session.execute(select(&Book::title, price, distance).order_by(&Book::id)).all();
  using R = std::tuple<std::string, double, std::int64_t>;
  EXPECT_THAT(rows, ElementsAre(R{"Dune", 4.75, 35}, R{"Emma", 12.0, 1}, R{"Zoo", 20.0, 19},
                                R{"Alps", 7.25, 19}));
  auto ann_born = relate::case_<std::int64_t>({{col(&Author::name) == "Ann", &Author::born}});
  EXPECT_THAT(session.scalars(select(ann_born).order_by(&Author::id)),
              ElementsAre(1950, std::nullopt, std::nullopt));
  EXPECT_THAT(session.scalars(select(&Book::title).where(distance < 10)), ElementsAre("Emma"));
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(QueryRowsTest, LimitAndOffsetPageRows) {
  relate::Session session(engine, md);
  EXPECT_THAT(session.scalars(select(&Book::title).order_by(&Book::title).limit(2).offset(1)),
              ElementsAre("Dune", "Emma"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryRowsTest, ANullIntoANonOptionalResultIsADataErrorNamingTheColumn) {
  relate::Session session(engine, md);
  try {
    session.execute(select(&Author::name, relate::max(&Author::born).label("m"))
                        .where(col(&Author::id) == 2)
                        .group_by(&Author::name));
  } catch (...) {
    FAIL() << "max() is optional: NULL is fine";
  }
  try {
    session.execute(
        select(&Book::title, col(&Author::born)).join(&Book::author).where(col(&Author::id) == 2));
  } catch (...) {
    FAIL() << "born is optional";
  }
  EXPECT_THROW(session.scalar(select(&Book::year).where(col(&Book::year) > 3000)),
               relate::NoResultFound);
  // Cy has no book: the outer join gives NULL for a title, read as std::string.
  try {
    session.execute(select(&Author::name, col(&Book::title))
                        .outerjoin(&Author::books)
                        .where(col(&Author::name) == "Cy"));
    FAIL() << "expected relate::DataError";
  } catch (const relate::DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("column 2 of the result is NULL"));
  }
  EXPECT_EQ(statements.size(), 4u);
}

TEST_P(QueryRowsTest, ValuesAreBoundNeverSpliced) {
  relate::Session session(engine, md);
  const std::string hostile = "x'); DROP TABLE books; --";
  EXPECT_TRUE(session.scalars(select(&Book::title).where(col(&Book::title) == hostile)).empty());
  EXPECT_TRUE(
      session.scalars(select(&Book::title).where(col(&Book::title) + hostile == hostile)).empty());
  EXPECT_EQ(count_rows("books"), 4);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[1], ::testing::Not(HasSubstr("DROP")));
}

RELATE_ON_EVERY_BACKEND(QueryRowsTest);

}  // namespace query_rows_test
