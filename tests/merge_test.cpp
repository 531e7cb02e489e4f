// Session::merge(): an object from outside the Session copied onto the Session's
// object for its row, and the merge cascade. The statements and rows of the cascade
// tests are SQLAlchemy 1.4's for the same steps (run side by side).
#include "test_support.hpp"

namespace merge_test {

using relate_test::Post;
using relate_test::User;

namespace {

using relate::ObjectStatus;
using relate_test::Rows;

class MergeTest : public relate_test::SeededCascadeTest {
 protected:
  // Ann with her posts loaded, detached.
  relate::ptr<User> detached_ann(const relate::MetaData& md) {
    relate::Session session(engine, md);
    auto ann = session.get<User>(1);
    EXPECT_EQ(ann->posts.size(), 1u);
    return ann;
  }
};

TEST_P(MergeTest, ADetachedObjectIsCopiedOntoTheIdentityMapsObject) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  auto ann = detached_ann(md);
  ann->name = "Anne";
  relate::Session session(engine, md);
  auto mine = session.get<User>(1);
  clear();
  auto merged = session.merge(ann);
  EXPECT_EQ(merged, mine);
  EXPECT_EQ(mine->name, "Anne");
  EXPECT_EQ(ann.state()->status(), ObjectStatus::detached);
  session.commit();
  EXPECT_EQ(statements_starting_with("SELECT").size(), 1u);  // mine's posts, loaded to merge
  EXPECT_EQ(statements_starting_with("UPDATE").size(), 1u);
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Anne"}}));
}

TEST_P(MergeTest, TheRowLoadsWhenTheIdentityMapHasNoObject) {
  relate::MetaData md = with_posts_cascade("save-update");  // no merge cascade
  auto ann = detached_ann(md);
  ann->name = "Anne";
  ann->posts[0]->title = "Hi";
  relate::Session session(engine, md);
  clear();
  auto merged = session.merge(ann);
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_NE(merged, ann);
  EXPECT_EQ(merged.state()->status(), ObjectStatus::persistent);
  EXPECT_EQ(merged->name, "Anne");
  session.commit();
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Anne"}}));
  EXPECT_EQ(rows("SELECT title FROM posts"), (Rows{{"Hello"}}));  // not cascaded
}

TEST_P(MergeTest, ANewObjectWhoseKeyHasNoRowBecomesPending) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session session(engine, md);
  auto cy = relate::make(User{.id = 5, .name = "Cy"});
  clear();
  auto merged = session.merge(cy);
  EXPECT_EQ(statements.size(), 1u);  // the SELECT that found no row
  EXPECT_EQ(merged.state()->status(), ObjectStatus::pending);
  EXPECT_EQ(cy.state()->status(), ObjectStatus::transient);
  session.commit();
  EXPECT_EQ(rows("SELECT id, name FROM users WHERE id = 5"), (Rows{{"5", "Cy"}}));
}

TEST_P(MergeTest, ANewObjectWithoutAKeyBecomesPendingWithoutAStatement) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session session(engine, md);
  auto cy = relate::make(User{.name = "Cy"});
  clear();
  auto merged = session.merge(cy);
  EXPECT_TRUE(statements.empty());
  session.commit();
  EXPECT_NE(merged->id, 0);
  EXPECT_EQ(cy->id, 0);
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = " + std::to_string(merged->id)),
            (Rows{{"Cy"}}));
}

TEST_P(MergeTest, AnObjectOfTheSessionMergesToItself) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  EXPECT_EQ(session.merge(ann), ann);
  EXPECT_FALSE(session.merge(relate::ptr<User>()));
}

// SQLAlchemy 1.4, same steps: SELECT users, SELECT posts of the user, SELECT post 12;
// then UPDATE post 10, INSERT post 12, DELETE post 11 (the orphan).
TEST_P(MergeTest, TheCascadeMergesCollectionsAndTheirItems) {
  relate::MetaData md = with_posts_cascade("all, delete-orphan");
  auto ann = detached_ann(md);
  ann->posts[0]->title = "Hi";
  ann->posts.push_back(relate::make(Post{.id = 12, .title = "New"}));
  exec_raw("INSERT INTO posts (id, user_id, title) VALUES (11, 1, 'Other')");
  relate::Session session(engine, md);
  clear();
  auto merged = session.merge(ann);
  EXPECT_EQ(statements.size(), 3u);
  ASSERT_EQ(merged->posts.size(), 2u);
  EXPECT_EQ(merged->posts[0]->title, "Hi");
  EXPECT_EQ(merged->posts[1].state()->status(), ObjectStatus::pending);
  EXPECT_EQ(merged->posts[1]->author, merged);
  EXPECT_EQ(ann->posts[1].state()->status(), ObjectStatus::transient);  // the source stays
  clear();
  session.commit();
  EXPECT_EQ(statements_starting_with("UPDATE").size(), 1u);
  EXPECT_EQ(statements_starting_with("INSERT").size(), 1u);
  EXPECT_EQ(statements_starting_with("DELETE").size(), 1u);
  EXPECT_EQ(rows("SELECT id, user_id, title FROM posts ORDER BY id"),
            (Rows{{"10", "1", "Hi"}, {"12", "1", "New"}}));
}

