// New objects of one model whose keys are given share multi-row INSERTs (as SQLAlchemy
// batches them with executemany); objects whose keys the database generates take one
// INSERT each, because each key is read back before the children are written.
#include "test_support.hpp"

namespace batched_insert_test {

using relate_test::Post;
using relate_test::Rows;
using relate_test::User;
using ::testing::HasSubstr;

namespace {

class BatchedInsertTest : public relate_test::DatabaseTest {
 protected:
  BatchedInsertTest() : md(create(relate_test::seed_metadata())) {}

  relate::MetaData md;
};

TEST_P(BatchedInsertTest, ObjectsWithGivenKeysShareOneInsert) {
  relate::Session session(engine, md);
  for (std::int64_t id = 1; id <= 3; ++id) {
    session.add(User{.id = id, .name = "user" + std::to_string(id)});
  }
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], HasSubstr("VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)"));
  session.commit();
  EXPECT_EQ(rows("SELECT id, name FROM users ORDER BY id"),
            (Rows{{"1", "user1"}, {"2", "user2"}, {"3", "user3"}}));
}

TEST_P(BatchedInsertTest, ChildrenWithGivenKeysShareOneInsertAfterTheirParents) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.id = 1, .name = "Ann"});
  auto bob = session.add(User{.id = 2, .name = "Bob"});
  ann->posts.add(Post{.id = 10, .title = "a"});
  bob->posts.add(Post{.id = 11, .title = "b"});
  ann->posts.add(Post{.id = 12, .title = "c"});
  session.commit();
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 1u);
  EXPECT_EQ(count_starting_with("INSERT INTO \"posts\""), 1u);
  EXPECT_EQ(rows("SELECT id, user_id, title FROM posts ORDER BY id"),
            (Rows{{"10", "1", "a"}, {"11", "2", "b"}, {"12", "1", "c"}}));
}

TEST_P(BatchedInsertTest, ObjectsWithGeneratedKeysTakeOneInsertEach) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  auto bob = session.add(User{.name = "Bob"});
  session.flush();
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 2u);
  EXPECT_NE(ann->id, bob->id);
}

TEST_P(BatchedInsertTest, ABatchStopsAtFiveHundredRows) {
  relate::Session session(engine, md);
  for (std::int64_t id = 1; id <= 501; ++id) session.add(User{.id = id, .name = "u"});
  session.commit();
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 2u);
  EXPECT_EQ(count_rows("users"), 501);
}

TEST_P(BatchedInsertTest, AFailedBatchWritesNothingAndLeavesItsObjectsPending) {
  relate::Session session(engine, md);
  auto first = session.add(User{.id = 1, .name = "Ann", .email = "same@example.com"});
  auto second = session.add(User{.id = 2, .name = "Bob", .email = "same@example.com"});
  EXPECT_THROW(session.flush(), relate::IntegrityError);
  EXPECT_EQ(first.state()->status(), relate::ObjectStatus::pending);
  EXPECT_EQ(second.state()->status(), relate::ObjectStatus::pending);
  session.rollback();  // expunges what was pending, as SQLAlchemy's does
  EXPECT_EQ(count_rows("users"), 0);
  second->email = "bob@example.com";
  session.add(first);
  session.add(second);
  session.commit();
  EXPECT_EQ(count_rows("users"), 2);
}

}  // namespace

RELATE_ON_EVERY_BACKEND(BatchedInsertTest);

}  // namespace batched_insert_test
