// Every strategy loads the same thing: whatever the options, a query yields the same
// objects in the same order (the query's ORDER BY for parents, the relationship's
// order_by for collections), and loading never overwrites what the session already
// holds (the identity map wins over the row, and a loaded collection stays as it is).
#include <functional>
#include <relate/loaders.hpp>
#include <tuple>

#include "blog_models.hpp"

namespace loader_equivalence_test {

using blog_test::BlogShape;
using blog_test::expected_render;
using blog_test::Post;
using blog_test::render;
using blog_test::User;
using blog_test::user_ids;
using relate_test::raw;

namespace {

struct Variant {
  std::string name;
  std::function<void(relate::Select<User>&)> apply;
};

// gtest prints the parameter of a failing test: its name, not its bytes.
void PrintTo(const Variant& variant, std::ostream* os) { *os << variant.name; }

std::vector<Variant> variants() {
  return {
      {"DefaultLazy", [](relate::Select<User>&) {}},
      {"Lazyload", [](auto& q) { q.options(relate::lazyload(&User::posts)); }},
      {"Joined", [](auto& q) { q.options(relate::joinedload(&User::posts)); }},
      {"JoinedEverything",
       [](auto& q) {
         q.options(relate::joinedload(&User::posts).joinedload(&Post::tags),
                   relate::joinedload(&User::profile));
       }},
      {"Selectin", [](auto& q) { q.options(relate::selectinload(&User::posts)); }},
      {"SelectinEverything",
       [](auto& q) {
         q.options(relate::selectinload(&User::posts).selectinload(&Post::tags),
                   relate::selectinload(&User::profile));
       }},
      {"SelectinThenJoined",
       [](auto& q) {
         q.options(relate::selectinload(&User::posts).joinedload(&Post::tags),
                   relate::joinedload(&User::profile));
       }},
      {"JoinedThenSelectin",
       [](auto& q) {
         q.options(relate::joinedload(&User::posts).selectinload(&Post::tags),
                   relate::selectinload(&User::profile));
       }},
      {"SelectinWithAuthors",
       [](auto& q) { q.options(relate::selectinload(&User::posts).selectinload(&Post::author)); }},
      {"JoinedWithAuthors",
       [](auto& q) { q.options(relate::joinedload(&User::posts).joinedload(&Post::author)); }},
      {"ByName",
       [](auto& q) {
         q.options(relate::load(&User::posts, "joined").load(&Post::tags, "selectin"),
                   relate::load(&User::profile, "selectin"));
       }},
      {"SmallBatches",
       [](auto& q) {
         q.options(relate::load(&User::posts, "selectin_small").load(&Post::tags, "selectin_small"),
                   relate::load(&User::profile, "selectin_small"));
       }},
  };
}

// Each variant on each backend.
class LoaderEquivalenceTest
    : public blog_test::BlogTest,
      public ::testing::WithParamInterface<std::tuple<Variant, const char*>> {
 protected:
  LoaderEquivalenceTest() : BlogTest(std::get<1>(GetParam())) {
    relate::register_loader_strategy(relate::loaders::selectin_loader("selectin_small", 2));
  }

  relate::Select<User> query() const {
    relate::Select<User> q = relate::select<User>();
    std::get<0>(GetParam()).apply(q);
    return q;
  }
};

TEST_P(LoaderEquivalenceTest, LoadsTheSameObjectsInTheSameOrder) {
  const BlogShape shape{7, 3};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = session.scalars(query().order_by(relate::desc(&User::id))).all();
  EXPECT_EQ(render(users), expected_render(shape, user_ids(7, 1)));
}

TEST_P(LoaderEquivalenceTest, LimitAndOffsetChooseTheSameParents) {
  const BlogShape shape{7, 3};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users = session.scalars(query().order_by(&User::id).limit(3).offset(2)).all();
  EXPECT_EQ(render(users), expected_render(shape, user_ids(3, 5)));
}

TEST_P(LoaderEquivalenceTest, WhereClauseChoosesTheSameParents) {
  const BlogShape shape{7, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto users =
      session.scalars(query().where(relate::col(&User::id).in({2, 5, 6})).order_by(&User::id))
          .all();
  EXPECT_EQ(render(users), expected_render(shape, {2, 5, 6}));
}

TEST_P(LoaderEquivalenceTest, ObjectsAlreadyInTheSessionAreReusedNotOverwritten) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto before = session.scalars(relate::select<User>().order_by(&User::id)).all();
  const auto posts = session.scalars(relate::select<Post>().order_by(&Post::id)).all();
  before[0]->name = "renamed in memory";
  posts[0]->title = "retitled in memory";  // post 1, user 1's first

  const auto after = session.scalars(query().order_by(&User::id)).all();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(raw(after[0]), raw(before[0]));
  EXPECT_EQ(after[0]->name, "renamed in memory");
  ASSERT_EQ(after[0]->posts.size(), 2u);
  EXPECT_EQ(raw(after[0]->posts[0]), raw(posts[0]));
  EXPECT_EQ(after[0]->posts[0]->title, "retitled in memory");
}

TEST_P(LoaderEquivalenceTest, ALoadedCollectionIsNotReplaced) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  auto user1 = session.get<User>(1);
  ASSERT_EQ(user1->posts.size(), 2u);
  user1->posts.add(Post{.title = "draft"});  // pending, not flushed

  const auto users = session.scalars(query().order_by(&User::id)).all();
  ASSERT_EQ(raw(users.at(0)), raw(user1));
  ASSERT_EQ(user1->posts.size(), 3u);
  EXPECT_EQ(user1->posts[2]->title, "draft");
  EXPECT_EQ(users[1]->posts.size(), 2u);
}

TEST_P(LoaderEquivalenceTest, RunningTheQueryAgainDuplicatesNothing) {
  const BlogShape shape{4, 2};
  auto md = blog(shape);
  relate::Session session(engine, md);
  const auto first = session.scalars(query().order_by(&User::id)).all();
  const std::string once = render(first);
  const auto second = session.scalars(query().order_by(&User::id)).all();
  EXPECT_EQ(render(second), once);
  EXPECT_EQ(render(first), expected_render(shape, user_ids(1, 4)));
}

TEST_P(LoaderEquivalenceTest, EmptyResultLoadsNothing) {
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto users = session.scalars(query().where(relate::col(&User::id) > 100)).all();
  EXPECT_TRUE(users.empty());
}

INSTANTIATE_TEST_SUITE_P(
    EveryStrategy, LoaderEquivalenceTest,
    ::testing::Combine(::testing::ValuesIn(variants()),
                       ::testing::Values(relate_test::kSqlite, relate_test::kPostgresql,
                                         relate_test::kMysql)),
    [](const ::testing::TestParamInfo<std::tuple<Variant, const char*>>& info) {
      return std::get<0>(info.param).name + "_" + std::get<1>(info.param);
    });

}  // namespace
}  // namespace loader_equivalence_test
