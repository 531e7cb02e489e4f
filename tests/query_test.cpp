// ORM queries: select<T>() with typed column expressions, ordering, limit/offset, and
// the ways to take results (all, first, one, one_or_none).
#include "test_support.hpp"

namespace query_test {

struct Product {
  std::int64_t id = 0;
  std::string name;
  std::int64_t price = 0;
  std::optional<std::string> category;
};

namespace {

using relate::col;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class QueryTest : public relate_test::DatabaseTest {
 protected:
  QueryTest()
      : md(create(
            relate::MetaData{}.table<Product>("products", relate::primary_key(&Product::id)))),
        session(engine, md) {
    exec_raw(
        "INSERT INTO products (id, name, price, category) VALUES "
        "(1, 'apple', 3, 'fruit'), (2, 'banana', 2, 'fruit'), (3, 'carrot', 5, 'vegetable'), "
        "(4, 'dates', 10, NULL), (5, 'eggplant', 5, 'vegetable');");
  }

  // Names of the products a query returns, in row order.
  std::vector<std::string> names(const relate::Select<Product>& query) {
    return relate_test::names_of(session.scalars(query).all());
  }
  // Same, for a query whose order is not specified.
  std::vector<std::string> names_where(const relate::Condition& condition) {
    return names(relate::select<Product>().where(condition).order_by(&Product::id));
  }

  relate::MetaData md;
  relate::Session session;
};

// ---- comparisons ----

TEST_P(QueryTest, Equal) {
  EXPECT_THAT(names_where(col(&Product::price) == 5), ElementsAre("carrot", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, NotEqual) {
  EXPECT_THAT(names_where(col(&Product::price) != 5), ElementsAre("apple", "banana", "dates"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, LessThan) {
  EXPECT_THAT(names_where(col(&Product::price) < 5), ElementsAre("apple", "banana"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, LessOrEqual) {
  EXPECT_THAT(names_where(col(&Product::price) <= 3), ElementsAre("apple", "banana"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, GreaterThan) {
  EXPECT_THAT(names_where(col(&Product::price) > 5), ElementsAre("dates"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, GreaterOrEqual) {
  EXPECT_THAT(names_where(col(&Product::price) >= 5), ElementsAre("carrot", "dates", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, EqualOnAString) {
  EXPECT_THAT(names_where(col(&Product::name) == "banana"), ElementsAre("banana"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, EqualOnAnOptionalColumnComparesItsValue) {
  EXPECT_THAT(names_where(col(&Product::category) == "fruit"), ElementsAre("apple", "banana"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, In) {
  EXPECT_THAT(names_where(col(&Product::name).in({"apple", "dates", "zucchini"})),
              ElementsAre("apple", "dates"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, InAnEmptyListMatchesNothing) {
  EXPECT_THAT(names_where(col(&Product::price).in({})), IsEmpty());
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, NotIn) {
  EXPECT_THAT(names_where(col(&Product::price).not_in({2, 3, 5})), ElementsAre("dates"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, NotInAnEmptyListMatchesEverything) {
  EXPECT_THAT(names_where(col(&Product::price).not_in({})),
              ElementsAre("apple", "banana", "carrot", "dates", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, InAnEmptyListMatchesNothingAlsoUnderNot) {
  EXPECT_THAT(names_where(!col(&Product::price).in({}) && col(&Product::price) < 4),
              ElementsAre("apple", "banana"));
  EXPECT_EQ(statements.size(), 1u);
}

// PostgreSQL and MySQL take at most 65,535 parameters in a statement, SQLite 32,766.
TEST_P(QueryTest, InListOfIntegersLongerThanTheParameterLimitIsOneStatement) {
  std::vector<std::int64_t> ids;
  for (std::int64_t i = 70000; i >= 3; --i) ids.push_back(i);
  clear();
  EXPECT_THAT(names_where(col(&Product::id).in(ids)), ElementsAre("carrot", "dates", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_THAT(names_where(col(&Product::id).not_in(ids)), ElementsAre("apple", "banana"));
}

TEST_P(QueryTest, InListOfTextLongerThanTheParameterLimitIsAnArgumentErrorNamingTheLimit) {
  const std::vector<std::string> names(70000, "apple");
  try {
    names_where(col(&Product::name).in(names));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("70000 parameters"));
    EXPECT_THAT(e.what(), HasSubstr(std::to_string(engine.dialect().max_parameters())));
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(QueryTest, InListAtTheParameterLimitIsBound) {
  std::vector<std::int64_t> ids(engine.dialect().max_parameters(), 1);
  clear();
  EXPECT_THAT(names(relate::select<Product>().where(col(&Product::id).in(ids))),
              ElementsAre("apple"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("IN (?, ?"));
}

TEST_P(QueryTest, IsNull) {
  EXPECT_THAT(names_where(col(&Product::category).is_null()), ElementsAre("dates"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, IsNotNull) {
  EXPECT_THAT(names_where(col(&Product::category).is_not_null()),
              ElementsAre("apple", "banana", "carrot", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, Like) {
  EXPECT_THAT(names_where(col(&Product::name).like("%a%e%")), ElementsAre("apple", "dates"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, LikeOnAnOptionalColumn) {
  EXPECT_THAT(names_where(col(&Product::category).like("veg%")), ElementsAre("carrot", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

// ---- boolean logic ----

TEST_P(QueryTest, And) {
  EXPECT_THAT(names_where(col(&Product::price) == 5 && col(&Product::name) == "carrot"),
              ElementsAre("carrot"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, Or) {
  EXPECT_THAT(names_where(col(&Product::price) == 2 || col(&Product::price) == 10),
              ElementsAre("banana", "dates"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, Not) {
  EXPECT_THAT(names_where(!(col(&Product::price) >= 5)), ElementsAre("apple", "banana"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, AndBindsTighterThanOrWhenGrouped) {
  // price = 2 OR (category = 'vegetable' AND price = 5)
  EXPECT_THAT(names_where(col(&Product::price) == 2 || (col(&Product::category) == "vegetable" &&
                                                        col(&Product::name) == "carrot")),
              ElementsAre("banana", "carrot"));
  // (price = 2 OR category = 'vegetable') AND name = 'carrot'
  EXPECT_THAT(names_where((col(&Product::price) == 2 || col(&Product::category) == "vegetable") &&
                          col(&Product::name) == "carrot"),
              ElementsAre("carrot"));
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryTest, SuccessiveWhereCallsAreAnded) {
  EXPECT_THAT(names(relate::select<Product>()
                        .where(col(&Product::price) == 5)
                        .where(col(&Product::name) == "eggplant")),
              ElementsAre("eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, ColumnComparedWithAnotherColumn) {
  exec_raw("INSERT INTO products (id, name, price, category) VALUES (6, 'fig', 1, 'fig')");
  EXPECT_THAT(names_where(col(&Product::name) == col(&Product::category)), ElementsAre("fig"));
  EXPECT_EQ(statements.size(), 1u);
}

// ---- parameters ----

TEST_P(QueryTest, ValuesAreBoundParameters) {
  clear();
  EXPECT_THAT(names_where(col(&Product::name) == "x' OR '1'='1"), IsEmpty());
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], Not(HasSubstr("'1'='1")));
}

// ---- ordering, limit, offset ----

TEST_P(QueryTest, OrderByAscending) {
  EXPECT_THAT(names(relate::select<Product>().order_by(relate::asc(&Product::name))),
              ElementsAre("apple", "banana", "carrot", "dates", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OrderByDescending) {
  EXPECT_THAT(names(relate::select<Product>().order_by(relate::desc(&Product::name))),
              ElementsAre("eggplant", "dates", "carrot", "banana", "apple"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OrderByTwoColumns) {
  EXPECT_THAT(names(relate::select<Product>()
                        .order_by(relate::desc(&Product::price))
                        .order_by(relate::desc(&Product::id))),
              ElementsAre("dates", "eggplant", "carrot", "apple", "banana"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, Limit) {
  EXPECT_THAT(names(relate::select<Product>().order_by(&Product::id).limit(2)),
              ElementsAre("apple", "banana"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, LimitAndOffset) {
  EXPECT_THAT(names(relate::select<Product>().order_by(&Product::id).limit(2).offset(1)),
              ElementsAre("banana", "carrot"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OffsetWithoutLimit) {
  EXPECT_THAT(names(relate::select<Product>().order_by(&Product::id).offset(3)),
              ElementsAre("dates", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

// ---- results ----

TEST_P(QueryTest, AllReturnsEveryRow) {
  const auto all = session.scalars(relate::select<Product>()).all();
  EXPECT_THAT(relate_test::names_of(all),
              UnorderedElementsAre("apple", "banana", "carrot", "dates", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, ResultIsIterable) {
  std::vector<std::string> out;
  for (const auto& p : session.scalars(
           relate::select<Product>().where(col(&Product::price) == 5).order_by(&Product::id))) {
    out.push_back(p->name);
  }
  EXPECT_THAT(out, ElementsAre("carrot", "eggplant"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, FirstReturnsTheFirstRow) {
  auto first =
      session.scalars(relate::select<Product>().order_by(relate::desc(&Product::price))).first();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->name, "dates");
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, FirstOfNoRowsIsNull) {
  EXPECT_FALSE(
      session.scalars(relate::select<Product>().where(col(&Product::price) > 100)).first());
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OneReturnsTheOnlyRow) {
  auto one = session.scalars(relate::select<Product>().where(col(&Product::name) == "apple")).one();
  EXPECT_EQ(one->price, 3);
  EXPECT_EQ(one->category, "fruit");
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OneOfNoRowsThrowsNoResultFound) {
  EXPECT_THROW(session.scalars(relate::select<Product>().where(col(&Product::price) > 100)).one(),
               relate::NoResultFound);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OneOfSeveralRowsThrowsMultipleResultsFound) {
  EXPECT_THROW(session.scalars(relate::select<Product>().where(col(&Product::price) == 5)).one(),
               relate::MultipleResultsFound);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OneOrNoneReturnsTheOnlyRow) {
  auto one = session.scalars(relate::select<Product>().where(col(&Product::name) == "apple"))
                 .one_or_none();
  ASSERT_TRUE(one);
  EXPECT_EQ(one->name, "apple");
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OneOrNoneOfNoRowsIsNull) {
  EXPECT_FALSE(
      session.scalars(relate::select<Product>().where(col(&Product::price) > 100)).one_or_none());
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, OneOrNoneOfSeveralRowsThrowsMultipleResultsFound) {
  EXPECT_THROW(
      session.scalars(relate::select<Product>().where(col(&Product::price) == 5)).one_or_none(),
      relate::MultipleResultsFound);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, AQueryIsOneStatement) {
  clear();
  const auto all = session
                       .scalars(relate::select<Product>()
                                    .where(col(&Product::price) >= 5)
                                    .order_by(&Product::id)
                                    .limit(2))
                       .all();
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryTest, ColumnOfAnotherModelIsAnArgumentErrorNamingIt) {
  try {
    session.scalars(relate::select<Product>().where(col(&relate_test::User::name) == "Ann"));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("User::name"));
  }
  EXPECT_EQ(statements.size(), 0u);
}

RELATE_ON_EVERY_BACKEND(QueryTest);

}  // namespace
}  // namespace query_test
