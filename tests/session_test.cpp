// The Session: adding and committing, get by primary key, the identity map, change
// detection at flush, delete, rollback and close. A failed flush: failed_flush_test.cpp.
#include <chrono>

#include "test_support.hpp"

namespace session_test {

using relate_test::User;

struct Flag {
  std::int64_t id = 0;
  bool on = false;
};

struct Stamp {
  std::int64_t id = 0;
  std::chrono::system_clock::time_point at;
};

namespace {

using relate::ObjectStatus;
using relate_test::Rows;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class SessionTest : public relate_test::DatabaseTest {
 protected:
  SessionTest() : md(create(relate_test::seed_metadata())) {}

  // Ann (id 1, ann@example.com) and Bob (id 2), written outside Relate.
  void seed_users() {
    exec_raw(
        "INSERT INTO users (id, name, email) VALUES (1, 'Ann', 'ann@example.com'), "
        "(2, 'Bob', NULL)");
  }

  relate::MetaData md;
};

// ---- add, commit, get ----

TEST_P(SessionTest, AddAndCommitAssignsAutoincrementIds) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  auto bob = session.add(User{.name = "Bob"});
  EXPECT_EQ(ann->id, 0);
  session.commit();
  EXPECT_EQ(ann->id, 1);
  EXPECT_EQ(bob->id, 2);
  EXPECT_EQ(rows("SELECT id, name FROM users ORDER BY id"), (Rows{{"1", "Ann"}, {"2", "Bob"}}));
}

TEST_P(SessionTest, FlushOfNewObjectsOfOneTableIssuesOneInsert) {
  relate::Session session(engine, md);
  session.add(User{.name = "Ann"});
  session.add(User{.name = "Bob"});
  session.flush();
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 1u);
}

TEST_P(SessionTest, FlushedRowsAreInvisibleToOthersUntilCommit) {
  relate::Session session(engine, md);
  session.add(User{.name = "Ann"});
  session.flush();
  EXPECT_EQ(count_rows("users"), 0);
  session.commit();
  EXPECT_EQ(count_rows("users"), 1);
}

TEST_P(SessionTest, GetByPrimaryKeyLoadsTheRowWithOneSelect) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->name, "Ann");
  EXPECT_EQ(ann->email, "ann@example.com");
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], StartsWith("SELECT"));
}

TEST_P(SessionTest, GetOfAMissingKeyReturnsNull) {
  relate::Session session(engine, md);
  EXPECT_FALSE(session.get<User>(42));
}

TEST_P(SessionTest, ObjectsAreIdentityMappedAcrossQueries) {
  seed_users();
  relate::Session session(engine, md);
  const auto first = session.scalars(relate::select<User>().order_by(&User::id)).all();
  const auto second = session.scalars(relate::select<User>().order_by(&User::id)).all();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(first[0].get(), second[0].get());
  EXPECT_EQ(first[1].get(), second[1].get());
}

TEST_P(SessionTest, GetAfterAQueryReturnsTheSameObjectWithoutAStatement) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.scalars(relate::select<User>().where(relate::col(&User::id) == 1)).one();
  clear();
  auto again = session.get<User>(ann->id);
  EXPECT_EQ(again.get(), ann.get());
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SessionTest, GetOfANewlyFlushedObjectReturnsItWithoutAStatement) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  session.flush();
  clear();
  EXPECT_EQ(session.get<User>(ann->id).get(), ann.get());
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SessionTest, IdentityMapKeepsInMemoryChangesWhenTheRowIsQueriedAgain) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->name = "Annie";
  auto again = session.scalars(relate::select<User>().where(relate::col(&User::id) == 1)).one();
  EXPECT_EQ(again.get(), ann.get());
  EXPECT_EQ(again->name, "Annie");
}

// ---- change detection ----

TEST_P(SessionTest, ChangingOneFieldFlushesOneUpdateOfThatColumnOnly) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  clear();
  ann->name = "Annie";
  session.flush();
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], StartsWith("UPDATE \"users\" SET \"name\" = ? WHERE"));
  EXPECT_THAT(statements[0], Not(HasSubstr("\"email\"")));
  session.commit();
  EXPECT_EQ(rows("SELECT name, email FROM users WHERE id = 1"),
            (Rows{{"Annie", "ann@example.com"}}));
}

TEST_P(SessionTest, UnchangedObjectsFlushNoStatements) {
  seed_users();
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>()).all();
  ASSERT_EQ(users.size(), 2u);
  clear();
  session.flush();
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SessionTest, ObjectsJustInsertedFlushNoStatementsTheSecondTime) {
  relate::Session session(engine, md);
  session.add(User{.name = "Ann"});
  session.flush();
  clear();
  session.flush();
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SessionTest, FieldSetBackToItsLoadedValueFlushesNoStatements) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  clear();
  ann->name = "Annie";
  ann->name = "Ann";
  session.flush();
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SessionTest, UnchangedBoolColumnFlushesNoStatements) {
  const relate::MetaData flags =
      create(relate::MetaData{}.table<Flag>("flags", relate::primary_key(&Flag::id)));
  exec_raw("INSERT INTO flags (id, \"on\") VALUES (1, TRUE)");
  relate::Session session(engine, flags);
  auto flag = session.get<Flag>(1);
  ASSERT_TRUE(flag);
  EXPECT_TRUE(flag->on);
  clear();
  session.flush();
  EXPECT_EQ(statements.size(), 0u) << (statements.empty() ? "" : statements.front());
}

