// Session::expire(), expire_all() and refresh() of named members: expired members
// load from the row at the next access through a handle, or when a query returns the
// row; the refresh-expire and expunge cascades. The SQLAlchemy 1.4 behaviours they
// follow were checked side by side (cascade_iterator's pending rule, get() of an
// expired object whose row is gone).
#include "test_support.hpp"

namespace expire_test {

using relate_test::Post;
using relate_test::User;

namespace {

using relate::ObjectStatus;
using relate_test::Rows;

class ExpireTest : public relate_test::DatabaseTest {
 protected:
  ExpireTest() : md(create(relate_test::seed_metadata())) {
    exec_raw("INSERT INTO users (id, name, email) VALUES (1, 'Ann', 'ann@x'), (2, 'Bob', NULL)");
    exec_raw("INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'Hello')");
  }

  relate::MetaData md;
};

TEST_P(ExpireTest, ExpiredMembersLoadAtTheNextAccessThroughAHandle) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.commit();
  exec_raw("UPDATE users SET name = 'Anne' WHERE id = 1");
  clear();
  session.expire(ann);
  EXPECT_TRUE(ann.state()->expired());
  EXPECT_TRUE(statements.empty());
  EXPECT_EQ(ann->name, "Anne");
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_FALSE(ann.state()->expired());
  EXPECT_EQ((*ann).email, "ann@x");
  EXPECT_EQ(statements.size(), 1u);  // loaded once
}

TEST_P(ExpireTest, AnExpiredMemberHoldsItsLastLoadedValueAndItsChangeIsDiscarded) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  User* raw = ann.get();  // not a handle: it reads the member as it is
  raw->name = "Annie";
  session.expire(ann);
  EXPECT_EQ(raw->name, "Ann");
  clear();
  session.flush();
  EXPECT_TRUE(statements.empty());
  EXPECT_EQ(ann->name, "Ann");
  session.commit();
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Ann"}}));
}

TEST_P(ExpireTest, NamedMembersExpireAlone) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.commit();
  exec_raw("UPDATE users SET email = 'anne@x', name = 'Anne' WHERE id = 1");
  ann->name = "Annie";
  ann->email = "annie@x";
  session.expire(ann, &User::email);
  EXPECT_EQ(ann.state()->committed()[2], relate::Value(std::string("ann@x")));
  clear();
  EXPECT_EQ(ann->email, "anne@x");
  EXPECT_EQ(ann->name, "Annie");  // kept
  // The access flushed the change kept, then loaded what had expired.
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], testing::StartsWith("UPDATE"));
  session.commit();
  EXPECT_EQ(rows("SELECT name, email FROM users WHERE id = 1"), (Rows{{"Annie", "anne@x"}}));
}

TEST_P(ExpireTest, AnExpiredRelationshipLoadsAgain) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  EXPECT_EQ(ann->posts.size(), 1u);
  session.commit();
  exec_raw("INSERT INTO posts (id, user_id, title) VALUES (11, 1, 'Again')");
  session.expire(ann, &User::posts);
  EXPECT_FALSE(ann.state()->expired());  // no column expired
  clear();
  EXPECT_EQ(ann->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(ExpireTest, AQueryReturningTheRowFillsTheExpiredMembers) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.commit();
  exec_raw("UPDATE users SET name = 'Anne' WHERE id = 1");
  session.expire(ann);
  clear();
  auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0], ann);
  EXPECT_FALSE(ann.state()->expired());
  EXPECT_EQ(ann->name, "Anne");
  EXPECT_EQ(statements.size(), 1u);
}

// Found by the differential fuzzer (--session-api, seed 810111): a joined load of a
// collection the Session had loaded already reads the child rows only to find their
// objects, and it left an expired child expired. SQLAlchemy fills an object's expired
// attributes from any row that brings it.
TEST_P(ExpireTest, AJoinedLoadOfALoadedCollectionFillsAnExpiredChildFromItsRow) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ASSERT_EQ(ann->posts.size(), 1u);  // loaded
  auto hello = ann->posts[0];
  session.commit();
  exec_raw("UPDATE posts SET title = 'Hello again' WHERE id = 10");
  session.expire(hello);
  clear();
  auto again = session.scalars(relate::select<User>()
                                   .where(relate::col(&User::id) == 1)
                                   .options(relate::joinedload(&User::posts)))
                   .one();
  EXPECT_EQ(again, ann);
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_FALSE(hello.state()->expired());
  EXPECT_EQ(hello->title, "Hello again");
  EXPECT_EQ(statements.size(), 1u);  // from the joined row, not a load of its own
}

