// Relationships declared on one side only. Blog.stories is a one-to-many whose Story
// has no member pointing back; Comment.article is a many-to-one whose Article has no
// collection of comments. Each still writes its foreign key at flush in dependency
// order, loads lazily and cascades as SQLAlchemy's do.
#include "test_support.hpp"

namespace unidirectional_test {

struct Story;

struct Blog {
  std::int64_t id = 0;
  std::string name;
  relate::many<Story> stories;
};

struct Story {
  std::int64_t id = 0;
  std::optional<std::int64_t> blog_id;
  std::string title;
};

struct Article {
  std::int64_t id = 0;
  std::string title;
};

struct Comment {
  std::int64_t id = 0;
  std::optional<std::int64_t> article_id;
  std::string body;
  relate::one<Article> article;
};

namespace {

using relate_test::raw;
using relate_test::Rows;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Options {
  std::string stories_cascade = "save-update, merge";
  std::string article_cascade = "save-update, merge";
};

relate::MetaData publishing(const Options& o = {}) {
  relate::MetaData md;
  md.table<Blog>("blogs", relate::primary_key(&Blog::id))
      .table<Story>("stories", relate::primary_key(&Story::id),
                    relate::foreign_key(&Story::blog_id, &Blog::id))
      .table<Article>("articles", relate::primary_key(&Article::id))
      .table<Comment>("comments", relate::primary_key(&Comment::id),
                      relate::foreign_key(&Comment::article_id, &Article::id))
      .relationship(&Blog::stories)
      .order_by(&Story::id, true)
      .cascade(o.stories_cascade)
      .relationship(&Comment::article)
      .cascade(o.article_cascade);
  return md;
}

std::vector<std::string> titles(const relate::many<Story>& stories) {
  std::vector<std::string> out;
  for (const auto& s : stories) out.push_back(s->title);
  return out;
}

class UnidirectionalTest : public relate_test::DatabaseTest {
 protected:
  // Blog 1 with stories 1..3 and blog 2 with none; article 1 with comments 1 and 2.
  void seed() {
    exec_raw(
        "INSERT INTO blogs (id, name) VALUES (1, 'news'), (2, 'sport'); "
        "INSERT INTO stories (id, blog_id, title) VALUES (1, 1, 's1'), (2, 1, 's2'), "
        "(3, 1, 's3'); "
        "INSERT INTO articles (id, title) VALUES (1, 'a1'), (2, 'a2'); "
        "INSERT INTO comments (id, article_id, body) VALUES (1, 1, 'c1'), (2, 1, 'c2');");
    clear();
  }

  Rows stories() const { return rows("SELECT id, blog_id FROM stories ORDER BY id"); }
  Rows comments() const { return rows("SELECT id, article_id FROM comments ORDER BY id"); }
};

// ---- one-to-many without a back reference ----

TEST_P(UnidirectionalTest, OneToManyWritesTheForeignKeyOfAppendedChildrenAtFlush) {
  const auto md = create(publishing());
  relate::Session session(engine, md);
  auto s1 = session.add(Story{.title = "s1"});
  auto news = session.add(Blog{.name = "news"});
  news->stories.push_back(s1);
  news->stories.add(Story{.title = "s2"});
  EXPECT_EQ(s1->blog_id, std::nullopt);  // not before the flush
  session.flush();
  ASSERT_EQ(statements.size(), 2u);  // the blog, then both stories
  EXPECT_THAT(statements[0], StartsWith("INSERT INTO \"blogs\""));
  EXPECT_EQ(s1->blog_id, news->id);
  session.commit();
  EXPECT_EQ(rows("SELECT title, blog_id FROM stories ORDER BY id"),
            (Rows{{"s1", std::to_string(news->id)}, {"s2", std::to_string(news->id)}}));
}

TEST_P(UnidirectionalTest, OneToManyLoadsInDescendingOrderWithOneSelect) {
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  auto news = session.get<Blog>(1);
  clear();
  EXPECT_THAT(titles(news->stories), ElementsAre("s3", "s2", "s1"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("ORDER BY \"stories\".\"id\" DESC"));
}

TEST_P(UnidirectionalTest, AppendingAPersistentChildToAnotherParentUpdatesItsForeignKey) {
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  auto sport = session.get<Blog>(2);
  auto s1 = session.get<Story>(1);
  sport->stories.push_back(s1);
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("UPDATE \"stories\" SET \"blog_id\" = ?"), 1u);
  EXPECT_EQ(stories(), (Rows{{"1", "2"}, {"2", "1"}, {"3", "1"}}));
}

TEST_P(UnidirectionalTest, RemovingFromAOneToManyNullsTheForeignKey) {
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  auto news = session.get<Blog>(1);
  auto s3 = news->stories[0];
  news->stories.remove(s3);
  session.commit();
  EXPECT_EQ(stories(), (Rows{{"1", "1"}, {"2", "1"}, {"3", "NULL"}}));
  EXPECT_EQ(s3->blog_id, std::nullopt);
}

TEST_P(UnidirectionalTest, RemovingFromAOneToManyWithDeleteOrphanDeletesTheChild) {
  const auto md = create(publishing(Options{.stories_cascade = "all, delete-orphan"}));
  seed();
  relate::Session session(engine, md);
  auto news = session.get<Blog>(1);
  auto s3 = news->stories[0];
  news->stories.remove(s3);
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"stories\""));
  EXPECT_EQ(s3.state()->status(), relate::ObjectStatus::deleted);
  session.commit();
  EXPECT_EQ(stories(), (Rows{{"1", "1"}, {"2", "1"}}));
}

