// Loader options of a query: several per query, chained along a path, each choosing a
// registered strategy for one relationship (the mapping's default:
// loader_default_test.cpp). The statements each combination issues are exact: for N
// users with M posts each, lazy costs 1 + N, joined 1, selectin 1 + ceil(N/500) per
// level. raise and noload never issue a statement: raise throws on access, noload
// reads empty. An unknown strategy name is an ArgumentError listing the known ones.
#include "blog_models.hpp"

namespace loader_option_test {

using blog_test::batches;
using blog_test::BlogShape;
using blog_test::Post;
using blog_test::User;

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class LoaderOptionTest : public relate_test::OnEveryBackend<blog_test::BlogTest> {
 protected:
  // Reads every user's posts and every post's tags.
  static std::size_t touch_posts_and_tags(const std::vector<relate::ptr<User>>& users) {
    std::size_t tags = 0;
    for (const auto& user : users) {
      for (const auto& post : user->posts) tags += post->tags.size();
    }
    return tags;
  }
  static std::size_t touch_posts(const std::vector<relate::ptr<User>>& users) {
    std::size_t posts = 0;
    for (const auto& user : users) posts += user->posts.size();
    return posts;
  }
};

// ---- lazy ----

TEST_P(LoaderOptionTest, LazyCostsOneStatementPerUserOnAccess) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::lazyload(&User::posts)).order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(touch_posts(users), 6u);
  EXPECT_EQ(statements.size(), 1u + 3u);
}

TEST_P(LoaderOptionTest, LazyCostsOnePlusNForManyUsers) {
  auto md = blog({1201, 2});
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  EXPECT_EQ(touch_posts(users), 2402u);
  EXPECT_EQ(statements.size(), 1u + 1201u);
}

// ---- chains and their exact statement counts ----

TEST_P(LoaderOptionTest, SelectinThenSelectinCostsOneStatementPerLevelAndBatch) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::selectinload(&User::posts).selectinload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 3u);
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(LoaderOptionTest, SelectinThenSelectinForManyUsersCountsBatchesAtEachLevel) {
  const std::int64_t n = 1201;
  const std::int64_t m = 2;
  auto md = blog({n, m});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::selectinload(&User::posts).selectinload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 1u + batches(n) + batches(n * m));  // 1 + 3 + 5
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 1u + batches(n) + batches(n * m));
}

TEST_P(LoaderOptionTest, SelectinThenJoinedCostsOneStatementPerBatchOfUsers) {
  const std::int64_t n = 1201;
  auto md = blog({n, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::selectinload(&User::posts).joinedload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 1u + batches(n));
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 1u + batches(n));
}

TEST_P(LoaderOptionTest, JoinedThenJoinedCostsOneStatement) {
  auto md = blog({1201, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::joinedload(&User::posts).joinedload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 1u);
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(LoaderOptionTest, JoinedThenSelectinCostsOneStatementPerBatchOfPosts) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::joinedload(&User::posts).selectinload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 2u);
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(LoaderOptionTest, SelectinThenLazyLeavesTheSecondLevelToAccess) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::selectinload(&User::posts).lazyload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 2u);
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 2u + 6u);  // one per post
}

TEST_P(LoaderOptionTest, ChainsByNameMatchTheNamedOptions) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>()
                  .options(relate::load(&User::posts, "selectin").load(&Post::tags, "selectin"))
                  .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 3u);
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(LoaderOptionTest, SeveralOptionsInOneQueryEachApply) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::selectinload(&User::posts),
                                               relate::selectinload(&User::profile))
                                      .order_by(&User::id))
                         .all();
  EXPECT_EQ(statements.size(), 3u);
  for (const auto& user : users) static_cast<void>(user->profile.get());
  touch_posts(users);
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(LoaderOptionTest, JoinedAndSelectinOptionsMixInOneQuery) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::joinedload(&User::profile),
                                               relate::selectinload(&User::posts))
                                      .order_by(&User::id))
                         .all();
  EXPECT_EQ(statements.size(), 2u);
  for (const auto& user : users) static_cast<void>(user->profile.get());
  touch_posts(users);
  EXPECT_EQ(statements.size(), 2u);
}

// ---- raise ----

