// The "joined" loader (relate::joinedload): the parents and their related objects come
// in ONE statement, with a LEFT OUTER JOIN per relationship (aliased, so a table may be
// joined twice); each parent appears once in the result however many rows the join
// yields; limit/offset count parents, not joined rows.
#include "blog_models.hpp"

namespace joined_loading_test {

using blog_test::BlogShape;
using blog_test::expected_render;
using blog_test::Post;
using blog_test::render;
using blog_test::User;
using blog_test::user_ids;
using relate_test::raw;

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class JoinedLoadingTest : public relate_test::OnEveryBackend<blog_test::BlogTest> {};

std::vector<std::int64_t> ids_of(const std::vector<relate::ptr<User>>& users) {
  std::vector<std::int64_t> out;
  for (const auto& u : users) out.push_back(u->id);
  return out;
}

TEST_P(JoinedLoadingTest, CollectionLoadsInTheSameStatementAsItsParents) {
  auto md = blog({});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::joinedload(&User::posts)).order_by(&User::id))
          .all();
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("LEFT OUTER JOIN"));
  for (const auto& user : users) EXPECT_TRUE(user->posts.is_loaded());
}

TEST_P(JoinedLoadingTest, ReadingAJoinedCollectionIssuesNoStatement) {
  const BlogShape shape{3, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::joinedload(&User::posts)).order_by(&User::id))
          .all();
  clear();
  for (std::size_t i = 0; i < users.size(); ++i) {
    const auto user = static_cast<std::int64_t>(i) + 1;
    ASSERT_EQ(users[i]->posts.size(), 2u);
    EXPECT_EQ(users[i]->posts[0]->id, blog_test::post_id(shape, user, 0));
    EXPECT_EQ(users[i]->posts[1]->id, blog_test::post_id(shape, user, 1));
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(JoinedLoadingTest, EachParentAppearsOnceThoughTheJoinRepeatsIt) {
  auto md = blog({3, 4});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::joinedload(&User::posts)).order_by(&User::id))
          .all();
  EXPECT_THAT(ids_of(users), ElementsAre(1, 2, 3));
}

TEST_P(JoinedLoadingTest, ParentsKeepTheQueryOrder) {
  auto md = blog({4, 2});
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::joinedload(&User::posts))
                                      .order_by(relate::desc(&User::id)))
                         .all();
  EXPECT_THAT(ids_of(users), ElementsAre(4, 3, 2, 1));
}

TEST_P(JoinedLoadingTest, ParentWithoutChildrenGetsAnEmptyLoadedCollection) {
  auto md = blog({2, 1});
  exec_raw("INSERT INTO users (id, name) VALUES (3, 'lonely');");
  clear();
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::joinedload(&User::posts)).order_by(&User::id))
          .all();
  ASSERT_EQ(users.size(), 3u);
  clear();
  EXPECT_TRUE(users[2]->posts.is_loaded());
  EXPECT_TRUE(users[2]->posts.empty());
  EXPECT_EQ(users[0]->posts.size(), 1u);
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(JoinedLoadingTest, ParentsWhoseRowsInterleaveEachGetTheirOwnChildren) {
  // Ordered by a name the two users share, then by post id: the joined rows
  // alternate between the parents (2, 1, 2, 1).
  auto md = blog({0, 0});
  exec_raw(
      "INSERT INTO users (id, name) VALUES (1, 'same');"
      "INSERT INTO users (id, name) VALUES (2, 'same');"
      "INSERT INTO posts (id, user_id, title) VALUES (1, 2, 'a');"
      "INSERT INTO posts (id, user_id, title) VALUES (2, 1, 'b');"
      "INSERT INTO posts (id, user_id, title) VALUES (3, 2, 'c');"
      "INSERT INTO posts (id, user_id, title) VALUES (4, 1, 'd');");
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::joinedload(&User::posts))
                                      .order_by(&User::name))
                         .all();
  clear();
  ASSERT_THAT(ids_of(users), ElementsAre(2, 1));
  std::vector<std::int64_t> first, second;
  for (const auto& post : users[0]->posts) first.push_back(post->id);
  for (const auto& post : users[1]->posts) second.push_back(post->id);
  EXPECT_THAT(first, ElementsAre(1, 3));
  EXPECT_THAT(second, ElementsAre(2, 4));
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(JoinedLoadingTest, ChildrenOfAJoinedCollectionReachTheirParentWithoutAStatement) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::joinedload(&User::posts)).order_by(&User::id))
          .all();
  clear();
  for (const auto& user : users) {
    for (const auto& post : user->posts) EXPECT_EQ(raw(post->author), raw(user));
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(JoinedLoadingTest, ManyToOneLoadsInOneStatement) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto posts =
      session
          .scalars(
              relate::select<Post>().options(relate::joinedload(&Post::author)).order_by(&Post::id))
          .all();
  ASSERT_EQ(posts.size(), 6u);
  for (const auto& post : posts) {
    ASSERT_TRUE(post->author);
    EXPECT_EQ(post->author->id, post->user_id);
  }
  EXPECT_EQ(statements.size(), 1u);
  // Posts of one author share one User object.
  EXPECT_EQ(raw(posts[0]->author), raw(posts[3]->author));
}

