// Autoflush: a query flushes the Session's changes first, and a lazy load does where
// the Session knows of changes (new objects, deletions, changed relationships), so
// that what they read includes them, as SQLAlchemy's autoflush; the no_autoflush()
// guard and SessionOptions turn it off. The statements each step runs are asserted.
#include "test_support.hpp"

namespace autoflush_test {

using relate_test::Post;
using relate_test::User;

namespace {

using relate::col;
using relate::ObjectStatus;
using relate::select;
using relate::text;
using relate_test::Rows;

class AutoflushTest : public relate_test::DatabaseTest {
 protected:
  AutoflushTest() : md(create(relate_test::seed_metadata())) {
    exec_raw("INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob')");
    exec_raw("INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'Hello')");
  }

  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& s : statements) out.push_back(s.substr(0, s.find(' ')));
    return out;
  }

  relate::MetaData md;
};

using ::testing::ElementsAre;

TEST_P(AutoflushTest, AQueryFindsTheObjectAddedBeforeIt) {
  relate::Session session(engine, md);
  auto cy = session.add(User{.name = "Cy"});
  auto found = session.scalars(select<User>().where(col(&User::name) == "Cy")).one();
  EXPECT_TRUE(found == cy);
  EXPECT_EQ(cy.state()->status(), ObjectStatus::persistent);
  EXPECT_THAT(kinds(), ElementsAre("INSERT", "SELECT"));
  session.rollback();  // the autoflush wrote in the Session's transaction
  EXPECT_EQ(count_rows("users"), 2);
  EXPECT_EQ(cy.state()->status(), ObjectStatus::transient);
}

TEST_P(AutoflushTest, AQuerySeesAChangedMember) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->name = "Anna";
  clear();
  auto found = session.scalars(select<User>().where(col(&User::name) == "Anna")).all();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0] == ann);
  EXPECT_THAT(kinds(), ElementsAre("UPDATE", "SELECT"));
}

TEST_P(AutoflushTest, AQueryWithNothingChangedRunsOnlyItself) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  clear();
  EXPECT_EQ(session.scalars(select<User>().order_by(&User::id)).all().size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(AutoflushTest, GetFlushesAPendingObjectWithThatKeyAndFindsIt) {
  // As SQLAlchemy's get(): the identity map holds no pending object, so the key misses
  // it, the autoflush inserts it, and the SELECT finds its row: the same object.
  relate::Session session(engine, md);
  auto dee = session.add(User{.id = 7, .name = "Dee"});
  auto got = session.get<User>(7);
  EXPECT_TRUE(got == dee);
  EXPECT_THAT(kinds(), ElementsAre("INSERT", "SELECT"));
}

TEST_P(AutoflushTest, GetThatTheIdentityMapAnswersFlushesNothing) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.add(User{.name = "Cy"});
  clear();
  EXPECT_TRUE(session.get<User>(1) == ann);
  EXPECT_TRUE(statements.empty());
}

TEST_P(AutoflushTest, ColumnSelectsAndFromStatementFlushFirst) {
  relate::Session session(engine, md);
  session.add(User{.name = "Cy"});
  EXPECT_EQ(session.scalar(select(relate::count()).select_from<User>()), 3);
  EXPECT_THAT(kinds(), ElementsAre("INSERT", "SELECT"));
  session.add(User{.name = "Dee"});
  clear();
  auto users = session
                   .scalars(select<User>().from_statement(
                       text("SELECT * FROM users WHERE name = :name").bind("name", "Dee")))
                   .all();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_THAT(kinds(), ElementsAre("INSERT", "SELECT"));
}

TEST_P(AutoflushTest, RawTextDoesNotFlush) {
  // As SQLAlchemy 1.4, whose autoflush is for ORM statements: text() runs as written.
  relate::Session session(engine, md);
  session.add(User{.name = "Cy"});
  auto counted = session.execute(text("SELECT COUNT(*) FROM users").columns<std::int64_t>());
  EXPECT_EQ(std::get<0>(*counted.first()), 2);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(AutoflushTest, ALazyLoadFindsTheChildLinkedBeforeIt) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto draft = session.add(Post{.title = "Draft"});
  draft->author = ann;  // queued on Ann's unloaded posts
  clear();
  ASSERT_EQ(ann->posts.size(), 2u);
  EXPECT_TRUE(ann->posts.contains(draft));
  EXPECT_THAT(kinds(), ElementsAre("INSERT", "SELECT"));
  EXPECT_EQ(draft->user_id, 1);
}

