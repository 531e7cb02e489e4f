// relate::text(): raw SQL with :name parameters, rewritten into each dialect's
// placeholders with every value bound, never spliced into the SQL; a ':' in a string
// literal, a quoted identifier or a comment is no parameter; a missing or unused value
// is an ArgumentError; rows come back from the database's answer, typed on request.
#include "test_support.hpp"

namespace {

using relate::text;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TextTest : public relate_test::DatabaseTest {
 protected:
  void SetUp() override {
    relate_test::DatabaseTest::SetUp();
    if (IsSkipped()) return;
    relate::Table& books = metadata_.add_table("books");
    books.add_column("id", relate::ColumnType::big_integer).set_primary_key().set_autoincrement();
    books.add_column("title", relate::ColumnType::text).set_nullable(false);
    books.add_column("year", relate::ColumnType::integer);
    engine.create_all(metadata_);
    exec_raw(
        "INSERT INTO books (id, title, year) VALUES (1, 'Dune', 1965);"
        "INSERT INTO books (id, title, year) VALUES (2, 'Piranesi', 2020);"
        "INSERT INTO books (id, title, year) VALUES (3, 'Klara and the Sun', 2021);"
        "INSERT INTO books (id, title, year) VALUES (4, 'Untitled', NULL)");
    clear();
  }

  // The dialect's placeholder for the index-th value.
  std::string placeholder(std::size_t index) const { return engine.dialect().placeholder(index); }
  relate::sql::CompiledStatement compiled(const relate::sql::Text& t) const {
    return relate::sql::compile(t, engine.dialect());
  }

  // The first column of every row, as text.
  static std::vector<std::string> firsts(std::unique_ptr<relate::Cursor> cursor) {
    std::vector<std::string> out;
    while (cursor->next()) out.push_back(relate_test::row_text(cursor->get(0)));
    return out;
  }

  // The message of the ArgumentError compiling `t` throws, or "" if none.
  std::string compile_error(const relate::sql::Text& t) const {
    try {
      compiled(t);
    } catch (const relate::ArgumentError& e) {
      return e.what();
    }
    return {};
  }

  relate::MetaData metadata_;
};

TEST_P(TextTest, NamedParameterBecomesTheDialectsPlaceholder) {
  const auto s = compiled(text("SELECT title FROM books WHERE year > :year").bind("year", 2019));
  EXPECT_EQ(s.sql, "SELECT title FROM books WHERE year > " + placeholder(0));
  EXPECT_THAT(s.params, ElementsAre(relate::Value(2019)));
}

TEST_P(TextTest, BoundValueSelectsTheRows) {
  auto c = engine.connect();
  EXPECT_THAT(
      firsts(c.execute(
          text("SELECT title FROM books WHERE year > :year ORDER BY id").bind("year", 2019))),
      ElementsAre("Piranesi", "Klara and the Sun"));
  EXPECT_THAT(statements, ElementsAre("SELECT title FROM books WHERE year > ? ORDER BY id"));
}

TEST_P(TextTest, ParametersAreNumberedInTheOrderTheyAppear) {
  auto c = engine.connect();
  const auto s = compiled(text("SELECT title FROM books WHERE year BETWEEN :low AND :high")
                              .bind("high", 2020)
                              .bind("low", 2000));
  EXPECT_EQ(s.sql, "SELECT title FROM books WHERE year BETWEEN " + placeholder(0) + " AND " +
                       placeholder(1));
  EXPECT_THAT(s.params, ElementsAre(relate::Value(2000), relate::Value(2020)));
  EXPECT_THAT(firsts(c.execute(s)), ElementsAre("Piranesi"));
}

TEST_P(TextTest, RepeatedNameBindsTheSameValueAtEachPlace) {
  auto c = engine.connect();
  const auto t =
      text("SELECT title FROM books WHERE year >= :year AND year <= :year").bind("year", 2021);
  EXPECT_THAT(compiled(t).params, ElementsAre(relate::Value(2021), relate::Value(2021)));
  EXPECT_THAT(firsts(c.execute(t)), ElementsAre("Klara and the Sun"));
}

TEST_P(TextTest, BindingANameAgainReplacesItsValue) {
  auto c = engine.connect();
  EXPECT_THAT(
      firsts(c.execute(text("SELECT title FROM books WHERE id = :id").bind("id", 1).bind("id", 2))),
      ElementsAre("Piranesi"));
}

TEST_P(TextTest, ColonInsideAStringLiteralIsNotAParameter) {
  auto c = engine.connect();
  c.execute(text("INSERT INTO books (title, year) VALUES ('Time: 10:30, :year o''clock', :year)")
                .bind("year", 1999));
  EXPECT_EQ(rows("SELECT title, year FROM books WHERE year = 1999"),
            (relate_test::Rows{{"Time: 10:30, :year o'clock", "1999"}}));
}

TEST_P(TextTest, ColonInsideAQuotedIdentifierIsNotAParameter) {
  auto c = engine.connect();
  const std::string label = engine.dialect().quote_identifier("at:year");
  auto cursor =
      c.execute(text("SELECT year AS " + label + " FROM books WHERE id = :id").bind("id", 1));
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0), relate::Value(1965));
}

