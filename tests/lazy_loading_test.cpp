// The "lazy" loader, the default strategy: an unloaded relationship costs one SELECT on
// first access and none after; a many-to-one whose target is already in the identity
// map costs none.
#include "test_support.hpp"

namespace lazy_loading_test {

using relate_test::Address;
using relate_test::Post;
using relate_test::raw;
using relate_test::User;

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class LazyLoadingTest : public relate_test::DatabaseTest {
 protected:
  LazyLoadingTest() : md(create(relate_test::seed_metadata())) {
    exec_raw(
        "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy'); "
        "INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'a1'), (2, 1, 'a2'), "
        "(3, 2, 'b1'); "
        "INSERT INTO addresses (id, user_id, email) VALUES (1, NULL, 'nobody@home');");
  }

  relate::MetaData md;
};

TEST_P(LazyLoadingTest, QueryDoesNotLoadTheCollection) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_FALSE(ann->posts.is_loaded());
}

TEST_P(LazyLoadingTest, FirstAccessToACollectionIssuesExactlyOneStatement) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  clear();
  EXPECT_EQ(ann->posts.size(), 2u);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], StartsWith("SELECT"));
  EXPECT_THAT(statements[0], HasSubstr("FROM \"posts\""));
}

TEST_P(LazyLoadingTest, SecondAccessToACollectionIssuesNoStatement) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  static_cast<void>(ann->posts.size());
  clear();
  EXPECT_EQ(ann->posts[1]->title, "a2");
  for (const auto& post : ann->posts) EXPECT_FALSE(post->title.empty());
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(LazyLoadingTest, EmptyCollectionIsLoadedOnceToo) {
  relate::Session session(engine, md);
  auto cy = session.get<User>(3);
  clear();
  EXPECT_TRUE(cy->posts.empty());
  EXPECT_TRUE(cy->posts.empty());
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(LazyLoadingTest, CollectionIsOrderedByItsOrderBy) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  clear();
  ASSERT_EQ(ann->posts.size(), 2u);
  EXPECT_EQ(ann->posts[0]->id, 1);
  EXPECT_EQ(ann->posts[1]->id, 2);
  EXPECT_THAT(statements[0], HasSubstr("ORDER BY \"posts\".\"id\""));
}

TEST_P(LazyLoadingTest, EachParentsCollectionCostsOneStatement) {
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  clear();
  std::size_t posts = 0;
  for (const auto& user : users) posts += user->posts.size();
  EXPECT_EQ(posts, 3u);
  EXPECT_EQ(statements.size(), 3u);  // the N of N+1
}

TEST_P(LazyLoadingTest, ManyToOneInTheIdentityMapIssuesNoStatement) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto a1 = session.get<Post>(1);
  clear();
  EXPECT_EQ(raw(a1->author), raw(ann));
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(LazyLoadingTest, ChildrenOfALoadedCollectionReachTheirParentWithoutAStatement) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  static_cast<void>(ann->posts.size());
  clear();
  for (const auto& post : ann->posts) EXPECT_EQ(post->author->name, "Ann");
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(LazyLoadingTest, ManyToOneNotInTheIdentityMapIssuesOneStatementOnce) {
  relate::Session session(engine, md);
  auto b1 = session.get<Post>(3);
  clear();
  EXPECT_EQ(b1->author->name, "Bob");
  EXPECT_EQ(b1->author->name, "Bob");
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("FROM \"users\""));
}

TEST_P(LazyLoadingTest, ManyToOneWithANullForeignKeyIsNullWithoutAStatement) {
  relate::Session session(engine, md);
  auto nobody = session.get<Address>(1);
  clear();
  EXPECT_FALSE(nobody->user);
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(LazyLoadingTest, LazyLoadedObjectsJoinTheIdentityMap) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  const auto first = ann->posts[0];
  clear();
  EXPECT_EQ(session.get<Post>(1).get(), first.get());
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(LazyLoadingTest, LazyLoaderOptionBehavesAsTheDefault) {
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .where(relate::col(&User::id) == 1)
                                      .options(relate::lazyload(&User::posts)))
                         .all();
  clear();
  EXPECT_EQ(users.at(0)->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(LazyLoadingTest, RelationshipOfARolledBackObjectLoadsAgain) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  static_cast<void>(ann->posts.size());
  session.rollback();
  clear();
  EXPECT_EQ(ann->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

RELATE_ON_EVERY_BACKEND(LazyLoadingTest);

}  // namespace
}  // namespace lazy_loading_test