TEST_P(UnidirectionalTest, DeletingTheParentOfAOneToManyNullsItsUnloadedChildren) {
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<Blog>(1));
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("SELECT"), 1u);
  EXPECT_EQ(count_starting_with("UPDATE \"stories\" SET \"blog_id\" = ?"), 3u);
  EXPECT_EQ(stories(), (Rows{{"1", "NULL"}, {"2", "NULL"}, {"3", "NULL"}}));
  EXPECT_EQ(rows("SELECT name FROM blogs"), (Rows{{"sport"}}));
}

TEST_P(UnidirectionalTest, DeletingTheParentOfAOneToManyWithDeleteCascadeDeletesItsChildren) {
  const auto md = create(publishing(Options{.stories_cascade = "all, delete-orphan"}));
  seed();
  relate::Session session(engine, md);
  auto news = session.get<Blog>(1);
  auto s1 = session.get<Story>(1);
  session.remove(news);
  clear();
  session.flush();
  EXPECT_EQ(count_starting_with("DELETE FROM \"stories\""), 1u);  // the three keys in one
  EXPECT_EQ(statements.back().rfind("DELETE FROM \"blogs\"", 0), 0u)
      << ::testing::PrintToString(statements);
  EXPECT_EQ(s1.state()->status(), relate::ObjectStatus::deleted);
  session.commit();
  EXPECT_EQ(count_rows("stories"), 0);
}

// ---- many-to-one without a back reference ----

TEST_P(UnidirectionalTest, ManyToOneInsertsItsTargetFirstAndCopiesTheKey) {
  const auto md = create(publishing());
  relate::Session session(engine, md);
  auto c1 = session.add(Comment{.body = "c1"});
  c1->article = relate::make(Article{.title = "a1"});
  session.flush();
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], StartsWith("INSERT INTO \"articles\""));
  EXPECT_THAT(statements[1], StartsWith("INSERT INTO \"comments\""));
  EXPECT_EQ(c1->article_id, c1->article->id);
  session.commit();
  EXPECT_EQ(comments(), (Rows{{std::to_string(c1->id), std::to_string(c1->article->id)}}));
}

TEST_P(UnidirectionalTest, ManyToOneLoadsWithOneSelectAndSharesTheIdentityMap) {
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  auto c1 = session.get<Comment>(1);
  auto c2 = session.get<Comment>(2);
  clear();
  EXPECT_EQ(c1->article->title, "a1");
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(raw(c2->article), raw(c1->article));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(UnidirectionalTest, ClearingAManyToOneNullsTheForeignKey) {
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  auto c1 = session.get<Comment>(1);
  c1->article = nullptr;
  session.commit();
  EXPECT_EQ(comments(), (Rows{{"1", "NULL"}, {"2", "1"}}));
}

TEST_P(UnidirectionalTest, RetargetingAManyToOneUpdatesTheForeignKey) {
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  auto c1 = session.get<Comment>(1);
  c1->article = session.get<Article>(2);
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("UPDATE \"comments\" SET \"article_id\" = ?"), 1u);
  EXPECT_EQ(comments(), (Rows{{"1", "2"}, {"2", "1"}}));
}

TEST_P(UnidirectionalTest, DeletingAReferrerLeavesItsTarget) {
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  auto c1 = session.get<Comment>(1);
  ASSERT_TRUE(c1->article);
  session.remove(c1);
  session.commit();
  EXPECT_EQ(comments(), (Rows{{"2", "1"}}));
  EXPECT_EQ(count_rows("articles"), 2);
}

TEST_P(UnidirectionalTest, DeleteCascadeOnAManyToOneDeletesTheTargetAfterTheReferrer) {
  const auto md = create(publishing(Options{.article_cascade = "all"}));
  exec_raw(
      "INSERT INTO articles (id, title) VALUES (1, 'a1'); "
      "INSERT INTO comments (id, article_id, body) VALUES (1, 1, 'c1');");
  relate::Session session(engine, md);
  auto c1 = session.get<Comment>(1);
  session.remove(c1);
  clear();
  session.flush();
  EXPECT_EQ(count_starting_with("DELETE"), 2u) << ::testing::PrintToString(statements);
  const auto deletes = statements_starting_with("DELETE");
  ASSERT_EQ(deletes.size(), 2u);
  EXPECT_THAT(deletes[0], StartsWith("DELETE FROM \"comments\""));
  EXPECT_THAT(deletes[1], StartsWith("DELETE FROM \"articles\""));
  session.commit();
  EXPECT_EQ(count_rows("comments"), 0);
  EXPECT_EQ(count_rows("articles"), 0);
}

TEST_P(UnidirectionalTest, DeletingTheTargetOfAManyToOneLeavesItsReferrersToTheDatabase) {
  // Article has no relationship to its comments, so nothing nulls them: the database's
  // foreign key refuses the DELETE, as in SQLAlchemy.
  const auto md = create(publishing());
  seed();
  relate::Session session(engine, md);
  auto a1 = session.get<Article>(1);
  auto c1 = session.get<Comment>(1);
  session.remove(a1);
  clear();
  EXPECT_THROW(session.flush(), relate::IntegrityError);
  EXPECT_EQ(count_starting_with("UPDATE"), 0u);
  EXPECT_EQ(count_starting_with("SELECT"), 0u);
  session.rollback();
  EXPECT_EQ(a1.state()->status(), relate::ObjectStatus::persistent);
  EXPECT_EQ(c1->article_id, 1);
  EXPECT_EQ(count_rows("articles"), 2);
  EXPECT_EQ(comments(), (Rows{{"1", "1"}, {"2", "1"}}));
}

RELATE_ON_EVERY_BACKEND(UnidirectionalTest);

}  // namespace
}  // namespace unidirectional_test
