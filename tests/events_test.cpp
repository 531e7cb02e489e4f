// Session and mapper events: when each runs, what a listener's changes become, and
// what is refused inside a flush. The after_rollback cases follow SQLAlchemy 1.4's
// (checked side by side): a failed flush calls it, the rollback() after that does not,
// nor a rollback() without a transaction.
#include "test_support.hpp"

namespace events_test {

using relate_test::Address;
using relate_test::Post;
using relate_test::User;

namespace {

using relate::ObjectStatus;
using relate_test::Rows;

class EventsTest : public relate_test::DatabaseTest {
 protected:
  EventsTest() : md(create(relate_test::seed_metadata())) {
    exec_raw("INSERT INTO users (id, name, email) VALUES (1, 'Ann', 'ann@x'), (2, 'Bob', NULL)");
    exec_raw("INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'Hello')");
  }

  relate::MetaData md;
};

TEST_P(EventsTest, ABeforeUpdateListenersChangeIsWrittenByTheSameUpdate) {
  md.on<User>(relate::before_update, [](relate::Session&, User& u) { u.email = u.name + "@new"; });
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto bob = session.get<User>(2);
  ann->name = "Anne";
  clear();
  session.commit();
  EXPECT_EQ(statements_starting_with("UPDATE").size(), 1u);  // Bob did not change
  EXPECT_EQ(rows("SELECT name, email FROM users ORDER BY id"),
            (Rows{{"Anne", "Anne@new"}, {"Bob", "NULL"}}));
  EXPECT_EQ(ann.state()->committed()[2], relate::Value(std::string("Anne@new")));
}

TEST_P(EventsTest, InsertEventsSeeTheKeyBeforeAndAfterTheDatabaseGivesIt) {
  std::vector<std::int64_t> before, after;
  md.on<User>(relate::before_insert, [&](relate::Session&, User& u) {
    before.push_back(u.id);
    u.email = "stamped";
  });
  md.on<User>(relate::after_insert, [&](relate::Session&, User& u) { after.push_back(u.id); });
  relate::Session session(engine, md);
  auto cy = session.add(User{.name = "Cy"});
  session.commit();
  EXPECT_EQ(before, (std::vector<std::int64_t>{0}));
  EXPECT_EQ(after, (std::vector<std::int64_t>{cy->id}));
  EXPECT_EQ(rows("SELECT email FROM users WHERE name = 'Cy'"), (Rows{{"stamped"}}));
}

TEST_P(EventsTest, DeleteEventsRunAroundTheDelete) {
  std::vector<std::string> seen;
  md.on<Post>(relate::before_delete, [&](relate::Session& s, Post& p) {
    const auto left = s.scalar(
        relate::select(relate::count()).select_from<Post>().where(relate::col(&Post::id) == p.id));
    seen.push_back("before " + std::to_string(left));
  });
  md.on<Post>(relate::after_delete,
              [&](relate::Session&, Post& p) { seen.push_back("after " + p.title); });
  relate::Session session(engine, md);
  auto hello = session.get<Post>(10);
  session.remove(hello);
  session.flush();
  EXPECT_EQ(seen, (std::vector<std::string>{"before 1", "after Hello"}));
  EXPECT_EQ(hello.state()->status(), ObjectStatus::deleted);
}

TEST_P(EventsTest, BeforeFlushSeesWhatTheFlushWritesAndItsChangesAreWrittenToo) {
  relate::Session session(engine, md);
  std::vector<std::string> seen;
  session.on(relate::before_flush, [&](relate::Session& s) {
    for (const auto& u : s.new_objects<User>()) {
      seen.push_back("new " + u->name);
      s.add(Address{.email = u->name + "@audit"});
    }
    for (const auto& u : s.dirty<User>()) seen.push_back("dirty " + u->name);
    for (const auto& p : s.deleted<Post>()) seen.push_back("deleted " + p->title);
  });
  auto bob = session.get<User>(2);
  session.get<User>(1);  // unchanged: not dirty
  auto hello = session.get<Post>(10);
  bob->name = "Robert";
  session.remove(hello);
  session.add(User{.id = 3, .name = "Cy"});
  clear();
  session.flush();
  EXPECT_EQ(seen, (std::vector<std::string>{"new Cy", "dirty Robert", "deleted Hello"}));
  EXPECT_EQ(statements_starting_with("INSERT").size(), 2u);  // Cy, and the address
  EXPECT_TRUE(session.new_objects<Address>().empty());
  session.commit();
  EXPECT_EQ(rows("SELECT email FROM addresses"), (Rows{{"Cy@audit"}}));
}

TEST_P(EventsTest, NoFlushEventsWithoutSomethingToWrite) {
  relate::Session session(engine, md);
  int flushes = 0;
  session.on(relate::before_flush, [&](relate::Session&) { ++flushes; });
  session.on(relate::after_flush, [&](relate::Session&) { ++flushes; });
  auto ann = session.get<User>(1);
  ann->name = "Ann";  // its value: no change
  session.flush();
  EXPECT_EQ(flushes, 0);
  ann->name = "Anne";
  session.flush();
  EXPECT_EQ(flushes, 2);
}

TEST_P(EventsTest, AfterFlushSeesTheRowsAndCannotFlushAgain) {
  relate::Session session(engine, md);
  std::optional<std::int64_t> users;
  bool refused = false;
  session.on(relate::after_flush, [&](relate::Session& s) {
    users = s.scalar(relate::select(relate::count()).select_from<User>());
    try {
      s.flush();
    } catch (const relate::InvalidRequestError&) {
      refused = true;
    }
  });
  session.add(User{.id = 3, .name = "Cy"});
  session.flush();
  EXPECT_EQ(users, 3);
  EXPECT_TRUE(refused);
}

// Found by review: commit() flushed once, and what listeners changed during that flush
// was not committed (SQLAlchemy's commit flushes until the Session is clean).
TEST_P(EventsTest, CommitWritesWhatAfterFlushListenersChanged) {
  relate::Session session(engine, md);
  bool audited = false;
  session.on(relate::after_flush, [&](relate::Session& s) {
    if (audited) return;
    audited = true;
    s.add(Address{.email = "audit"});
  });
  session.get<User>(1)->name = "Anne";
  session.commit();
  EXPECT_EQ(rows("SELECT email FROM addresses"), (Rows{{"audit"}}));
}

TEST_P(EventsTest, AListenerThatChangesObjectsAtEveryFlushStopsTheCommit) {
  relate::Session session(engine, md);
  int n = 0;
  session.on(relate::after_flush,
             [&](relate::Session& s) { s.add(Address{.email = "audit" + std::to_string(++n)}); });
  session.get<User>(1)->name = "Anne";
  EXPECT_THROW(session.commit(), relate::InvalidRequestError);
  EXPECT_EQ(n, 100);
  session.rollback();
}

TEST_P(EventsTest, DirtyLeavesOutWhatIsDeleted) {
  relate::Session session(engine, md);
  auto bob = session.get<User>(2);
  bob->name = "Robert";
  session.remove(bob);
  EXPECT_TRUE(session.dirty<User>().empty());
  EXPECT_EQ(session.deleted<User>().size(), 1u);
}

TEST_P(EventsTest, EndingTheTransactionInsideAFlushOrCommitListenerIsRefused) {
  relate::Session session(engine, md);
  std::vector<std::string> refused;
  session.on(relate::after_flush, [&](relate::Session& s) {
    try {
      s.rollback();
    } catch (const relate::InvalidRequestError&) {
      refused.push_back("rollback in after_flush");
    }
  });
  session.on(relate::after_commit, [&](relate::Session& s) {
    try {
      s.commit();
    } catch (const relate::InvalidRequestError&) {
      refused.push_back("commit in after_commit");
    }
  });
  session.get<User>(1)->name = "Anne";
  session.commit();
  EXPECT_EQ(refused,
            (std::vector<std::string>{"rollback in after_flush", "commit in after_commit"}));
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Anne"}}));
}

TEST_P(EventsTest, CommitAndRollbackEvents) {
  relate::Session session(engine, md);
  std::vector<std::string> seen;
  session.on(relate::after_commit, [&](relate::Session&) { seen.push_back("commit"); });
  session.on(relate::after_rollback, [&](relate::Session&) { seen.push_back("rollback"); });
  session.get<User>(1);
  session.commit();
  session.rollback();    // no transaction: nothing rolled back
  session.get<User>(2);  // a statement: a transaction
  session.rollback();
  session.add(User{.id = 3, .name = "Twin", .email = "ann@x"});  // a unique email taken
  EXPECT_THROW(session.flush(), relate::IntegrityError);
  session.rollback();  // the failed flush rolled back already
  EXPECT_EQ(seen, (std::vector<std::string>{"commit", "rollback", "rollback"}));
}

TEST_P(EventsTest, AListenersFailureFailsTheFlushAndPutsBackWhatItChanged) {
  md.on<User>(relate::before_update, [](relate::Session&, User& u) {
    u.email = "changed";
    throw std::runtime_error("refused");
  });
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->name = "Anne";
  EXPECT_THROW(session.flush(), std::runtime_error);
  EXPECT_EQ(ann->email, "ann@x");
  EXPECT_EQ(ann->name, "Anne");  // the application's change stays
  EXPECT_THROW(session.get<User>(2), relate::PendingRollbackError);
  session.rollback();
  EXPECT_EQ(rows("SELECT name, email FROM users WHERE id = 1"), (Rows{{"Ann", "ann@x"}}));
}

TEST_P(EventsTest, WhatAFlushInProgressWouldNotWriteIsRefusedInMapperEvents) {
  md.on<User>(relate::before_update, [](relate::Session& s, User& u) {
    u.posts.push_back(relate::make(Post{.id = 11, .title = "Sneaky"}));
    (void)s;
  });
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->name = "Anne";
  EXPECT_THROW(session.flush(), relate::InvalidRequestError);
  session.rollback();
  md.on<Post>(relate::before_insert,
              [](relate::Session& s, Post&) { s.add(User{.id = 9, .name = "X"}); });
  session.add(Post{.id = 12, .user_id = 1, .title = "T"});
  EXPECT_THROW(session.flush(), relate::InvalidRequestError);
}

TEST_P(EventsTest, MetaDataListenersRunForEverySessionAndFirst) {
  std::vector<std::string> seen;
  md.on(relate::after_commit, [&](relate::Session&) { seen.push_back("metadata"); });
  relate::Session one(engine, md);
  one.on(relate::after_commit, [&](relate::Session&) { seen.push_back("one"); });
  relate::Session two(engine, md);
  one.commit();
  two.commit();
  EXPECT_EQ(seen, (std::vector<std::string>{"metadata", "one", "metadata"}));
}

struct Unmapped {
  std::int64_t id = 0;
};

TEST_P(EventsTest, AModelTheMappingDoesNotHaveIsRefused) {
  relate::Session session(engine, md);
  EXPECT_THROW(session.on<Unmapped>(relate::before_insert, [](relate::Session&, Unmapped&) {}),
               relate::MappingError);
  EXPECT_THROW(md.on<Unmapped>(relate::before_insert, [](relate::Session&, Unmapped&) {}),
               relate::MappingError);
}

}  // namespace

RELATE_ON_EVERY_BACKEND(EventsTest);

}  // namespace events_test
