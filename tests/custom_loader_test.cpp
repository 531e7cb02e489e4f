// A loader strategy written outside the core (examples/custom_loader), registered at
// run time and used by name in the same options as the built-in ones. "sibling_batch"
// loads on first access, for every object the same query loaded, in one IN statement:
// N users cost 1 statement for the first user's posts and none for the others'.
#include "blog_models.hpp"

#if RELATE_TEST_CUSTOM_LOADER
#include "sibling_batch_loader.hpp"
#endif

namespace custom_loader_test {

using blog_test::BlogShape;
using blog_test::Post;
using blog_test::User;

namespace {

using ::testing::HasSubstr;

class CustomLoaderTest : public relate_test::OnEveryBackend<blog_test::BlogTest> {
 protected:
  void SetUp() override {
#if RELATE_TEST_CUSTOM_LOADER
    relate::register_loader_strategy(relate_examples::make_sibling_batch_loader());
#else
    GTEST_SKIP() << "examples/custom_loader (target relate_custom_loader) is not built";
#endif
  }

  std::vector<relate::ptr<User>> users(relate::Session& session) {
    return session
        .scalars(relate::select<User>()
                     .options(relate::load(&User::posts, "sibling_batch"))
                     .order_by(&User::id))
        .all();
  }
};

TEST_P(CustomLoaderTest, RegisteredStrategyIsListedByName) {
  const auto names = relate::registered_loader_strategies();
  EXPECT_NE(std::find(names.begin(), names.end(), "sibling_batch"), names.end());
  EXPECT_EQ(relate::find_loader_strategy("sibling_batch").name(), "sibling_batch");
}

TEST_P(CustomLoaderTest, TheQueryItselfLoadsNoPosts) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto all = users(session);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(statements.size(), 1u);
  for (const auto& user : all) EXPECT_FALSE(user->posts.is_loaded());
}

TEST_P(CustomLoaderTest, FirstAccessLoadsEverySiblingInOneStatement) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto all = users(session);
  clear();
  EXPECT_EQ(all[0]->posts.size(), 2u);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("FROM \"posts\""));
  EXPECT_THAT(statements[0], HasSubstr(" IN ("));
  for (const auto& user : all) EXPECT_TRUE(user->posts.is_loaded());
}

TEST_P(CustomLoaderTest, OtherSiblingsCostNoStatement) {
  const BlogShape shape{7, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto all = users(session);
  clear();
  static_cast<void>(all[0]->posts.size());
  EXPECT_EQ(statements.size(), 1u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto user = static_cast<std::int64_t>(i) + 1;
    ASSERT_EQ(all[i]->posts.size(), 2u);
    EXPECT_EQ(all[i]->posts[0]->id, blog_test::post_id(shape, user, 0));
    EXPECT_EQ(all[i]->posts[1]->id, blog_test::post_id(shape, user, 1));
    for (const auto& post : all[i]->posts) EXPECT_EQ(post->author.get(), all[i]);
  }
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(CustomLoaderTest, AccessFromAnySiblingLoadsThemAll) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto all = users(session);
  clear();
  EXPECT_EQ(all[2]->posts.size(), 2u);
  EXPECT_EQ(all[0]->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(CustomLoaderTest, ObjectsOfAnotherQueryAreNotSiblings) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto first = session
                         .scalars(relate::select<User>()
                                      .where(relate::col(&User::id) == 1)
                                      .options(relate::load(&User::posts, "sibling_batch")))
                         .all();
  const auto rest = session
                        .scalars(relate::select<User>()
                                     .where(relate::col(&User::id) > 1)
                                     .options(relate::load(&User::posts, "sibling_batch"))
                                     .order_by(&User::id))
                        .all();
  clear();
  EXPECT_EQ(first.at(0)->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_FALSE(rest.at(0)->posts.is_loaded());
  EXPECT_EQ(rest[0]->posts.size(), 2u);
  EXPECT_EQ(rest[1]->posts.size(), 2u);
  EXPECT_EQ(statements.size(), 2u);
}

TEST_P(CustomLoaderTest, ChainedAfterABuiltinStrategy) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto all =
      session
          .scalars(
              relate::select<User>()
                  .options(relate::selectinload(&User::posts).load(&Post::tags, "sibling_batch"))
                  .order_by(&User::id))
          .all();
  EXPECT_EQ(statements.size(), 2u);
  clear();
  std::size_t tags = 0;
  for (const auto& user : all) {
    for (const auto& post : user->posts) {
      tags += post->tags.size();
      std::vector<std::int64_t> ids;
      for (const auto& tag : post->tags) ids.push_back(tag->id);
      EXPECT_EQ(ids, blog_test::tags_of(post->id)) << "post " << post->id;
    }
  }
  EXPECT_GT(tags, 0u);
  EXPECT_EQ(statements.size(), 1u);  // every post came from the same selectin load
}

RELATE_ON_EVERY_BACKEND(CustomLoaderTest);

}  // namespace
}  // namespace custom_loader_test