TEST_P(ExpireTest, AnExpiredLoadFlushesFirst) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.expire(ann);
  session.add(User{.id = 3, .name = "Cy"});
  clear();
  EXPECT_EQ(ann->name, "Ann");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], testing::StartsWith("INSERT"));
}

TEST_P(ExpireTest, GoneRowsAreObjectDeletedErrorOrNullFromGet) {
  relate::Session session(engine, md);
  auto bob = session.get<User>(2);
  session.commit();
  exec_raw("DELETE FROM users WHERE id = 2");
  session.expire(bob);
  EXPECT_THROW((void)bob->name, relate::ObjectDeletedError);
  EXPECT_FALSE(session.get<User>(2));
}

TEST_P(ExpireTest, AnExpiredObjectWithoutASessionCannotLoad) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.expire(ann);
  session.close();
  EXPECT_THROW((void)ann->name, relate::DetachedInstanceError);
  // Added to another Session, it loads there.
  relate::Session other(engine, md);
  other.add(ann);
  EXPECT_EQ(ann->name, "Ann");
}

TEST_P(ExpireTest, OnlyAPersistentObjectOfTheSession) {
  relate::Session session(engine, md);
  auto cy = session.add(User{.name = "Cy"});
  EXPECT_THROW(session.expire(cy), relate::InvalidRequestError);
  EXPECT_THROW(session.refresh(cy, &User::name), relate::InvalidRequestError);
  auto ann = session.get<User>(1);
  relate::Session other(engine, md);
  EXPECT_THROW(other.expire(ann), relate::InvalidRequestError);
}

TEST_P(ExpireTest, ExpireAllExpiresEveryPersistentObject) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto bob = session.get<User>(2);
  auto cy = session.add(User{.id = 3, .name = "Cy"});
  bob->name = "Robert";
  session.expire_all();
  EXPECT_TRUE(ann.state()->expired());
  EXPECT_TRUE(bob.state()->expired());
  EXPECT_FALSE(cy.state()->expired());
  EXPECT_EQ(bob->name, "Bob");
}

TEST_P(ExpireTest, ExpireOnCommitExpiresEveryPersistentObject) {
  relate::Session session(engine, md, {.expire_on_commit = true});
  auto ann = session.get<User>(1);
  ann->name = "Anne";
  session.commit();
  EXPECT_TRUE(ann.state()->expired());
  exec_raw("UPDATE users SET name = 'Annie' WHERE id = 1");
  clear();
  EXPECT_EQ(ann->name, "Annie");
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(ExpireTest, ARollbackLeavesAnExpiredObjectExpired) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.expire(ann);
  session.rollback();
  exec_raw("UPDATE users SET name = 'Anne' WHERE id = 1");
  EXPECT_EQ(ann->name, "Anne");
}

TEST_P(ExpireTest, RefreshOfNamedMembersReadsOnlyThoseAndLoadsRelationshipsAtOnce) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.commit();
  exec_raw("UPDATE users SET name = 'Anne', email = 'anne@x' WHERE id = 1");
  exec_raw("INSERT INTO posts (id, user_id, title) VALUES (11, 1, 'Again')");
  ann->email = "annie@x";
  clear();
  session.refresh(ann, &User::name, &User::posts);
  // The autoflush writes the change of a member not named; then the row, the posts.
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_THAT(statements[0], testing::StartsWith("UPDATE"));
  EXPECT_EQ(ann->name, "Anne");
  EXPECT_EQ(ann->email, "annie@x");
  EXPECT_EQ(ann->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 3u);
}

// ---- found by review ----

TEST_P(ExpireTest, AnExpiredObjectWhoseInsertIsRolledBackHasNothingExpired) {
  relate::Session session(engine, md);
  auto cy = session.add(User{.id = 5, .name = "Cy"});
  session.flush();
  session.expire(cy);
  session.rollback();
  EXPECT_EQ(cy.state()->status(), ObjectStatus::transient);
  EXPECT_FALSE(cy.state()->expired());
  session.add(cy);
  auto hold = session.no_autoflush();
  EXPECT_EQ(cy->name, "Cy");  // no row to load from, nothing to load
}

TEST_P(ExpireTest, AnExpiredObjectClosedWithItsTransactionKeepsNoRolledBackValue) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->name = "v1";
  session.flush();
  session.expire(ann);
  session.close();  // rolls the flush back
  relate::Session other(engine, md);
  other.add(ann);
  clear();
  EXPECT_EQ(ann->name, "Ann");
  EXPECT_TRUE(statements_starting_with("UPDATE").empty());
  other.commit();
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Ann"}}));
}

