// The "selectin" loader (relate::selectinload): after the parents' query, one more
// statement per relationship and per batch of parent keys (IN (...), 500 keys a batch
// by default). One-to-many selects children by their foreign key; many-to-one selects
// the distinct foreign-key values, skipping the ones already in the identity map;
// many-to-many goes through the association table; composite keys work throughout.
#include <relate/loaders.hpp>

#include "blog_models.hpp"

namespace selectin_loading_test {

using blog_test::batches;
using blog_test::BlogShape;
using blog_test::placeholders;
using blog_test::Post;
using blog_test::User;
using relate_test::raw;

namespace {

using ::testing::HasSubstr;

class SelectinLoadingTest : public relate_test::OnEveryBackend<blog_test::BlogTest> {
 protected:
  std::vector<relate::ptr<User>> users_with_posts(relate::Session& session) {
    return session
        .scalars(
            relate::select<User>().options(relate::selectinload(&User::posts)).order_by(&User::id))
        .all();
  }
};

TEST_P(SelectinLoadingTest, CollectionCostsOneMoreStatementWithAnInList) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users = users_with_posts(session);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], HasSubstr("FROM \"users\""));
  EXPECT_THAT(statements[1], HasSubstr("FROM \"posts\""));
  EXPECT_THAT(statements[1], HasSubstr(" IN ("));
  EXPECT_EQ(placeholders(statements[1]), 3u);  // one key per user
}

TEST_P(SelectinLoadingTest, ReadingASelectinCollectionIssuesNoStatement) {
  const BlogShape shape{3, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = users_with_posts(session);
  clear();
  ASSERT_EQ(users.size(), 3u);
  for (std::size_t i = 0; i < users.size(); ++i) {
    const auto user = static_cast<std::int64_t>(i) + 1;
    ASSERT_TRUE(users[i]->posts.is_loaded());
    ASSERT_EQ(users[i]->posts.size(), 2u);
    EXPECT_EQ(users[i]->posts[0]->id, blog_test::post_id(shape, user, 0));
    EXPECT_EQ(users[i]->posts[1]->id, blog_test::post_id(shape, user, 1));
    for (const auto& post : users[i]->posts) EXPECT_EQ(raw(post->author), raw(users[i]));
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SelectinLoadingTest, ParentWithoutChildrenGetsAnEmptyLoadedCollection) {
  auto md = blog({2, 1});
  exec_raw("INSERT INTO users (id, name) VALUES (3, 'lonely');");
  clear();
  relate::Session session(engine, md);
  const auto users = users_with_posts(session);
  ASSERT_EQ(users.size(), 3u);
  clear();
  EXPECT_TRUE(users[2]->posts.is_loaded());
  EXPECT_TRUE(users[2]->posts.empty());
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SelectinLoadingTest, AnEmptyResultIssuesNoSecondStatement) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .where(relate::col(&User::id) > 100)
                                      .options(relate::selectinload(&User::posts)))
                         .all();
  EXPECT_TRUE(users.empty());
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(SelectinLoadingTest, FiveHundredParentsFitInOneBatch) {
  auto md = blog({500, 1});
  relate::Session session(engine, md);
  const auto users = users_with_posts(session);
  ASSERT_EQ(users.size(), 500u);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(SelectinLoadingTest, FiveHundredAndOneParentsTakeTwoBatches) {
  auto md = blog({501, 1});
  relate::Session session(engine, md);
  const auto users = users_with_posts(session);
  ASSERT_EQ(users.size(), 501u);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(placeholders(statements[1]) + placeholders(statements[2]), 501u);
}

TEST_P(SelectinLoadingTest, MoreThanAThousandParentsCostOneStatementPerBatchOf500) {
  const BlogShape shape{1201, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = users_with_posts(session);
  ASSERT_EQ(users.size(), 1201u);
  EXPECT_EQ(statements.size(), 1u + batches(1201));  // 1 + 3
  for (std::size_t i = 1; i < statements.size(); ++i) {
    EXPECT_LE(placeholders(statements[i]), 500u);
  }
  clear();
  std::size_t posts = 0;
  for (const auto& user : users) posts += user->posts.size();
  EXPECT_EQ(posts, 2402u);
  EXPECT_EQ(users[1200]->posts[1]->id, blog_test::post_id(shape, 1201, 1));
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SelectinLoadingTest, ManyToOneSelectsEachDistinctForeignKeyOnce) {
  auto md = blog({3, 4});  // 12 posts by 3 authors
  relate::Session session(engine, md);
  const auto posts = session
                         .scalars(relate::select<Post>()
                                      .options(relate::selectinload(&Post::author))
                                      .order_by(&Post::id))
                         .all();
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[1], HasSubstr("FROM \"users\""));
  EXPECT_EQ(placeholders(statements[1]), 3u);
  clear();
  for (const auto& post : posts) EXPECT_EQ(post->author->id, post->user_id);
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SelectinLoadingTest, ManyToOneSkipsKeysAlreadyInTheIdentityMap) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  auto user1 = session.get<User>(1);
  clear();
  const auto posts = session
                         .scalars(relate::select<Post>()
                                      .options(relate::selectinload(&Post::author))
                                      .order_by(&Post::id))
                         .all();
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(placeholders(statements[1]), 2u);  // users 2 and 3
  EXPECT_EQ(raw(posts[0]->author), raw(user1));
}

TEST_P(SelectinLoadingTest, ManyToOneWithEveryTargetInTheIdentityMapCostsNoStatement) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  clear();
  const auto posts = session
                         .scalars(relate::select<Post>()
                                      .options(relate::selectinload(&Post::author))
                                      .order_by(&Post::id))
                         .all();
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(raw(posts[0]->author), raw(users[0]));
}