TEST_P(MergeTest, TwoSourcesOfOneRowShareTheirCopy) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session session(engine, md);
  auto post = relate::make(md, Post{.id = 20, .user_id = 2, .title = "Twice"});
  auto bob = relate::make(md, User{.id = 2, .name = "Bob"});
  bob->posts.push_back(post);
  auto merged = session.merge(bob);
  auto again = session.merge(post);
  EXPECT_EQ(merged->posts[0], again);
  session.commit();
  EXPECT_EQ(rows("SELECT id, user_id FROM posts WHERE id = 20"), (Rows{{"20", "2"}}));
}

TEST_P(MergeTest, AnExpiredMemberOfTheSourceIsNotCopied) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session first(engine, md);
  auto ann = first.get<User>(1);
  ann->email = "ann@x";
  first.expire(ann, &User::name);
  relate::Session session(engine, md);
  auto mine = session.get<User>(1);
  mine->name = "Annie";
  session.merge(ann);
  EXPECT_EQ(mine->name, "Annie");
  EXPECT_EQ(mine->email, "ann@x");
  EXPECT_TRUE(ann.state()->expired());  // merging read nothing through it
}

// ---- without load (SQLAlchemy's load=False) ----

TEST_P(MergeTest, WithoutLoadACachedObjectJoinsWithoutAStatement) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  auto cached = detached_ann(md);  // with its posts loaded
  relate::Session session(engine, md);
  clear();
  auto ann = session.merge(cached, {.load = false});
  EXPECT_EQ(ann.state()->status(), ObjectStatus::persistent);
  EXPECT_NE(ann, cached);
  ASSERT_EQ(ann->posts.size(), 1u);
  EXPECT_EQ(ann->posts[0]->title, "Hello");
  EXPECT_EQ(session.get<User>(1), ann);
  session.flush();
  EXPECT_TRUE(statements.empty());  // nothing read, nothing to write
  ann->name = "Anne";
  session.commit();
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Anne"}}));
}

TEST_P(MergeTest, WithoutLoadTheValuesStampTheIdentityMapsObject) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  auto cached = detached_ann(md);
  relate::Session session(engine, md);
  auto mine = session.get<User>(1);
  exec_raw("UPDATE users SET name = 'Changed elsewhere' WHERE id = 1");
  mine->name = "Mine";
  clear();
  EXPECT_EQ(session.merge(cached, {.load = false}), mine);
  EXPECT_EQ(mine->name, "Ann");  // the cache's value, taken as the row's
  session.commit();
  EXPECT_TRUE(statements_starting_with("UPDATE").empty());
}

TEST_P(MergeTest, WithoutLoadANewOrChangedObjectIsRefused) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  auto cached = detached_ann(md);
  cached->name = "Anne";
  relate::Session session(engine, md);
  EXPECT_THROW(session.merge(cached, {.load = false}), relate::InvalidRequestError);
  EXPECT_THROW(session.merge(relate::make(User{.id = 9, .name = "New"}), {.load = false}),
               relate::InvalidRequestError);
}

// ---- found by review ----

TEST_P(MergeTest, AForeignKeyCopiedOntoALoadedObjectLoadsItsReferenceAgain) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session session(engine, md);
  auto hello = session.get<Post>(10);
  EXPECT_EQ(hello->author->name, "Ann");
  auto merged = session.merge(relate::make(Post{.id = 10, .user_id = 2, .title = "Moved"}));
  EXPECT_EQ(merged, hello);
  EXPECT_EQ(hello->author->name, "Bob");
  session.commit();
  EXPECT_EQ(rows("SELECT user_id, title FROM posts WHERE id = 10"), (Rows{{"2", "Moved"}}));
}

TEST_P(MergeTest, AnObjectThisTransactionDeletedMergesToANewPendingCopy) {
  relate::MetaData md = with_posts_cascade("save-update, merge");
  relate::Session session(engine, md);
  auto bob = session.get<User>(2);
  session.remove(bob);
  session.flush();
  auto copy = session.merge(bob);
  EXPECT_NE(copy, bob);
  EXPECT_EQ(copy.state()->status(), ObjectStatus::pending);
  session.commit();
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 2"), (Rows{{"Bob"}}));
}

}  // namespace

RELATE_ON_EVERY_BACKEND(MergeTest);

}  // namespace merge_test