TEST_P(TextTest, ColonInsideACommentIsNotAParameter) {
  auto c = engine.connect();
  EXPECT_THAT(firsts(c.execute(text("SELECT title FROM books -- note: don't bind :ignored here\n"
                                    "WHERE /* :neither, it's a comment */ id = :id")
                                   .bind("id", 2))),
              ElementsAre("Piranesi"));
}

TEST_P(TextTest, DoubleColonIsPostgresqlsCastNotAParameter) {
  const auto s = compiled(text("SELECT :value::int + 1").bind("value", "41"));
  EXPECT_EQ(s.sql, "SELECT " + placeholder(0) + "::int + 1");
  if (!on(relate_test::kPostgresql)) return;  // :: is PostgreSQL's spelling of CAST
  auto c = engine.connect();
  auto cursor = c.execute(text("SELECT :value::int + 1").bind("value", "41"));
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0), relate::Value(42));
}

TEST_P(TextTest, BackslashColonIsAPlainColon) {
  EXPECT_EQ(compiled(text("SELECT a[1\\:2], \\:name FROM t")).sql, "SELECT a[1:2], :name FROM t");
}

TEST_P(TextTest, ColonAfterADigitIsNotAParameter) {
  EXPECT_EQ(compiled(text("SELECT a[1:2] FROM t")).sql, "SELECT a[1:2] FROM t");
}

TEST_P(TextTest, InjectionThroughABoundValueStaysAValue) {
  auto c = engine.connect();
  const std::string attack = "'; DROP TABLE books; --";
  c.execute(text("INSERT INTO books (title, year) VALUES (:title, :year)")
                .bind("title", attack)
                .bind("year", 2024));
  EXPECT_THAT(
      firsts(c.execute(text("SELECT title FROM books WHERE year = :year").bind("year", 2024))),
      ElementsAre(attack));
  EXPECT_THAT(
      firsts(c.execute(
          text("SELECT title FROM books WHERE title = :title").bind("title", "x' OR '1'='1"))),
      ElementsAre());
  EXPECT_EQ(count_rows("books"), 5);
}

