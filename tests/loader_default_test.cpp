// A relationship's default loader strategy, set in the mapping with .lazy("name"): it
// applies wherever objects load without an option for that relationship — a query,
// session.get, and the lazy load of another relationship — and a query's option
// overrides it. An unknown name there is a MappingError naming the relationship.
#include "blog_models.hpp"

namespace loader_default_test {

using blog_test::batches;
using blog_test::BlogDefaults;
using blog_test::BlogShape;
using blog_test::User;

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class LoaderDefaultTest : public relate_test::OnEveryBackend<blog_test::BlogTest> {
 protected:
  static std::size_t touch_posts(const std::vector<relate::ptr<User>>& users) {
    std::size_t posts = 0;
    for (const auto& user : users) posts += user->posts.size();
    return posts;
  }
};

TEST_P(LoaderDefaultTest, SelectinDefaultAppliesToAQueryWithoutOptions) {
  auto md = blog({1201, 1}, BlogDefaults{.posts = "selectin"});
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  EXPECT_EQ(statements.size(), 1u + batches(1201));
  EXPECT_EQ(touch_posts(users), 1201u);
  EXPECT_EQ(statements.size(), 1u + batches(1201));
}

TEST_P(LoaderDefaultTest, JoinedDefaultCostsOneStatement) {
  auto md = blog({3, 2}, BlogDefaults{.posts = "joined"});
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  EXPECT_EQ(touch_posts(users), 6u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(LoaderDefaultTest, EagerDefaultsOnEveryRelationshipLoadTheWholeBlog) {
  const BlogShape shape{3, 2};
  auto md = blog(shape, BlogDefaults{.posts = "selectin", .profile = "joined", .tags = "selectin"});
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  EXPECT_EQ(statements.size(), 3u);  // users with profiles, posts, tags
  EXPECT_EQ(blog_test::render(users), blog_test::expected_render(shape, {1, 2, 3}));
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(LoaderDefaultTest, QueryOptionOverridesTheDefault) {
  auto md = blog({3, 2}, BlogDefaults{.posts = "selectin"});
  relate::Session session(engine, md);
  const auto users =
      session
          .scalars(
              relate::select<User>().options(relate::lazyload(&User::posts)).order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 1u);
  touch_posts(users);
  EXPECT_EQ(statements.size(), 1u + 3u);
}

TEST_P(LoaderDefaultTest, RaiseDefaultThrowsOnAccessAndAnOptionOverridesIt) {
  auto md = blog({3, 2}, BlogDefaults{.posts = "raise"});
  relate::Session session(engine, md);
  const auto plain = session.scalars(relate::select<User>().order_by(&User::id)).all();
  try {
    static_cast<void>(plain.at(0)->posts.size());
    FAIL() << "expected relate::InvalidRequestError";
  } catch (const relate::InvalidRequestError& e) {
    EXPECT_THAT(e.what(), HasSubstr("User.posts"));
  }
  session.close();

  relate::Session other(engine, md);
  const auto loaded = other
                          .scalars(relate::select<User>()
                                       .options(relate::selectinload(&User::posts))
                                       .order_by(&User::id))
                          .all();
  EXPECT_EQ(touch_posts(loaded), 6u);
}

TEST_P(LoaderDefaultTest, NoloadDefaultReadsEmpty) {
  auto md = blog({3, 2}, BlogDefaults{.posts = "noload"});
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  EXPECT_EQ(touch_posts(users), 0u);
  EXPECT_EQ(statements.size(), 1u);
}

// SQLAlchemy applies a relationship's lazy= to Session.get too.
TEST_P(LoaderDefaultTest, SelectinDefaultAppliesToSessionGet) {
  auto md = blog({3, 2}, BlogDefaults{.posts = "selectin"});
  relate::Session session(engine, md);
  auto user = session.get<User>(2);
  EXPECT_EQ(statements.size(), 2u);
  EXPECT_EQ(user->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(LoaderDefaultTest, JoinedDefaultAppliesToSessionGet) {
  auto md = blog({3, 2}, BlogDefaults{.posts = "joined"});
  relate::Session session(engine, md);
  auto user = session.get<User>(2);
  EXPECT_EQ(user->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

// Objects a lazy load brings in follow their relationships' defaults too.
TEST_P(LoaderDefaultTest, DefaultAppliesToObjectsOfALazyLoad) {
  auto md = blog({3, 2}, BlogDefaults{.tags = "selectin"});
  relate::Session session(engine, md);
  auto user = session.get<User>(1);
  clear();
  ASSERT_EQ(user->posts.size(), 2u);  // lazy: posts, then their tags by selectin
  EXPECT_EQ(statements.size(), 2u);
  for (const auto& post : user->posts) static_cast<void>(post->tags.size());
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(LoaderDefaultTest, DefaultAppliesToObjectsOfAnEagerLoad) {
  auto md = blog({3, 2}, BlogDefaults{.tags = "selectin"});
  relate::Session session(engine, md);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .options(relate::selectinload(&User::posts))
                                      .order_by(&User::id))
                         .all();
  EXPECT_EQ(statements.size(), 3u);  // users, posts, then the posts' tags by default
  for (const auto& user : users) {
    for (const auto& post : user->posts) static_cast<void>(post->tags.size());
  }
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(LoaderDefaultTest, UnknownDefaultIsAMappingErrorNamingTheRelationship) {
  relate::MetaData md = blog_test::blog_metadata(BlogDefaults{.posts = "eager_please"});
  try {
    md.configure();
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("User::posts"), HasSubstr("eager_please")));
  }
}

RELATE_ON_EVERY_BACKEND(LoaderDefaultTest);

}  // namespace
}  // namespace loader_default_test