TEST_P(JoinedLoadingTest, OneToOneLoadsInOneStatementAndAMissingRowIsNull) {
  const BlogShape shape{3, 1};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::joinedload(&User::profile))
                                      .order_by(&User::id))
                         .all();
  ASSERT_EQ(users.size(), 3u);
  ASSERT_TRUE(users[0]->profile);
  EXPECT_EQ(users[0]->profile->id, blog_test::profile_id(shape, 1));
  EXPECT_EQ(users[1]->profile->bio, "bio2");
  EXPECT_FALSE(users[2]->profile);  // user 3 has no profile
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, ManyToManyJoinsThroughTheAssociationTableInOneStatement) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto posts =
      session
          .scalars(
              relate::select<Post>().options(relate::joinedload(&Post::tags)).order_by(&Post::id))
          .all();
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("post_tags"));
  ASSERT_EQ(posts.size(), 6u);
  for (const auto& post : posts) {
    std::vector<std::int64_t> tags;
    for (const auto& tag : post->tags) tags.push_back(tag->id);
    EXPECT_EQ(tags, blog_test::tags_of(post->id)) << "post " << post->id;
  }
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, ChainedJoinsLoadTwoLevelsInOneStatement) {
  const BlogShape shape{3, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::joinedload(&User::posts).joinedload(&Post::tags),
                                relate::joinedload(&User::profile))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(render(users), expected_render(shape, user_ids(1, 3)));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, ATableCanBeJoinedTwice) {
  // users -> posts -> author joins "users" a second time.
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::joinedload(&User::posts).joinedload(&Post::author))
                       .order_by(&User::id))
          .all();
  ASSERT_EQ(users.size(), 3u);
  for (const auto& user : users) {
    ASSERT_EQ(user->posts.size(), 2u);
    for (const auto& post : user->posts) EXPECT_EQ(raw(post->author), raw(user));
  }
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, TheQueriedTableCanBeJoinedAgain) {
  // posts -> author -> posts joins "posts" to itself.
  const BlogShape shape{3, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto posts =
      session
          .scalars(relate::select<Post>()
                       .options(relate::joinedload(&Post::author).joinedload(&User::posts))
                       .order_by(&Post::id))
          .all();
  ASSERT_EQ(posts.size(), 6u);
  for (const auto& post : posts) {
    ASSERT_TRUE(post->author);
    const auto& siblings = post->author->posts;
    ASSERT_EQ(siblings.size(), 2u) << "post " << post->id;
    EXPECT_EQ(siblings[0]->id, blog_test::post_id(shape, post->user_id, 0));
    EXPECT_EQ(siblings[1]->id, blog_test::post_id(shape, post->user_id, 1));
    EXPECT_TRUE(siblings.contains(post));
  }
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, LimitAndOffsetCountParentsNotJoinedRows) {
  const BlogShape shape{3, 3};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::joinedload(&User::posts))
                                      .order_by(&User::id)
                                      .limit(2)
                                      .offset(1))
                         .all();
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(ids_of(users), ElementsAre(2, 3));
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]->posts.size(), 3u);
  EXPECT_EQ(users[1]->posts.size(), 3u);
  EXPECT_EQ(users[1]->posts[2]->id, blog_test::post_id(shape, 3, 2));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, LimitWithJoinedCollectionsLoadsEveryChildOfTheChosenParents) {
  const BlogShape shape{3, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::joinedload(&User::posts).joinedload(&Post::tags),
                                relate::joinedload(&User::profile))
                       .order_by(&User::id)
                       .limit(2)
                       .offset(1))
          .all();
  EXPECT_EQ(render(users), expected_render(shape, user_ids(2, 3)));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, LimitAppliesAfterTheWhereClause) {
  const BlogShape shape{4, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .where(relate::col(&User::id) >= 2)
                                      .options(relate::joinedload(&User::posts))
                                      .order_by(relate::desc(&User::id))
                                      .limit(1))
                         .all();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]->id, 4);
  EXPECT_EQ(users[0]->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, ManyParentsStillCostOneStatement) {
  const BlogShape shape{1201, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::joinedload(&User::posts)).order_by(&User::id))
          .all();
  ASSERT_EQ(users.size(), 1201u);
  std::size_t posts = 0;
  for (const auto& user : users) posts += user->posts.size();
  EXPECT_EQ(posts, 2402u);
  EXPECT_EQ(users[1200]->posts[1]->id, blog_test::post_id(shape, 1201, 1));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, UnloadedCollectionOfAnObjectInTheSessionIsFilled) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  auto user2 = session.get<User>(2);
  ASSERT_FALSE(user2->posts.is_loaded());
  clear();
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::joinedload(&User::posts)).order_by(&User::id))
          .all();
  ASSERT_EQ(raw(users.at(1)), raw(user2));
  EXPECT_EQ(user2->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(JoinedLoadingTest, JoinedRelationshipsStayReadableAfterClose) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::joinedload(&User::posts).joinedload(&Post::tags))
                       .order_by(&User::id))
          .all();
  session.close();
  EXPECT_EQ(users.at(0)->posts.size(), 2u);
  EXPECT_EQ(users[0]->posts[0]->tags.size(), 2u);  // post 1: tags 2 and 5
}

TEST_P(JoinedLoadingTest, JoinedByNameIsTheSameStrategy) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::load(&User::posts, "joined"))
                                      .order_by(&User::id))
                         .all();
  clear();
  for (const auto& user : users) EXPECT_EQ(user->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 0u);
}

RELATE_ON_EVERY_BACKEND(JoinedLoadingTest);

}  // namespace
}  // namespace joined_loading_test
