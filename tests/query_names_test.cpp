// Names a user gives the parts of a query (a label, a subquery's or a CTE's name) are
// identifiers: quoted by the dialect, never SQL. Each test gives a name that would end
// a quoted identifier or a string on any backend and then drop a table.
#include <string>
#include <tuple>
#include <vector>

#include "catalog_test.hpp"

namespace query_names_test {

using catalog::Book;
using catalog::Category;
using relate::col;
using relate::select;
using ::testing::ElementsAre;

const std::string kEvil = "n\"`'; DROP TABLE books; --";

struct PerAuthor {
  std::int64_t author_id = 0;
  std::int64_t books = 0;
};

class QueryNamesTest : public catalog::CatalogTest {};

TEST_P(QueryNamesTest, ALabelIsAQuotedIdentifier) {
  relate::Session session(engine, md);
  auto n = relate::count(&Book::id).label(kEvil);
  const auto rows = session
                        .execute(select(&Book::year, n)
                                     .group_by(&Book::year)
                                     .order_by(n.desc(), relate::asc(&Book::year)))
                        .all();
  using R = std::tuple<std::int64_t, std::int64_t>;
  EXPECT_THAT(rows, ElementsAre(R{2019, 2}, R{1965, 1}, R{1999, 1}));
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(count_rows("books"), 4);
}

TEST_P(QueryNamesTest, ASubqueryNameIsAQuotedIdentifier) {
  relate::Session session(engine, md);
  auto counts = relate::subquery<PerAuthor>(
      select(&Book::author_id, relate::count(&Book::id)).group_by(&Book::author_id), kEvil);
  const auto rows =
      session
          .execute(select(counts(&PerAuthor::author_id), counts(&PerAuthor::books))
                       .order_by(counts(&PerAuthor::author_id)))
          .all();
  EXPECT_EQ(rows, (std::vector<std::tuple<std::int64_t, std::int64_t>>{{1, 3}, {2, 1}}));
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(count_rows("books"), 4);
}

TEST_P(QueryNamesTest, ACteNameIsAQuotedIdentifier) {
  relate::Session session(engine, md);
  auto up = relate::cte(kEvil, select<Category>().where(col(&Category::name) == "Classics"));
  up.union_all(select<Category>().join(up, col(&Category::id) == up(&Category::parent_id)));
  const auto found = session.scalars(select(up).order_by(up(&Category::id).desc())).all();
  EXPECT_THAT(names(found), ElementsAre("Classics", "Novels", "Fiction"));
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(count_rows("books"), 4);
}

RELATE_ON_EVERY_BACKEND(QueryNamesTest);

}  // namespace query_names_test