TEST_P(SelectinLoadingTest, ManyToOneBatchesDistinctKeysNotRows) {
  auto md = blog({1201, 2});  // 2402 posts, 1201 distinct authors
  relate::Session session(engine, md);
  const auto posts = session
                         .scalars(relate::select<Post>()
                                      .options(relate::selectinload(&Post::author))
                                      .order_by(&Post::id))
                         .all();
  ASSERT_EQ(posts.size(), 2402u);
  EXPECT_EQ(statements.size(), 1u + batches(1201));
}

TEST_P(SelectinLoadingTest, AuthorsOfSelectinLoadedPostsCostNothingWhenTheUsersAreLoaded) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::selectinload(&User::posts).selectinload(&Post::author))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 2u);  // users, posts; the author level is the identity map
  clear();
  for (const auto& user : users) {
    for (const auto& post : user->posts) EXPECT_EQ(raw(post->author), raw(user));
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SelectinLoadingTest, OneToOneLoadsWithOneStatementAndAMissingRowIsNull) {
  const BlogShape shape{3, 1};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::selectinload(&User::profile))
                                      .order_by(&User::id))
                         .all();
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[1], HasSubstr("FROM \"profiles\""));
  clear();
  ASSERT_TRUE(users[0]->profile);
  EXPECT_EQ(users[0]->profile->id, blog_test::profile_id(shape, 1));
  EXPECT_EQ(users[1]->profile->bio, "bio2");
  EXPECT_FALSE(users[2]->profile);
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SelectinLoadingTest, ManyToManyLoadsThroughTheAssociationTable) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto posts =
      session
          .scalars(
              relate::select<Post>().options(relate::selectinload(&Post::tags)).order_by(&Post::id))
          .all();
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[1], HasSubstr("post_tags"));
  EXPECT_THAT(statements[1], HasSubstr(" IN ("));
  clear();
  for (const auto& post : posts) {
    std::vector<std::int64_t> tags;
    for (const auto& tag : post->tags) tags.push_back(tag->id);
    EXPECT_EQ(tags, blog_test::tags_of(post->id)) << "post " << post->id;
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(SelectinLoadingTest, ManyToManyTargetsAreSharedObjects) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto posts =
      session
          .scalars(
              relate::select<Post>().options(relate::selectinload(&Post::tags)).order_by(&Post::id))
          .all();
  // By the formula, posts 2 and 5 both have tags 1 and 4: one Tag object each.
  ASSERT_EQ(posts.size(), 6u);
  ASSERT_EQ(posts[1]->tags.size(), 2u);
  ASSERT_EQ(posts[4]->tags.size(), 2u);
  EXPECT_EQ(raw(posts[1]->tags[0]), raw(posts[4]->tags[0]));
  EXPECT_EQ(raw(posts[1]->tags[1]), raw(posts[4]->tags[1]));
}

TEST_P(SelectinLoadingTest, UnloadedCollectionOfAnObjectInTheSessionIsFilled) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  auto user2 = session.get<User>(2);
  ASSERT_FALSE(user2->posts.is_loaded());
  clear();
  const auto users = users_with_posts(session);
  ASSERT_EQ(raw(users.at(1)), raw(user2));
  EXPECT_EQ(user2->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(SelectinLoadingTest, SelectinRelationshipsStayReadableAfterClose) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::selectinload(&User::posts).selectinload(&Post::tags))
                       .order_by(&User::id))
          .all();
  session.close();
  EXPECT_EQ(users.at(0)->posts.size(), 2u);
  EXPECT_EQ(users[0]->posts[0]->tags.size(), 2u);  // post 1: tags 2 and 5
}

TEST_P(SelectinLoadingTest, ABatchSizeIsAStrategyOfItsOwn) {
  relate::register_loader_strategy(relate::loaders::selectin_loader("selectin_small", 2));
  const BlogShape shape{3, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::load(&User::posts, "selectin_small"))
                                      .order_by(&User::id))
                         .all();
  ASSERT_EQ(statements.size(), 1u + 2u);  // keys {1, 2} and {3}
  EXPECT_EQ(placeholders(statements[1]), 2u);
  EXPECT_EQ(placeholders(statements[2]), 1u);
  EXPECT_EQ(blog_test::render(users), blog_test::expected_render(shape, {1, 2, 3}));
}

RELATE_ON_EVERY_BACKEND(SelectinLoadingTest);

}  // namespace
}  // namespace selectin_loading_test
