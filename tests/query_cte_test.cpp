// Common table expressions in ORM queries, as SQLAlchemy 2.0's select(...).cte(): a
// recursive walk of the category tree down and up, a CTE joined, used in a subquery
// (its WITH goes on the outermost statement), selected as rows, and under loader
// options; what a CTE refuses.
#include <relate/orm/cte.hpp>

#include "catalog_test.hpp"

namespace query_cte_test {

using catalog::Author;
using catalog::Book;
using catalog::Category;
using relate::col;
using relate::select;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueryCteTest : public catalog::CatalogTest {
 protected:
  // Category `root` and every category below it.
  static relate::Cte<Category> subtree(std::int64_t root, std::string name = "tree") {
    auto tree = relate::cte(std::move(name), select<Category>().where(col(&Category::id) == root));
    tree.union_all(
        select<Category>().join(tree, col(&Category::parent_id) == tree(&Category::id)));
    return tree;
  }
};

TEST_P(QueryCteTest, ARecursiveCteWalksTheTreeDownInOneStatement) {
  relate::Session session(engine, md);
  auto tree = subtree(1);
  auto found = session.scalars(select(tree).order_by(tree(&Category::id))).all();
  EXPECT_THAT(names(found), ElementsAre("Fiction", "Novels", "Classics"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("WITH RECURSIVE "));
  EXPECT_THAT(statements[0], HasSubstr(" UNION ALL "));
}

TEST_P(QueryCteTest, ARecursiveCteWalksUpToTheRoot) {
  relate::Session session(engine, md);
  auto up = relate::cte("up", select<Category>().where(col(&Category::name) == "Classics"));
  up.union_all(select<Category>().join(up, col(&Category::id) == up(&Category::parent_id)));
  auto found = session.scalars(select(up).order_by(up(&Category::id).desc())).all();
  EXPECT_THAT(names(found), ElementsAre("Classics", "Novels", "Fiction"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryCteTest, ObjectsFromACteAreTheIdentityMapsObjects) {
  relate::Session session(engine, md);
  auto novels = session.get<Category>(std::int64_t{2});
  ASSERT_TRUE(novels);
  auto hold = session.no_autoflush();  // the change stays unflushed through the query
  novels->name = "Novels (changed, not flushed)";
  auto tree = subtree(1);
  auto found = session.scalars(select(tree).order_by(tree(&Category::id))).all();
  ASSERT_EQ(found.size(), 3u);
  EXPECT_TRUE(found[1] == novels);  // the same object, its change kept
  EXPECT_EQ(found[1]->name, "Novels (changed, not flushed)");
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryCteTest, ACteJoinedFiltersTheQuery) {
  // The books of Fiction and the categories below it.
  relate::Session session(engine, md);
  auto tree = subtree(1);
  auto books = session
                   .scalars(select<Book>()
                                .join(tree, col(&Book::category_id) == tree(&Category::id))
                                .order_by(&Book::title))
                   .all();
  EXPECT_THAT(names(books), ElementsAre("Dune", "Emma"));
  ASSERT_EQ(statements.size(), 1u);
}

TEST_P(QueryCteTest, ACteInASubqueryIsAWithOfTheWholeStatement) {
  relate::Session session(engine, md);
  auto cheap = relate::cte("cheap", select<Book>().where(col(&Book::price) < 10.0));
  auto authors =
      session
          .scalars(select<Author>()
                       .where(col(&Author::id).in(select(cheap(&Book::author_id))))
                       .order_by(&Author::name))
          .all();
  EXPECT_THAT(names(authors), ElementsAre("Ann", "Bob"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].rfind("WITH ", 0), 0u) << statements[0];
}

TEST_P(QueryCteTest, ColumnsOfACteSelectAsRows) {
  relate::Session session(engine, md);
  auto tree = subtree(2);
  auto rows = session.execute(select(tree(&Category::name), tree(&Category::parent_id))
                                  .order_by(tree(&Category::id)))
                  .all();
  using Row = std::tuple<std::string, std::optional<std::int64_t>>;
  EXPECT_THAT(rows, ElementsAre(Row{"Novels", 1}, Row{"Classics", 2}));
  EXPECT_EQ(session.scalar(select(relate::count()).select_from(tree)), 2);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryCteTest, UnionWithoutAllEndsAWalkOfACycle) {
  exec_raw("UPDATE categories SET parent_id = 3 WHERE id = 1");  // Fiction under Classics
  relate::Session session(engine, md);
  auto loop = relate::cte("loop", select<Category>().where(col(&Category::id) == 1));
  loop.union_(select<Category>().join(loop, col(&Category::parent_id) == loop(&Category::id)));
  auto found = session.scalars(select(loop).order_by(loop(&Category::id))).all();
  EXPECT_THAT(names(found), ElementsAre("Fiction", "Novels", "Classics"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(QueryCteTest, LoaderOptionsLoadFromACteRoot) {
  relate::Session session(engine, md);
  auto tree = subtree(1);
  // joined with a LIMIT wraps the query in a subquery: the WITH stays in front.
  auto found = session
                   .scalars(select(tree)
                                .order_by(tree(&Category::id))
                                .limit(2)
                                .options(relate::joinedload(&Category::children)))
                   .all();
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].rfind("WITH ", 0), 0u) << statements[0];
  ASSERT_THAT(names(found), ElementsAre("Fiction", "Novels"));
  EXPECT_THAT(names(std::vector<relate::ptr<Category>>(found[0]->children.begin(),
                                                       found[0]->children.end())),
              ElementsAre("Novels"));
  session.close();
  auto again = session.scalars(select(subtree(1)).options(relate::selectinload(&Category::children)))
                   .all();
  EXPECT_EQ(again.size(), 3u);
}

TEST_P(QueryCteTest, ANameThatNeedsQuotingIsQuoted) {
  relate::Session session(engine, md);
  auto tree = subtree(2, "tr\"ee'; DROP TABLE books; --");
  EXPECT_EQ(session.scalars(select(tree)).all().size(), 2u);
  EXPECT_EQ(session.scalar(select(relate::count()).select_from<Book>()), 4);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(QueryCteTest, WhatACteRefuses) {
  EXPECT_THROW(relate::cte("", select<Category>()), relate::ArgumentError);
  auto tree = subtree(1);
  EXPECT_THROW(tree.union_all(select<Category>()), relate::ArgumentError);  // a second part
  // A query of a CTE's columns outliving the CTE: a typed error, not a dangling name.
  auto orphan = [] { return select(subtree(1)(&Category::name)); }();
  relate::Session session(engine, md);
  EXPECT_THROW(session.execute(orphan).all(), relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

TEST_P(QueryCteTest, ACteNamedAsATableTheStatementReadsIsRefusedBeforeAnySql) {
  // WITH authors AS (SELECT ... FROM authors ...): the name would stand for the table in
  // the whole statement, its own body included.
  relate::Session session(engine, md);
  auto ann = relate::cte("authors", select<Author>().where(col(&Author::name) == "Ann"));
  try {
    session.scalars(select<Book>().join(ann, col(&Book::author_id) == ann(&Author::id))).all();
    FAIL() << "no error";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the CTE 'authors' has the name of a table the statement reads"));
  }
  auto two = relate::cte("tree", select<Category>());
  auto other = relate::cte("Tree", select<Category>());
  EXPECT_THROW(session.scalars(select(two).join(other, col(&Category::id) == other(&Category::id)))
                   .all(),
               relate::ArgumentError);
  EXPECT_TRUE(statements.empty());
}

RELATE_ON_EVERY_BACKEND(QueryCteTest);

}  // namespace query_cte_test