TEST_P(LoaderOptionTest, RaiseloadThrowsOnAccessNamingTheRelationship) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::raiseload(&User::posts)).order_by(&User::id))
          .all();
  try {
    static_cast<void>(users.at(0)->posts.size());
    FAIL() << "expected relate::InvalidRequestError";
  } catch (const relate::InvalidRequestError& e) {
    EXPECT_THAT(e.what(), HasSubstr("User.posts"));
  }
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(LoaderOptionTest, RaiseloadOnAManyToOneThrowsNamingIt) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto posts =
      session
          .scalars(
              relate::select<Post>().options(relate::raiseload(&Post::author)).order_by(&Post::id))
          .all();
  try {
    static_cast<void>(posts.at(0)->author.get());
    FAIL() << "expected relate::InvalidRequestError";
  } catch (const relate::InvalidRequestError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Post.author"));
  }
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(LoaderOptionTest, RaiseloadAtTheEndOfAChainRaisesOnlyThere) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::selectinload(&User::posts).raiseload(&Post::tags))
                       .order_by(&User::id))
          .all();
  ASSERT_EQ(users.at(0)->posts.size(), 2u);
  EXPECT_THROW(static_cast<void>(users[0]->posts[0]->tags.size()), relate::InvalidRequestError);
  EXPECT_EQ(statements.size(), 2u);
}

// ---- noload ----

TEST_P(LoaderOptionTest, NoloadReadsEmptyWithoutAStatement) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::noload(&User::posts), relate::noload(&User::profile))
                       .order_by(&User::id))
          .all();
  ASSERT_EQ(users.size(), 3u);
  for (const auto& user : users) {
    EXPECT_TRUE(user->posts.empty());
    EXPECT_FALSE(user->profile);
  }
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(LoaderOptionTest, NoloadAtTheEndOfAChainLeavesTheFirstLevelLoaded) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::selectinload(&User::posts).noload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(touch_posts(users), 6u);
  EXPECT_EQ(touch_posts_and_tags(users), 0u);
  EXPECT_EQ(statements.size(), 2u);
}

// ---- options carried into later loads ----

TEST_P(LoaderOptionTest, LazyThenJoinedLoadsTheSecondLevelWithEachLazyLoad) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::lazyload(&User::posts).joinedload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 1u);
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 1u + 3u);  // one per user, its posts' tags joined in
}

TEST_P(LoaderOptionTest, LazyThenSelectinAddsOneStatementPerLazyLoad) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(relate::select<User>()
                       .options(relate::lazyload(&User::posts).selectinload(&Post::tags))
                       .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 1u);
  touch_posts_and_tags(users);
  EXPECT_EQ(statements.size(), 1u + 3u * 2u);  // per user: its posts, then their tags
}

TEST_P(LoaderOptionTest, OptionsBelongToTheirQueryOnly) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto raised = session
                          .scalars(relate::select<User>()
                                       .where(relate::col(&User::id) == 1)
                                       .options(relate::raiseload(&User::posts)))
                          .all();
  const auto plain =
      session.scalars(relate::select<User>().where(relate::col(&User::id) == 2)).all();
  ASSERT_EQ(raised.size(), 1u);
  clear();
  EXPECT_EQ(plain.at(0)->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

// ---- options that do not fit the query ----

TEST_P(LoaderOptionTest, OptionOnAnotherModelsRelationshipIsAnArgumentError) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  try {
    static_cast<void>(
        session.scalars(relate::select<User>().options(relate::selectinload(&Post::tags))));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("Post::tags"), HasSubstr("User")));
  }
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(LoaderOptionTest, ChainStepThatDoesNotFollowThePathIsAnArgumentError) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  try {
    static_cast<void>(session.scalars(relate::select<User>().options(
        relate::selectinload(&User::posts).selectinload(&User::profile))));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("User::profile"));
  }
}

// ---- unknown names ----

TEST_P(LoaderOptionTest, UnknownStrategyNameIsAnArgumentErrorListingTheRegisteredOnes) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  try {
    static_cast<void>(session.scalars(
        relate::select<User>().options(relate::load(&User::posts, "eager_please"))));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("eager_please"), HasSubstr("lazy"), HasSubstr("joined"),
                                HasSubstr("selectin"), HasSubstr("raise"), HasSubstr("noload")));
  }
}

TEST_P(LoaderOptionTest, UnknownStrategyNameLaterInAChainIsAnArgumentErrorToo) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  EXPECT_THROW(static_cast<void>(session.scalars(relate::select<User>().options(
                   relate::selectinload(&User::posts).load(&Post::tags, "eager_please")))),
               relate::ArgumentError);
}

TEST_P(LoaderOptionTest, BuiltinStrategiesAreRegistered) {
  const auto names = relate::registered_loader_strategies();
  for (const char* name : {"lazy", "joined", "selectin", "raise", "noload"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

RELATE_ON_EVERY_BACKEND(LoaderOptionTest);

}  // namespace
}  // namespace loader_option_test