TEST_P(SessionTest, UnchangedTimestampColumnFlushesNoStatements) {
  const relate::MetaData stamps =
      create(relate::MetaData{}.table<Stamp>("stamps", relate::primary_key(&Stamp::id)));
  exec_raw("INSERT INTO stamps (id, at) VALUES (1, '2024-01-02 03:04:05.000006')");
  relate::Session session(engine, stamps);
  auto stamp = session.get<Stamp>(1);
  ASSERT_TRUE(stamp);
  clear();
  session.flush();
  EXPECT_EQ(statements.size(), 0u) << (statements.empty() ? "" : statements.front());
}

// ---- delete ----

TEST_P(SessionTest, RemoveDeletesTheRowAtCommit) {
  seed_users();
  relate::Session session(engine, md);
  auto bob = session.get<User>(2);
  session.remove(bob);
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("DELETE FROM \"users\""), 1u);
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Ann"}}));
}

TEST_P(SessionTest, RemovingAPendingObjectForgetsIt) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  session.remove(ann);
  session.commit();
  EXPECT_EQ(count_rows("users"), 0);
  EXPECT_EQ(ann.state()->status(), ObjectStatus::transient);
}

TEST_P(SessionTest, ObjectsFollowTheLifecycleStates) {
  relate::Session session(engine, md);
  auto ann = relate::make(User{.name = "Ann"});
  EXPECT_EQ(ann.state()->status(), ObjectStatus::transient);
  session.add(ann);
  EXPECT_EQ(ann.state()->status(), ObjectStatus::pending);
  session.flush();
  EXPECT_EQ(ann.state()->status(), ObjectStatus::persistent);
  session.remove(ann);
  EXPECT_EQ(ann.state()->status(), ObjectStatus::persistent);  // marked, until the flush
  session.flush();
  EXPECT_EQ(ann.state()->status(), ObjectStatus::deleted);
  session.commit();
  EXPECT_EQ(ann.state()->status(), ObjectStatus::detached);
  EXPECT_TRUE(ann.state()->was_deleted());
}

// ---- rollback and close ----

TEST_P(SessionTest, RollbackDiscardsPendingObjects) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  session.rollback();
  EXPECT_EQ(ann.state()->status(), ObjectStatus::transient);
  clear();
  session.commit();
  EXPECT_EQ(statements.size(), 0u);
  EXPECT_EQ(count_rows("users"), 0);
}

TEST_P(SessionTest, RollbackAfterFlushRemovesTheFlushedRows) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  session.flush();
  session.rollback();
  session.commit();
  EXPECT_EQ(count_rows("users"), 0);
  EXPECT_EQ(ann.state()->status(), ObjectStatus::transient);
}

TEST_P(SessionTest, RollbackRestoresModifiedFields) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->name = "Annie";
  ann->email = std::nullopt;
  session.rollback();
  EXPECT_EQ(ann->name, "Ann");
  EXPECT_EQ(ann->email, "ann@example.com");
}

TEST_P(SessionTest, RollbackRestoresFieldsThatWereFlushed) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->name = "Annie";
  session.flush();
  session.rollback();
  EXPECT_EQ(ann->name, "Ann");
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Ann"}}));
}

TEST_P(SessionTest, RollbackUndoesARemove) {
  seed_users();
  relate::Session session(engine, md);
  auto bob = session.get<User>(2);
  session.remove(bob);
  session.rollback();
  EXPECT_EQ(bob.state()->status(), ObjectStatus::persistent);
  session.commit();
  EXPECT_EQ(count_rows("users"), 2);
}

TEST_P(SessionTest, CloseDetachesEveryObject) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.close();
  EXPECT_EQ(ann.state()->status(), ObjectStatus::detached);
  EXPECT_EQ(ann->name, "Ann");
}

TEST_P(SessionTest, UnloadedRelationshipOfAClosedSessionsObjectThrowsDetachedInstanceError) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.close();
  try {
    static_cast<void>(ann->posts.size());
    FAIL() << "expected relate::DetachedInstanceError";
  } catch (const relate::DetachedInstanceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("User.posts"));
  }
}

TEST_P(SessionTest, LoadedRelationshipStaysReadableAfterClose) {
  seed_users();
  exec_raw("INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'Hello')");
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ASSERT_EQ(ann->posts.size(), 1u);
  session.close();
  clear();
  EXPECT_EQ(ann->posts[0]->title, "Hello");
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SessionTest, ExpungedObjectIsNotFlushed) {
  seed_users();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.expunge(ann);
  ann->name = "Annie";
  clear();
  session.commit();
  EXPECT_EQ(statements.size(), 0u);
  EXPECT_EQ(ann.state()->status(), ObjectStatus::detached);
}

TEST_P(SessionTest, AnObjectBelongsToOneSessionAtATime) {
  relate::Session first(engine, md);
  relate::Session second(engine, md);
  auto ann = first.add(User{.name = "Ann"});
  EXPECT_THROW(second.add(ann), relate::InvalidRequestError);
}

RELATE_ON_EVERY_BACKEND(SessionTest);

}  // namespace
}  // namespace session_test