TEST_P(ExpireTest, AValueThatDoesNotConvertLeavesTheObjectExpiredAndUnchanged) {
  if (std::string_view(GetParam()) != "sqlite")
    GTEST_SKIP() << "only SQLite stores text in an integer column";
  relate::Session session(engine, md);
  auto hello = session.get<Post>(10);
  session.commit();
  exec_raw(
      "PRAGMA foreign_keys = OFF; UPDATE posts SET title = 'Changed', user_id = 'abc' WHERE id = "
      "10");
  session.expire(hello);
  EXPECT_THROW((void)hello->title, relate::DataError);
  EXPECT_TRUE(hello.state()->expired());
  EXPECT_EQ(hello.state()->committed()[2], relate::Value(std::string("Hello")));
  exec_raw("UPDATE posts SET user_id = 2 WHERE id = 10");
  EXPECT_EQ(hello->title, "Changed");
  EXPECT_EQ(hello->user_id, 2);
}

TEST_P(ExpireTest, AnExpiredLoadFlushesWithoutComparingEveryObject) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto bob = session.get<User>(2);
  session.expire(ann);
  bob->name = "Robert";  // found only by comparing: left for the next query, as a lazy load
  clear();
  EXPECT_EQ(ann->name, "Ann");
  EXPECT_EQ(statements.size(), 1u);
}

// Found by the differential fuzzer (seed 94 of --session-api).
TEST_P(ExpireTest, ARefreshWhoseAutoflushDeletesTheRowLeavesTheObjectDeleted) {
  relate::Session session(engine, md);
  auto bob = session.get<User>(2);
  session.remove(bob);
  EXPECT_THROW(session.refresh(bob), relate::InvalidRequestError);
  EXPECT_EQ(bob.state()->status(), ObjectStatus::deleted);
  session.rollback();
  EXPECT_EQ(bob.state()->status(), ObjectStatus::persistent);
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 2"), (Rows{{"Bob"}}));
}

// ---- cascades ----

class ExpireCascadeTest : public relate_test::SeededCascadeTest {};

TEST_P(ExpireCascadeTest, RefreshExpireReachesLoadedPersistentObjects) {
  relate::MetaData md = with_posts_cascade("all");
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto hello = ann->posts[0];
  auto draft = relate::make(Post{.id = 11, .title = "Draft"});
  ann->posts.push_back(draft);
  hello->title = "Hi";
  session.expire(ann);
  EXPECT_TRUE(hello.state()->expired());
  // Without delete-orphan a pending object is passed over, as SQLAlchemy's cascade does.
  EXPECT_EQ(draft.state()->status(), ObjectStatus::pending);
  EXPECT_EQ(hello->title, "Hello");  // (its load's autoflush inserts the draft)
}

TEST_P(ExpireCascadeTest, RefreshExpireWithDeleteOrphanTakesPendingObjectsOut) {
  relate::MetaData md = with_posts_cascade("all, delete-orphan");
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto draft = relate::make(Post{.id = 11, .title = "Draft"});
  ann->posts.push_back(draft);
  session.refresh(ann);
  EXPECT_EQ(draft.state()->status(), ObjectStatus::transient);
  EXPECT_EQ(ann->posts.size(), 1u);
  session.commit();
  EXPECT_EQ(rows("SELECT id FROM posts ORDER BY id"), (Rows{{"10"}}));
}

TEST_P(ExpireCascadeTest, WithoutTheCascadeWordNothingElseExpires) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto hello = ann->posts[0];
  session.expire(ann);
  EXPECT_FALSE(hello.state()->expired());
}

TEST_P(ExpireCascadeTest, ExpungeCascadesAlongLoadedRelationships) {
  relate::MetaData md = with_posts_cascade("all");
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto hello = ann->posts[0];
  session.expunge(ann);
  EXPECT_EQ(ann.state()->status(), ObjectStatus::detached);
  EXPECT_EQ(hello.state()->status(), ObjectStatus::detached);
}

TEST_P(ExpireCascadeTest, ExpungeWithoutTheCascadeWordLeavesTheOthers) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto hello = ann->posts[0];
  session.expunge(ann);
  EXPECT_EQ(hello.state()->status(), ObjectStatus::persistent);
}

}  // namespace

RELATE_ON_EVERY_BACKEND(ExpireTest);
RELATE_ON_EVERY_BACKEND(ExpireCascadeTest);

}  // namespace expire_test