TEST_P(AutoflushTest, ALazyLoadDoesNotLookForChangedMembers) {
  // Finding a changed member costs a pass over every object in the Session; a loop of
  // lazy loads would pay it per load. A lazy load flushes only the changes the Session
  // knows of; the next query (or flush) writes the member. docs/session.md, Autoflush.
  relate::Session session(engine, md);
  auto hello = session.get<Post>(10);
  auto bob = session.get<User>(2);
  hello->user_id = 2;  // the member, not the relationship
  clear();
  EXPECT_TRUE(bob->posts.empty());
  EXPECT_THAT(kinds(), ElementsAre("SELECT"));
  auto bobs = session.scalars(select<Post>().where(col(&Post::user_id) == 2)).all();
  EXPECT_EQ(bobs.size(), 1u);
  EXPECT_THAT(kinds(), ElementsAre("SELECT", "UPDATE", "SELECT"));
}

TEST_P(AutoflushTest, AManyToOneTheIdentityMapAnswersFlushesNothing) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto hello = session.get<Post>(10);
  session.add(User{.name = "Cy"});
  clear();
  EXPECT_TRUE(hello->author.get() == ann);
  EXPECT_TRUE(statements.empty());
}

TEST_P(AutoflushTest, NoAutoflushHoldsItForItsScope) {
  relate::Session session(engine, md);
  EXPECT_TRUE(session.autoflush());
  auto cy = session.add(User{.name = "Cy"});
  {
    auto hold = session.no_autoflush();
    {
      auto again = session.no_autoflush();
      EXPECT_FALSE(session.autoflush());
    }
    EXPECT_FALSE(session.autoflush());  // the outer guard still holds it
    EXPECT_EQ(session.scalars(select<User>()).all().size(), 2u);
    EXPECT_EQ(cy.state()->status(), ObjectStatus::pending);
  }
  EXPECT_TRUE(session.autoflush());
  EXPECT_EQ(session.scalars(select<User>()).all().size(), 3u);
  EXPECT_EQ(cy.state()->status(), ObjectStatus::persistent);
}

TEST_P(AutoflushTest, ASessionOptionTurnsItOff) {
  relate::Session session(engine, md, {.autoflush = false});
  EXPECT_FALSE(session.autoflush());
  session.add(User{.name = "Cy"});
  EXPECT_EQ(session.scalars(select<User>()).all().size(), 2u);
  session.set_autoflush(true);
  EXPECT_EQ(session.scalars(select<User>()).all().size(), 3u);
}

TEST_P(AutoflushTest, AFailedAutoflushIsAFailedFlush) {
  // The query does not run; the Session waits for rollback(), as after flush().
  relate::Session session(engine, md);
  session.add(Post{.user_id = 999, .title = "Orphan"});
  EXPECT_THROW(session.scalars(select<User>()).all(), relate::IntegrityError);
  EXPECT_THAT(statements_starting_with("SELECT"), ::testing::IsEmpty());
  EXPECT_THROW(session.scalars(select<User>()).all(), relate::PendingRollbackError);
  session.rollback();
  EXPECT_EQ(session.scalars(select<User>()).all().size(), 2u);
  EXPECT_EQ(count_rows("posts"), 1);
}

TEST_P(AutoflushTest, ALoadInsideAFlushDoesNotFlushAgain) {
  // Deleting Ann, the flush loads her addresses and posts (to null their keys); those
  // loads must not start a second flush, which would insert Cy in the middle of the
  // first. Her posts' key is NOT NULL here, so the flush then refuses, before writing.
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.add(User{.name = "Cy"});
  session.remove(ann);  // no delete cascade: nothing loads yet
  EXPECT_EQ(statements.size(), 1u);
  clear();
  EXPECT_THROW(session.commit(), relate::IntegrityError);
  EXPECT_THAT(kinds(), ElementsAre("SELECT", "SELECT"));
  session.rollback();
  EXPECT_EQ(count_rows("users"), 2);
  EXPECT_EQ(count_rows("posts"), 1);
}

TEST_P(AutoflushTest, ALoopKeepsItsItemsThoughAnAutoflushTakesDeletedOnesOut) {
  // The first lazy load in the loop flushes the first removal, and the flush takes the
  // deleted post out of Ann's posts. The loop still visits every post it began with.
  exec_raw("INSERT INTO posts (id, user_id, title) VALUES (11, 1, 'Two'), (12, 1, 'Three')");
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  std::vector<std::string> seen;
  for (auto post : ann->posts) {
    seen.push_back(post->title);
    session.remove(post);
    EXPECT_TRUE(ann->addresses.empty());  // loads once: the autoflush deletes a post
  }
  EXPECT_THAT(seen, ElementsAre("Hello", "Two", "Three"));
  EXPECT_EQ(statements_starting_with("DELETE").size(), 1u);
  EXPECT_EQ(ann->posts.size(), 2u);  // the flushed deletion took one out
  session.commit();
  EXPECT_EQ(count_rows("posts"), 0);
}

}  // namespace

RELATE_ON_EVERY_BACKEND(AutoflushTest);

}  // namespace autoflush_test
