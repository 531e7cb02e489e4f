// Session::refresh(): the object's row read again, its unflushed changes discarded, its
// relationships loaded again on next access, the Session's other changes flushed first.
#include "test_support.hpp"

namespace refresh_test {

using relate_test::Post;
using relate_test::User;

namespace {

using relate::ObjectStatus;
using relate_test::Rows;

class RefreshTest : public relate_test::DatabaseTest {
 protected:
  RefreshTest() : md(create(relate_test::seed_metadata())) {
    exec_raw("INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob')");
    exec_raw("INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'Hello')");
  }

  relate::MetaData md;
};

TEST_P(RefreshTest, TheRowReplacesUnflushedChanges) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.commit();  // (the next transaction sees the change below)
  exec_raw("UPDATE users SET name = 'Anne' WHERE id = 1");
  ann->name = "Annie";
  clear();
  session.refresh(ann);
  EXPECT_EQ(ann->name, "Anne");
  EXPECT_EQ(statements.size(), 1u);
  session.commit();  // nothing left to write
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Anne"}}));
}

TEST_P(RefreshTest, RelationshipsLoadAgain) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  EXPECT_EQ(ann->posts.size(), 1u);
  session.commit();
  exec_raw("INSERT INTO posts (id, user_id, title) VALUES (11, 1, 'Again')");
  session.refresh(ann);
  EXPECT_EQ(ann->posts.size(), 2u);
}

TEST_P(RefreshTest, TheSessionsOtherChangesAreFlushedFirst) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto cy = session.add(User{.name = "Cy"});
  clear();
  session.refresh(ann);
  EXPECT_EQ(statements_starting_with("INSERT").size(), 1u);
  EXPECT_EQ(statements.size(), 2u);
  EXPECT_EQ(cy.state()->status(), ObjectStatus::persistent);
}

TEST_P(RefreshTest, OnlyAPersistentObjectOfTheSession) {
  relate::Session session(engine, md);
  auto cy = session.add(User{.name = "Cy"});
  EXPECT_THROW(session.refresh(cy), relate::InvalidRequestError);
  auto ann = session.get<User>(1);
  relate::Session other(engine, md);
  EXPECT_THROW(other.refresh(ann), relate::InvalidRequestError);
  session.expunge(ann);
  EXPECT_THROW(session.refresh(ann), relate::InvalidRequestError);
}

TEST_P(RefreshTest, AnObjectWhoseRowIsGoneLeavesTheSession) {
  relate::Session session(engine, md);
  auto bob = session.get<User>(2);
  session.commit();
  exec_raw("DELETE FROM users WHERE id = 2");
  EXPECT_THROW(session.refresh(bob), relate::InvalidRequestError);
  EXPECT_EQ(bob.state()->status(), ObjectStatus::transient);
  EXPECT_FALSE(session.get<User>(2));
}

TEST_P(RefreshTest, ARefreshAfterTheTransactionWroteIsReadAgainAtRollback) {
  relate::Session session(engine, md);
  auto bob = session.get<User>(2);
  session.commit();
  session.execute(relate::text("UPDATE users SET name = 'Robert' WHERE id = 2"));
  session.refresh(bob);
  EXPECT_EQ(bob->name, "Robert");
  session.rollback();
  EXPECT_EQ(bob->name, "Bob");
}

}  // namespace

RELATE_ON_EVERY_BACKEND(RefreshTest);

}  // namespace refresh_test
