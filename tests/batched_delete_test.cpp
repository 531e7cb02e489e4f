// The rows a flush deletes from one table go in statements of many keys
// (DELETE ... WHERE key IN (...)), each checked to delete as many rows as it names; a
// table related to itself keeps one statement per row, children first.
#include "test_support.hpp"

namespace batched_delete_test {

using relate_test::Post;
using relate_test::User;

namespace {

using relate::ObjectStatus;
using relate_test::Rows;
using ::testing::HasSubstr;

class BatchedDeleteTest : public relate_test::SeededCascadeTest {
 protected:
  void three_posts() {
    exec_raw(
        "INSERT INTO posts (id, user_id, title) VALUES (11, 1, 'Two'), (12, 1, 'Three'), "
        "(20, 2, 'Bob''s')");
  }
};

// Issue 17's measure: one author with three books deleted through the ORM cascade.
TEST_P(BatchedDeleteTest, AnAuthorWithThreePostsTakesThreeStatements) {
  relate_test::SeedOptions o;
  o.posts_cascade = "all, delete-orphan";
  // (addresses left to the database, so that the user's posts are all there is)
  o.addresses_passive_deletes = true;
  o.addresses_on_delete = relate::cascade;
  const auto md = create(relate_test::seed_metadata(o));
  exec_raw("INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob')");
  exec_raw("INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'Hello')");
  three_posts();
  relate::Session session(engine, md);
  auto ann = session.get<User>(std::int64_t{1});
  clear();
  session.remove(ann);
  session.commit();
  // The posts (loaded for the cascade), their rows in one DELETE, then Ann's.
  ASSERT_EQ(statements.size(), 3u) << ::testing::PrintToString(statements);
  EXPECT_EQ(count_starting_with("SELECT"), 1u);
  EXPECT_EQ(count_starting_with("DELETE"), 2u);
  EXPECT_THAT(statements_starting_with("DELETE")[0], HasSubstr(" IN ("));
  EXPECT_EQ(rows("SELECT id FROM posts ORDER BY id"), (Rows{{"20"}}));
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Bob"}}));
}

// A row another transaction deleted makes the statement delete fewer rows than it
// names: StaleDataError, and the flush changes nothing.
TEST_P(BatchedDeleteTest, ARowGoneMeanwhileFailsTheWholeDelete) {
  const auto md = with_posts_cascade("save-update, merge");
  three_posts();
  relate::Session session(engine, md);
  auto posts =
      session.scalars(relate::select<Post>().where(relate::col(&Post::user_id) == 1)).all();
  ASSERT_EQ(posts.size(), 3u);
  exec_raw("DELETE FROM posts WHERE id = 11");
  for (const auto& p : posts) session.remove(p);
  EXPECT_THROW(session.flush(), relate::StaleDataError);
  session.rollback();
  for (const auto& p : posts) EXPECT_EQ(p.state()->status(), ObjectStatus::persistent);
  EXPECT_EQ(rows("SELECT id FROM posts ORDER BY id"), (Rows{{"10"}, {"12"}, {"20"}}));
}

// Every row's before_delete runs before the statement, every after_delete after it.
TEST_P(BatchedDeleteTest, MapperEventsSurroundTheStatement) {
  auto md = with_posts_cascade("save-update, merge");
  three_posts();
  std::vector<std::string> seen;
  md.on<Post>(relate::before_delete,
              [&](relate::Session&, Post& p) { seen.push_back("before " + p.title); });
  md.on<Post>(relate::after_delete,
              [&](relate::Session&, Post& p) { seen.push_back("after " + p.title); });
  relate::Session session(engine, md);
  auto posts =
      session
          .scalars(
              relate::select<Post>().where(relate::col(&Post::user_id) == 1).order_by(&Post::id))
          .all();
  for (const auto& p : posts) session.remove(p);
  clear();
  session.flush();
  EXPECT_EQ(count_starting_with("DELETE"), 1u);
  EXPECT_EQ(seen, (std::vector<std::string>{"before Hello", "before Two", "before Three",
                                            "after Hello", "after Two", "after Three"}));
  session.commit();
  EXPECT_EQ(rows("SELECT id FROM posts"), (Rows{{"20"}}));
}

}  // namespace

RELATE_ON_EVERY_BACKEND(BatchedDeleteTest);

}  // namespace batched_delete_test
