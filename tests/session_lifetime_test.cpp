// Objects outliving what they came from: their Session, their MetaData, a statement
// cache entry, another Session. Nothing dangles (the suite runs under ASan), and the
// identity map holds exactly the objects of the session.
#include <memory>

#include "test_support.hpp"

namespace session_lifetime_test {
namespace {

struct Post;

struct User {
  std::int64_t id = 0;
  std::string name;
  relate::many<Post> posts;
};

struct Post {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string title;
  relate::one<User> author;
};

relate::MetaData schema() {
  return relate::MetaData{}
      .table<User>("users", relate::primary_key(&User::id))
      .table<Post>("posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::user_id, &User::id))
      .relationship(&User::posts, &Post::author);
}

class SessionLifetimeTest : public relate_test::DatabaseTest {
 protected:
  void SetUp() override {
    engine.create_all(md);
    relate::Session s(engine, md);
    for (int i = 1; i <= 3; ++i) s.add(User{.id = i, .name = "user" + std::to_string(i)});
    s.commit();
  }
  relate::MetaData md = schema();
};

TEST_P(SessionLifetimeTest, ObjectWhoseRowWasReplacedBehindTheSessionIsDetached) {
  relate::ptr<User> old;
  {
    relate::Session s(engine, md);
    old = s.get<User>(1);
    s.connection().execute("DELETE FROM users WHERE id = 1");
    auto replacement = s.add(User{.id = 1, .name = "new"});
    s.commit();
    EXPECT_EQ(s.get<User>(1), replacement);
    EXPECT_EQ(old.state()->status(), relate::ObjectStatus::detached);
  }
  EXPECT_THROW(old->posts.size(), relate::DetachedInstanceError);
}

TEST_P(SessionLifetimeTest, RollbackGivesReusedKeysBackToTheirOriginalObjects) {
  relate::Session s(engine, md);
  std::vector<relate::ptr<User>> originals;
  for (int i = 1; i <= 3; ++i) originals.push_back(s.get<User>(i));
  for (const auto& u : originals) s.remove(u);
  s.flush();
  for (int i = 1; i <= 3; ++i) s.add(User{.id = i, .name = "replacement"});
  s.flush();
  s.rollback();
  clear();
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(s.get<User>(i), originals[i - 1]);
  EXPECT_TRUE(statements.empty()) << "the identity map answers, no SELECT";
}

TEST_P(SessionLifetimeTest, ExpungedObjectStaysOutAfterRollback) {
  relate::Session s(engine, md);
  auto u = s.get<User>(1);
  u->name = "changed";
  s.flush();
  s.expunge(u);
  s.rollback();
  EXPECT_EQ(u.state()->session(), nullptr);
  auto again = s.get<User>(1);
  EXPECT_NE(again, u);
  EXPECT_EQ(again->name, "user1");
  relate::Session other(engine, md);
  EXPECT_NO_THROW(other.add(u));
}

TEST_P(SessionLifetimeTest, ObjectOutlivesItsSessionAndMetaData) {
  auto load = [this] {
    relate::MetaData local = schema();
    relate::Session s(engine, local);
    return s.get<User>(2);
  };
  relate::ptr<User> u = load();
  EXPECT_EQ(u->name, "user2");
  EXPECT_THROW(u->posts.size(), relate::DetachedInstanceError);
}

TEST_P(SessionLifetimeTest, CursorSurvivesEvictionOfItsStatement) {
  auto c = engine.connect();
  auto cursor = c.execute(relate::sql::CompiledStatement{"SELECT id FROM users ORDER BY id", {}});
  ASSERT_TRUE(cursor->next());
  for (int i = 0; i < 520; ++i) {
    c.execute(relate::sql::CompiledStatement{"SELECT " + std::to_string(i), {}});
  }
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0).as_int(), 2);
}

TEST_P(SessionLifetimeTest, CursorOfAStatementRunAgainRefusesToReadOn) {
  auto c = engine.connect();
  const relate::sql::CompiledStatement q{"SELECT id FROM users", {}};
  auto first = c.execute(q);
  ASSERT_TRUE(first->next());
  auto second = c.execute(q);
  EXPECT_THROW(first->next(), relate::ProgrammingError);
  EXPECT_TRUE(second->next());
}

TEST_P(SessionLifetimeTest, ObjectMovedBetweenSessionsAndBackLeaksNothing) {
  // LeakSanitizer fails this test if the object graphs keep each other alive.
  relate::Session a(engine, md);
  relate::Session b(engine, md);
  auto x = a.get<User>(1);
  a.expunge(x);
  b.add(x);
  b.expunge(x);
  a.add(x);
  EXPECT_EQ(a.get<User>(1), x);
}

RELATE_ON_EVERY_BACKEND(SessionLifetimeTest);

}  // namespace
}  // namespace session_lifetime_test