TEST_P(TextTest, ParameterWithoutAValueIsArgumentErrorNamingIt) {
  auto c = engine.connect();
  const auto t =
      text("SELECT title FROM books WHERE year > :year AND id < :limit").bind("limit", 3);
  EXPECT_THAT(compile_error(t), AllOf(HasSubstr(":year"), HasSubstr("no value"),
                                      HasSubstr("SELECT title FROM books WHERE year > :year")));
  EXPECT_THROW(c.execute(t), relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

TEST_P(TextTest, ValueForANameTheSqlDoesNotUseIsArgumentErrorNamingIt) {
  auto c = engine.connect();
  const auto t = text("SELECT title FROM books WHERE year > :year").bind("year", 1).bind("yaer", 2);
  EXPECT_THAT(compile_error(t), AllOf(HasSubstr(":yaer"), HasSubstr("does not use")));
  EXPECT_THROW(c.execute(t), relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

TEST_P(TextTest, ValueForANameInsideQuotesIsUnused) {
  EXPECT_THAT(compile_error(text("SELECT ':year'").bind("year", 1)), HasSubstr(":year"));
}

TEST_P(TextTest, NameThatNoParameterCanHaveIsArgumentError) {
  EXPECT_THROW(text("SELECT :year").bind(":year", 1), relate::ArgumentError);
  EXPECT_THROW(text("SELECT :year").bind("", 1), relate::ArgumentError);
}

TEST_P(TextTest, BindTakesAnyMappedTypeAndNull) {
  auto c = engine.connect();
  const std::optional<std::int64_t> none;
  c.execute(text("INSERT INTO books (title, year) VALUES (:title, :year)")
                .bind("title", std::string_view("Nameless"))
                .bind("year", none));
  EXPECT_EQ(rows("SELECT title, year FROM books WHERE id = 5"),
            (relate_test::Rows{{"Nameless", "NULL"}}));
}

TEST_P(TextTest, RowsComeBackTyped) {
  auto c = engine.connect();
  auto cursor = c.execute(text("SELECT id, title, year FROM books WHERE id IN (:a, :b) ORDER BY id")
                              .bind("a", 2)
                              .bind("b", 4));
  std::vector<std::tuple<std::int64_t, std::string, std::optional<int>>> read;
  while (cursor->next())
    read.push_back(cursor->row<std::int64_t, std::string, std::optional<int>>());
  EXPECT_THAT(read, ElementsAre(std::make_tuple(2, "Piranesi", std::optional<int>(2020)),
                                std::make_tuple(4, "Untitled", std::optional<int>())));
}

TEST_P(TextTest, TypedRowOfAnotherWidthIsArgumentError) {
  auto c = engine.connect();
  auto cursor = c.execute(text("SELECT id, title FROM books WHERE id = :id").bind("id", 1));
  ASSERT_TRUE(cursor->next());
  EXPECT_THROW(cursor->row<std::int64_t>(), relate::ArgumentError);
}

TEST_P(TextTest, NullReadIntoATypeThatIsNotOptionalIsDataError) {
  auto c = engine.connect();
  auto cursor = c.execute(text("SELECT year FROM books WHERE id = :id").bind("id", 4));
  ASSERT_TRUE(cursor->next());
  try {
    cursor->row<int>();
    FAIL() << "expected relate::DataError";
  } catch (const relate::DataError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("NULL"), HasSubstr("std::optional")));
  }
}

TEST_P(TextTest, LowercaseSelectReturnsItsRowsWithoutADeclaration) {
  auto c = engine.connect();
  EXPECT_THAT(firsts(c.execute(text("select title from books where id = :id").bind("id", 3))),
              ElementsAre("Klara and the Sun"));
}

TEST_P(TextTest, DeclaredReturnsRowsReturnsThem) {
  auto c = engine.connect();
  const auto t = text("SELECT title FROM books WHERE id = :id").bind("id", 3).returns_rows();
  EXPECT_EQ(compiled(t).returns, relate::sql::Returns::rows);
  EXPECT_THAT(firsts(c.execute(t)), ElementsAre("Klara and the Sun"));
}

TEST_P(TextTest, UndeclaredUpdateReturnsNoRowsAndCountsTheRowsItChanged) {
  auto c = engine.connect();
  const auto t = text("UPDATE books SET year = year + 1 WHERE year > :year").bind("year", 2000);
  EXPECT_EQ(compiled(t).returns, relate::sql::Returns::unknown);
  auto cursor = c.execute(t);
  EXPECT_FALSE(cursor->next());
  EXPECT_EQ(c.rows_affected(), 2);
  EXPECT_EQ(rows("SELECT year FROM books WHERE id = 2"), (relate_test::Rows{{"2021"}}));
}

// What the compiler declares for an UPDATE, INSERT or DELETE without RETURNING.
TEST_P(TextTest, StatementDeclaredToReturnNoRowsRunsAndCountsTheRowsItChanged) {
  auto c = engine.connect();
  auto s = compiled(text("DELETE FROM books WHERE year < :year").bind("year", 2000));
  s.returns = relate::sql::Returns::no_rows;
  EXPECT_FALSE(c.execute(s)->next());
  EXPECT_EQ(c.rows_affected(), 1);
  EXPECT_EQ(count_rows("books"), 3);
}

TEST_P(TextTest, InsertReturningGivesTheGeneratedKey) {
  // Also MariaDB's (10.5 and later; MySQL has none): its server reports no columns when
  // it prepares the INSERT, so the execution tells that rows came back.
  auto c = engine.connect();
  auto cursor =
      c.execute(text("INSERT INTO books (title, year) VALUES (:title, :year) RETURNING id")
                    .bind("title", "Babel")
                    .bind("year", 2022));
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(std::get<0>(cursor->row<std::int64_t>()), 5);
}

TEST_P(TextTest, TextRunsOnTheSessionsConnectionInItsTransaction) {
  relate::Session session(engine, metadata_);
  relate::Connection& c = session.connection();
  c.execute(
      text("UPDATE books SET title = :title WHERE id = :id").bind("title", "Dune I").bind("id", 1));
  EXPECT_THAT(firsts(c.execute(text("SELECT title FROM books WHERE id = :id").bind("id", 1))),
              ElementsAre("Dune I"));
  session.rollback();
  EXPECT_EQ(rows("SELECT title FROM books WHERE id = 1"), (relate_test::Rows{{"Dune"}}));
}

RELATE_ON_EVERY_BACKEND(TextTest);

}  // namespace
