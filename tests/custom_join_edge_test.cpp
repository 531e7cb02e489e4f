// Custom join conditions and viewonly relationships at their edges, from a hostile
// review: a joined collection below a selectin of a condition that is no key, composite
// parent keys, a table named like selectin's parent alias, a one<> matching several
// rows, LIMIT, chained options, contains_eager, raise/noload, self-referential
// conditions with remote() (and without: a MappingError), NULL parent values in the
// condition (SQL's NULL, never IS NULL), deleted objects leaving loaded viewonly
// relationships, parent-only terms, and a self-referential many-to-many condition.
// Where SQLAlchemy 1.4 answers the same question its answer was checked by running it.
#include "test_support.hpp"

namespace custom_join_edge_test {

struct Post;
struct Comment;
struct Flagged;

struct User {
  std::int64_t id = 0;
  std::string name;
  std::int64_t last_seen = 0;
  bool active = true;
  std::optional<std::int64_t> fav_day;
  relate::many<Post> posts;
  relate::many<Post> published;   // viewonly, FK equality + extra term
  relate::many<Post> fav_posts;   // viewonly, no FK: posts.day = users.fav_day
  relate::many<Post> drafts;      // written, back_populates Post::draft_author
  relate::many<Flagged> flagged;  // viewonly onto table "anon_parent"
  relate::one<Post> latest;       // viewonly one<>: several rows match
};

struct Post {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string title;
  bool is_published = false;
  std::int64_t day = 0;
  relate::one<User> author;
  relate::one<User> active_author;  // viewonly
  relate::one<User> draft_author;   // back of User::drafts
  relate::many<Comment> comments;
};

struct Comment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string text;
  relate::one<Post> post;
};

struct Flagged {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  bool flag = false;
};

// Composite primary key parent with a condition that is no key.
struct Shelf {
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::int64_t min_day = 0;
  relate::many<Post> recent;  // viewonly: posts.day >= shelves.min_day AND posts.id % 2 = b
};

struct Node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
  bool active = true;
  relate::many<Node> children;
  relate::one<Node> parent;
  relate::many<Node> active_children;
  relate::one<Node> active_parent;  // many-to-one via remote(&Node::id)
  relate::many<Node> siblings;      // viewonly parent_id = remote(parent_id) AND id != remote(id)
};

struct Tree {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  bool active = true;
  relate::many<Tree> active_children;
};

struct Lesson;
struct Course {
  std::int64_t id = 0;
  std::string name;
  relate::many<Lesson> lessons;
};
struct Lesson {
  std::int64_t id = 0;
  std::int64_t course_id = 0;
  std::string name;
};
struct Student {
  std::int64_t id = 0;
  std::string name;
  relate::many<Course> courses;
};

struct Person {
  std::int64_t id = 0;
  std::string name;
  relate::many<Person> following;
  relate::many<Person> close_friends;  // viewonly self-referential many-to-many
};

struct Item;
struct Cat {
  std::int64_t id = 0;
  std::optional<std::int64_t> color;
  relate::many<Cat> same_color;  // viewonly: remote(color) == color AND remote(id) != id
};

struct Member {
  std::int64_t id = 0;
  bool active = true;
  relate::many<Item> items_if_active;  // viewonly: id == items.owner_id AND active == true
};

struct Item;
struct Owner {
  std::int64_t id = 0;
  bool active = true;
  relate::many<Item> items;
};
struct Item {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
};

namespace {

using relate::col;
using relate::remote;
using relate::secondary_col;
using relate::select;
using relate_test::Rows;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

relate::MetaData model() {
  relate::MetaData md;
  md.table<User>("users", relate::primary_key(&User::id))
      .table<Post>("posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::user_id, &User::id))
      .table<Comment>("comments", relate::primary_key(&Comment::id),
                      relate::foreign_key(&Comment::post_id, &Post::id))
      .table<Flagged>("anon_parent", relate::primary_key(&Flagged::id))
      .table<Shelf>("shelves", relate::primary_key(&Shelf::a, &Shelf::b));
  md.relationship(&User::posts, &Post::author)
      .order_by(&Post::id)
      .relationship(&User::published)
      .primaryjoin(col(&User::id) == col(&Post::user_id) && col(&Post::is_published) == true)
      .order_by(&Post::id)
      .viewonly()
      .relationship(&User::fav_posts)
      .primaryjoin(col(&Post::day) == col(&User::fav_day))
      .order_by(&Post::id)
      .viewonly()
      .relationship(&User::drafts, &Post::draft_author)
      .primaryjoin(col(&User::id) == col(&Post::user_id) && col(&Post::is_published) == false)
      .order_by(&Post::id)
      .relationship(&User::flagged)
      .primaryjoin(col(&User::id) == col(&Flagged::user_id) && col(&Flagged::flag) == true)
      .order_by(&Flagged::id)
      .viewonly()
      .relationship(&User::latest)
      .primaryjoin(col(&User::id) == col(&Post::user_id) && col(&Post::day) > 0)
      .viewonly()
      .relationship(&Post::active_author)
      .primaryjoin(col(&Post::user_id) == col(&User::id) && col(&User::active) == true)
      .viewonly()
      .relationship(&Post::comments, &Comment::post)
      .order_by(&Comment::id)
      .relationship(&Shelf::recent)
      .primaryjoin(col(&Post::day) >= col(&Shelf::min_day) && col(&Post::id) % 2 == col(&Shelf::b))
      .order_by(&Post::id)
      .viewonly();
  md.table<Node>("nodes", relate::primary_key(&Node::id),
                 relate::foreign_key(&Node::parent_id, &Node::id))
      .relationship(&Node::children, &Node::parent)
      .order_by(&Node::id)
      .relationship(&Node::active_children)
      .primaryjoin(col(&Node::id) == remote(&Node::parent_id) && remote(&Node::active) == true)
      .order_by(&Node::id)
      .viewonly()
      .relationship(&Node::active_parent)
      .primaryjoin(col(&Node::parent_id) == remote(&Node::id) && remote(&Node::active) == true)
      .viewonly()
      .relationship(&Node::siblings)
      .primaryjoin(col(&Node::parent_id) == remote(&Node::parent_id) &&
                   col(&Node::id) != remote(&Node::id))
      .order_by(&Node::id)
      .viewonly();
  return md;
}

template <class T>
std::string names(const relate::many<T>& items) {
  std::string out;
  for (const auto& i : items) {
    out += out.empty() ? "" : ",";
    if constexpr (requires { i->title; }) {
      out += i->title;
    } else if constexpr (requires { i->text; }) {
      out += i->text;
    } else if constexpr (requires { i->name; }) {
      out += i->name;
    } else {
      out += std::to_string(i->id);
    }
  }
  return out;
}

class CustomJoinEdgeTest : public relate_test::DatabaseTest {
 protected:
  CustomJoinEdgeTest() : md(create(model())) {
    exec_raw(
        "INSERT INTO users (id, name, last_seen, active, fav_day) VALUES "
        "(1, 'Ann', 10, TRUE, 5), (2, 'Bob', 0, FALSE, NULL), (3, 'Cy', 5, TRUE, 3)");
    exec_raw(
        "INSERT INTO posts (id, user_id, title, is_published, day) VALUES "
        "(1, 1, 'a1', TRUE, 5), (2, 1, 'a2', FALSE, 12), (3, 1, 'a3', TRUE, 15), "
        "(4, 2, 'b1', TRUE, 3), (5, 2, 'b2', FALSE, 4), (6, 3, 'c1', FALSE, 1), "
        "(7, NULL, 'orphan', TRUE, 0)");
    exec_raw(
        "INSERT INTO comments (id, post_id, text) VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 3, 'z')");
    exec_raw("INSERT INTO anon_parent (id, user_id, flag) VALUES (1, 1, TRUE), (2, 1, FALSE)");
    exec_raw("INSERT INTO shelves (a, b, min_day) VALUES (1, 0, 10), (1, 1, 4), (2, 1, 100)");
    exec_raw(
        "INSERT INTO nodes (id, parent_id, name, active) VALUES (1, NULL, 'root', TRUE), "
        "(2, 1, 'kid', TRUE), (3, 1, 'gone', FALSE), (4, 2, 'grandkid', TRUE), "
        "(5, 3, 'under_gone', TRUE)");
  }
  relate::MetaData md;
};

template <class Query>
Query with_strategy(Query q, const std::string& strategy, auto... members) {
  if (strategy == "joined") return q.options(relate::joinedload(members)...);
  if (strategy == "selectin") return q.options(relate::selectinload(members)...);
  return q.options(relate::lazyload(members)...);
}

const std::vector<std::string> kStrategies{"lazy", "joined", "selectin"};

// ---- Loading ----

// A target row repeated by a joined collection below a selectin of a non-key join
// appears once in each parent's collection.
TEST_P(CustomJoinEdgeTest, SelectinOfACustomJoinWithAJoinedCollectionBelow) {
  relate::Session session(engine, md);
  auto users = session
                   .scalars(select<User>().order_by(&User::id).options(
                       relate::selectinload(&User::published).joinedload(&Post::comments)))
                   .all();
  EXPECT_EQ(names(users[0]->published), "a1,a3");
  EXPECT_EQ(names(users[0]->published[0]->comments), "x,y");
}

// A one<> with such a condition: the repeated row makes it "several rows".
TEST_P(CustomJoinEdgeTest, SelectinOfACustomManyToOneWithAJoinedCollectionBelow) {
  relate::Session session(engine, md);
  try {
    auto posts = session
                     .scalars(select<Post>().order_by(&Post::id).options(
                         relate::selectinload(&Post::active_author).joinedload(&User::posts)))
                     .all();
    EXPECT_EQ(posts[0]->active_author->name, "Ann");
    EXPECT_EQ(names(posts[0]->active_author->posts), "a1,a2,a3");
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
}

// The same with a plain (key) relationship, for comparison.
TEST_P(CustomJoinEdgeTest, SelectinOfAKeyJoinWithAJoinedCollectionBelow) {
  relate::Session session(engine, md);
  auto users = session
                   .scalars(select<User>().order_by(&User::id).options(
                       relate::selectinload(&User::posts).joinedload(&Post::comments)))
                   .all();
  EXPECT_EQ(names(users[0]->posts), "a1,a2,a3");
}

TEST_P(CustomJoinEdgeTest, ANoKeyViewonlyConditionByEveryStrategy) {
  for (const auto& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    auto users =
        session
            .scalars(with_strategy(select<User>().order_by(&User::id), strategy, &User::fav_posts))
            .all();
    ASSERT_EQ(users.size(), 3u);
    EXPECT_EQ(names(users[0]->fav_posts), "a1");
    EXPECT_EQ(names(users[1]->fav_posts), "");  // fav_day NULL
    EXPECT_EQ(names(users[2]->fav_posts), "b1");
  }
}

TEST_P(CustomJoinEdgeTest, CompositeKeyParentWithANonKeyConditionByEveryStrategy) {
  for (const auto& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    auto shelves = session
                       .scalars(with_strategy(select<Shelf>().order_by(&Shelf::a, &Shelf::b),
                                              strategy, &Shelf::recent))
                       .all();
    ASSERT_EQ(shelves.size(), 3u);
    // (1,0,10): day >= 10 and even id: a2(2,12); (1,1,4): day>=4, odd id: a1(1),a3(3),b2(5)
    EXPECT_EQ(names(shelves[0]->recent), "a2");
    EXPECT_EQ(names(shelves[1]->recent), "a1,a3,b2");
    EXPECT_EQ(names(shelves[2]->recent), "");
  }
}

// A user's table named like the alias selectin uses for the parents.
TEST_P(CustomJoinEdgeTest, ATableNamedAnonParent) {
  for (const auto& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    try {
      auto users =
          session
              .scalars(with_strategy(select<User>().order_by(&User::id), strategy, &User::flagged))
              .all();
      EXPECT_EQ(names(users[0]->flagged), "1");
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST_P(CustomJoinEdgeTest, AOneWithSeveralMatchingRowsIsMultipleResultsFound) {
  for (const auto& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    bool threw = false;
    try {
      auto users =
          session
              .scalars(with_strategy(select<User>().order_by(&User::id), strategy, &User::latest))
              .all();
      (void)users[0]->latest.get();
    } catch (const relate::MultipleResultsFound& e) {
      threw = true;
      SCOPED_TRACE(e.what());
    }
    EXPECT_TRUE(threw);
  }
}

TEST_P(CustomJoinEdgeTest, JoinedloadOfAViewonlyCollectionWithLimit) {
  relate::Session session(engine, md);
  auto users = session
                   .scalars(select<User>().order_by(&User::id).limit(2).options(
                       relate::joinedload(&User::published)))
                   .all();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(names(users[0]->published), "a1,a3");
  EXPECT_EQ(names(users[1]->published), "b1");
  // A parent column in the condition, under LIMIT.
  relate::Session s2(engine, md);
  auto u2 = s2.scalars(select<User>().order_by(&User::id).limit(2).offset(0).options(
                           relate::joinedload(&User::fav_posts)))
                .all();
  ASSERT_EQ(u2.size(), 2u);
  EXPECT_EQ(names(u2[0]->fav_posts), "a1");
  EXPECT_EQ(names(u2[1]->fav_posts), "");
}

TEST_P(CustomJoinEdgeTest, ChainedOptionsBelowACustomJoin) {
  relate::Session session(engine, md);
  auto users = session
                   .scalars(select<User>().order_by(&User::id).options(
                       relate::selectinload(&User::published).selectinload(&Post::active_author)))
                   .all();
  EXPECT_EQ(names(users[0]->published), "a1,a3");
  EXPECT_EQ(users[0]->published[0]->active_author.get(), users[0]);
  EXPECT_EQ(users[1]->published[0]->active_author.get(), nullptr);  // Bob inactive

  relate::Session s2(engine, md);
  auto u2 = s2.scalars(select<User>().order_by(&User::id).options(
                           relate::joinedload(&User::published).joinedload(&Post::active_author)))
                .all();
  EXPECT_EQ(names(u2[0]->published), "a1,a3");
  EXPECT_EQ(u2[0]->published[1]->active_author.get(), u2[0]);
  EXPECT_EQ(u2[1]->published[0]->active_author.get(), nullptr);
}

TEST_P(CustomJoinEdgeTest, ContainsEagerAlongAViewonlyJoin) {
  relate::Session session(engine, md);
  auto users = session
                   .scalars(select<User>()
                                .join(&User::published)
                                .where(col(&Post::day) > 4)
                                .order_by(&User::id, &Post::id)
                                .options(relate::contains_eager(&User::published)))
                   .all();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(names(users[0]->published), "a1,a3");
}

TEST_P(CustomJoinEdgeTest, RaiseAndNoloadOnAViewonly) {
  relate::Session session(engine, md);
  auto users = session
                   .scalars(select<User>().order_by(&User::id).options(
                       relate::raiseload(&User::published), relate::noload(&User::fav_posts)))
                   .all();
  clear();
  EXPECT_THROW(static_cast<void>(users[0]->published.size()), relate::InvalidRequestError);
  EXPECT_EQ(users[0]->fav_posts.size(), 0u);
  EXPECT_EQ(statements.size(), 0u);
}

// ---- Self-referential ----

TEST_P(CustomJoinEdgeTest, SelfReferentialManyToOneThroughRemoteId) {
  for (const auto& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    auto all = session.scalars(select<Node>().order_by(&Node::id)).all();  // all in identity map
    relate::Session s2(engine, md);
    auto nodes = s2.scalars(with_strategy(select<Node>().order_by(&Node::id), strategy,
                                          &Node::active_parent, &Node::siblings))
                     .all();
    std::vector<std::string> got;
    for (const auto& n : nodes)
      got.push_back(n->name + ":" + (n->active_parent ? n->active_parent->name : "-") + ":" +
                    names(n->siblings));
    EXPECT_THAT(got, ElementsAre("root:-:", "kid:root:gone", "gone:root:kid",
                                 "grandkid:kid:", "under_gone:-:"));
  }
}

TEST_P(CustomJoinEdgeTest, SelfReferentialJoinsAndNestedAny) {
  relate::Session session(engine, md);
  // Nodes with an active child that itself has an active child: root (kid -> grandkid).
  auto nodes =
      session
          .scalars(select<Node>()
                       .where(col(&Node::active_children).any(col(&Node::active_children).any()))
                       .order_by(&Node::id))
          .all();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0]->name, "root");
  // has() along the many-to-one with remote(&Node::id).
  auto under_active =
      session
          .scalars(select<Node>()
                       .where(col(&Node::active_parent).has(col(&Node::name) == "root"))
                       .order_by(&Node::id))
          .all();
  ASSERT_EQ(under_active.size(), 2u);
  // join along an alias.
  auto kid = relate::aliased<Node>();
  auto joined = session
                    .scalars(select<Node>()
                                 .join(&Node::active_children, kid)
                                 .where(kid(&Node::name) == "grandkid"))
                    .all();
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0]->name, "kid");
  // from an alias, along the custom relationship, to another alias
  auto a = relate::aliased<Node>();
  auto b = relate::aliased<Node>();
  auto chain = session
                   .scalars(select<Node>()
                                .join(&Node::active_children, a)
                                .join(a(&Node::active_children), b)
                                .where(b(&Node::name) == "grandkid"))
                   .all();
  ASSERT_EQ(chain.size(), 1u);
  EXPECT_EQ(chain[0]->name, "root");
  // with_parent into an alias
  auto root = session.get<Node>(std::int64_t{1});
  auto c = relate::aliased<Node>();
  auto wp =
      session.scalars(select(c).where(relate::with_parent(root, &Node::active_children, c))).all();
  ASSERT_EQ(wp.size(), 1u);
  EXPECT_EQ(wp[0]->name, "kid");
}

// ---- Session state ----

// A deleted object leaves the loaded collections at the flush, viewonly ones too, and
// the rollback puts it back. (SQLAlchemy leaves both as they were until they expire.)
TEST_P(CustomJoinEdgeTest, DeletingAnObjectHeldInALoadedViewonlyCollection) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(std::int64_t{1});
  ASSERT_EQ(names(ann->published), "a1,a3");
  ASSERT_EQ(names(ann->posts), "a1,a2,a3");
  auto a3 = session.get<Post>(std::int64_t{3});
  auto a3_author = a3->active_author.get();
  ASSERT_EQ(a3_author, ann);
  session.remove(session.get<Comment>(std::int64_t{3}));
  session.remove(a3);
  session.flush();
  EXPECT_EQ(names(ann->posts), "a1,a2");
  // Relate's own rule for loaded relationships: a deleted object leaves them.
  EXPECT_EQ(names(ann->published), "a1");
  session.rollback();
  EXPECT_EQ(names(ann->posts), "a1,a2,a3");
  EXPECT_EQ(names(ann->published), "a1,a3");
}

TEST_P(CustomJoinEdgeTest, DeletingTheTargetOfALoadedViewonlyManyToOne) {
  relate::Session session(engine, md);
  auto cy = session.get<User>(std::int64_t{3});
  auto c1 = session.get<Post>(std::int64_t{6});
  ASSERT_EQ(c1->active_author.get(), cy);
  ASSERT_EQ(c1->author.get(), cy);
  session.remove(cy);
  session.flush();
  EXPECT_EQ(c1->author.get(), nullptr);
  // A deleted object leaves every loaded relationship, the viewonly ones too (SQLAlchemy
  // keeps it in both until they expire).
  EXPECT_EQ(c1->active_author.get(), nullptr);
  session.commit();
  EXPECT_EQ(rows("SELECT user_id FROM posts WHERE id = 6"), (Rows{{"NULL"}}));
  EXPECT_FALSE(c1->user_id.has_value());
  EXPECT_EQ(c1->active_author.get(), nullptr);
  EXPECT_EQ(c1->author.get(), nullptr);
}

TEST_P(CustomJoinEdgeTest, ExpireRefreshMergeExpungeWithViewonlyLoaded) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(std::int64_t{1});
  ASSERT_EQ(names(ann->published), "a1,a3");
  ASSERT_EQ(names(ann->fav_posts), "a1");
  session.commit();  // MySQL: a new snapshot for the rows written outside
  exec_raw("UPDATE posts SET is_published = TRUE WHERE id = 2");
  exec_raw("UPDATE users SET fav_day = 12 WHERE id = 1");
  session.expire(ann);
  EXPECT_EQ(names(ann->published), "a1,a2,a3");
  EXPECT_EQ(names(ann->fav_posts), "a2");
  session.commit();
  exec_raw("UPDATE posts SET is_published = FALSE WHERE id = 2");
  session.refresh(ann);
  EXPECT_EQ(names(ann->published), "a1,a3");
  // A column of the condition changed in memory, then flushed by autoflush on access.
  session.expire(ann, &User::fav_posts);
  ann->fav_day = 15;
  EXPECT_EQ(names(ann->fav_posts), "a3");
  session.commit();
  EXPECT_EQ(rows("SELECT fav_day FROM users WHERE id = 1"), (Rows{{"15"}}));

  // merge of a detached object holding a loaded viewonly collection
  relate::Session other(engine, md);
  auto ann2 = other.get<User>(std::int64_t{1});
  ASSERT_EQ(names(ann2->published), "a1,a3");
  other.expunge(ann2);
  ann2->name = "Annie";
  relate::Session third(engine, md);
  auto merged = third.merge(ann2);
  EXPECT_EQ(names(merged->published), "a1,a3");
  third.commit();
  EXPECT_EQ(rows("SELECT name FROM users WHERE id = 1"), (Rows{{"Annie"}}));
  relate::Session fifth(engine, md);
  auto ann3 = fifth.get<User>(std::int64_t{1});
  ASSERT_EQ(names(ann3->published), "a1,a3");
  fifth.expunge(ann3);
  relate::Session fourth(engine, md);
  auto merged2 = fourth.merge(ann3, {.load = false});
  EXPECT_EQ(names(merged2->published), "a1,a3");
  fourth.commit();
}

TEST_P(CustomJoinEdgeTest, ViewonlyOnAPendingObject) {
  relate::Session session(engine, md);
  auto dan = session.add(User{.id = 9, .name = "Dan", .fav_day = 5});
  clear();
  // SQLAlchemy: a pending object's lazy loads are empty, with no statement.
  EXPECT_EQ(names(dan->fav_posts), "");
  EXPECT_EQ(names(dan->published), "");
  EXPECT_EQ(statements.size(), 0u);
  session.rollback();
}

// ---- Written custom join with back_populates ----

TEST_P(CustomJoinEdgeTest, AWrittenConditionWithBackPopulates) {
  relate::Session session(engine, md);
  auto b1 = session.get<Post>(std::int64_t{4});  // Bob's, published
  auto b2 = session.get<Post>(std::int64_t{5});  // Bob's, draft
  auto bob = session.get<User>(std::int64_t{2});
  clear();
  EXPECT_EQ(b1->draft_author.get(), nullptr);  // SQLAlchemy (backref): None
  EXPECT_EQ(b2->draft_author.get(), bob);
  EXPECT_EQ(statements.size(), 2u);  // no identity-map shortcut
  auto cy = session.get<User>(std::int64_t{3});
  ASSERT_EQ(names(cy->drafts), "c1");
  b2->draft_author = cy;
  EXPECT_EQ(names(cy->drafts), "c1,b2");
  session.commit();
  EXPECT_EQ(rows("SELECT user_id FROM posts WHERE id = 5"), (Rows{{"3"}}));
  // removing from the written custom collection nulls the key
  cy->drafts.remove(b2);
  session.commit();
  EXPECT_EQ(rows("SELECT user_id FROM posts WHERE id = 5"), (Rows{{"NULL"}}));
}

TEST_P(CustomJoinEdgeTest, JoinsAnyHasAcrossModels) {
  relate::Session session(engine, md);
  // users with a published post whose active author is named Ann
  auto us =
      session
          .scalars(select<User>()
                       .where(col(&User::published)
                                  .any(col(&Post::active_author).has(col(&User::name) == "Ann")))
                       .order_by(&User::id))
          .all();
  ASSERT_EQ(us.size(), 1u);
  EXPECT_EQ(us[0]->name, "Ann");
  // join along a viewonly to an alias, then on to a model
  auto p = relate::aliased<Post>();
  auto q = session.scalars(select<User>().join(&User::fav_posts, p).where(p(&Post::title) == "b1"))
               .all();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0]->name, "Cy");
  // with_parent with a no-key condition, into an alias
  auto cy = session.get<User>(std::int64_t{3});
  auto a = relate::aliased<Post>();
  auto wp = session.scalars(select(a).where(relate::with_parent(cy, &User::fav_posts, a))).all();
  ASSERT_EQ(wp.size(), 1u);
  EXPECT_EQ(wp[0]->title, "b1");
  // outerjoin along a viewonly many-to-one from the posts: every post once
  EXPECT_EQ(
      session.scalar(select(relate::count()).select_from<Post>().outerjoin(&Post::active_author)),
      7);
}

// A many-to-many (a key join) loaded by selectin, with a joined collection below: the
// keys read back from each row push the course once per lesson row.
TEST_P(CustomJoinEdgeTest, SelectinOfAManyToManyWithAJoinedCollectionBelow) {
  relate::MetaData school;
  school.table<Course>("courses", relate::primary_key(&Course::id))
      .table<Lesson>("lessons", relate::primary_key(&Lesson::id),
                     relate::foreign_key(&Lesson::course_id, &Course::id))
      .table<Student>("students", relate::primary_key(&Student::id))
      .relationship(&Course::lessons)
      .order_by(&Lesson::id)
      .relationship(&Student::courses)
      .secondary("enrolments")
      .secondary_columns("student_id", "course_id")
      .order_by(&Course::id);
  school = create(std::move(school));
  exec_raw("INSERT INTO courses (id, name) VALUES (1, 'math'), (2, 'art')");
  exec_raw("INSERT INTO lessons (id, course_id, name) VALUES (1, 1, 'l1'), (2, 1, 'l2')");
  exec_raw("INSERT INTO students (id, name) VALUES (1, 'Ann')");
  exec_raw("INSERT INTO enrolments (student_id, course_id) VALUES (1, 1), (1, 2)");
  relate::Session session(engine, school);
  auto students = session
                      .scalars(select<Student>().options(
                          relate::selectinload(&Student::courses).joinedload(&Course::lessons)))
                      .all();
  ASSERT_EQ(students.size(), 1u);
  EXPECT_EQ(names(students[0]->courses), "math,art");
}

// A parent column that is NULL, compared with = in the condition: joined and selectin
// find nothing (NULL = x is never true), and so does SQLAlchemy's lazy load (it warns
// that it will not produce IS NULL). Relate's lazy load binds the parent's NULL and the
// SQL compiler turns `target.color = <NULL>` into `target.color IS NULL`.
TEST_P(CustomJoinEdgeTest, ANullParentColumnInTheConditionByEveryStrategy) {
  relate::MetaData cats;
  cats.table<Cat>("cats", relate::primary_key(&Cat::id))
      .relationship(&Cat::same_color)
      .primaryjoin(remote(&Cat::color) == col(&Cat::color) && remote(&Cat::id) != col(&Cat::id))
      .order_by(&Cat::id)
      .viewonly();
  cats = create(std::move(cats));
  exec_raw("INSERT INTO cats (id, color) VALUES (1, NULL), (2, NULL), (3, 7), (4, 7)");
  for (const auto& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, cats);
    auto all =
        session.scalars(with_strategy(select<Cat>().order_by(&Cat::id), strategy, &Cat::same_color))
            .all();
    std::vector<std::string> got;
    for (const auto& c : all) got.push_back(std::to_string(c->id) + ":" + names(c->same_color));
    EXPECT_THAT(got, ElementsAre("1:", "2:", "3:4", "4:3"));
  }
  relate::Session session(engine, cats);
  auto one = session.get<Cat>(std::int64_t{1});
  EXPECT_TRUE(session.scalars(select<Cat>().where(relate::with_parent(one, &Cat::same_color)))
                  .all()
                  .empty());
}

// A term on the parent's columns alone (SQLAlchemy binds it as a parameter too).
TEST_P(CustomJoinEdgeTest, AParentOnlyTermInTheCondition) {
  relate::MetaData members;
  members.table<Member>("members", relate::primary_key(&Member::id))
      .table<Item>("items", relate::primary_key(&Item::id),
                   relate::foreign_key(&Item::owner_id, &Member::id))
      .relationship(&Member::items_if_active)
      .primaryjoin(col(&Member::id) == col(&Item::owner_id) && col(&Member::active) == true)
      .order_by(&Item::id)
      .viewonly();
  members = create(std::move(members));
  exec_raw("INSERT INTO members (id, active) VALUES (1, TRUE), (2, FALSE)");
  exec_raw("INSERT INTO items (id, owner_id) VALUES (1, 1), (2, 2)");
  for (const auto& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, members);
    try {
      auto all = session
                     .scalars(with_strategy(select<Member>().order_by(&Member::id), strategy,
                                            &Member::items_if_active))
                     .all();
      EXPECT_EQ(names(all[0]->items_if_active), "1");
      EXPECT_EQ(names(all[1]->items_if_active), "");
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST_P(CustomJoinEdgeTest, NestedJoinedSelfReferentialAndRefreshExpireCascade) {
  relate::Session session(engine, md);
  auto nodes = session
                   .scalars(select<Node>()
                                .where(col(&Node::id) == 1)
                                .options(relate::joinedload(&Node::active_children)
                                             .joinedload(&Node::active_children)))
                   .all();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(names(nodes[0]->active_children), "kid");
  EXPECT_EQ(names(nodes[0]->active_children[0]->active_children), "grandkid");
}

// A written condition written the other way round (target == parent) and nothing more:
// a key join (the identity map answers the many-to-one).
TEST_P(CustomJoinEdgeTest, AReversedEqualityIsAKeyJoin) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(std::int64_t{1});
  auto a1 = session.get<Post>(std::int64_t{1});
  clear();
  EXPECT_EQ(a1->author.get(), ann);
  EXPECT_EQ(statements.size(), 0u);
}

relate::MetaData social(bool with_remote) {
  relate::MetaData md;
  md.table<Person>("people", relate::primary_key(&Person::id));
  relate::Table& follows = md.add_table("follows");
  relate::Column& a =
      follows.add_column("follower_id", relate::ColumnType::big_integer).set_primary_key();
  relate::Column& b =
      follows.add_column("followed_id", relate::ColumnType::big_integer).set_primary_key();
  follows.add_column("close", relate::ColumnType::boolean);
  follows.add_foreign_key({&a}, md.get_table("people"), {&md.get_table("people").column("id")});
  follows.add_foreign_key({&b}, md.get_table("people"), {&md.get_table("people").column("id")});
  md.relationship(&Person::following)
      .secondary("follows")
      .secondary_columns("follower_id", "followed_id")
      .order_by(&Person::id);
  auto primary = col(&Person::id) == secondary_col<std::int64_t>("follower_id") &&
                 secondary_col<bool>("close") == true;
  if (with_remote) {
    md.relationship(&Person::close_friends)
        .secondary("follows")
        .primaryjoin(primary)
        .secondaryjoin(secondary_col<std::int64_t>("followed_id") == remote(&Person::id))
        .order_by(&Person::id)
        .viewonly();
  } else {
    md.relationship(&Person::close_friends)
        .secondary("follows")
        .primaryjoin(primary)
        .secondaryjoin(secondary_col<std::int64_t>("followed_id") == col(&Person::id))
        .order_by(&Person::id)
        .viewonly();
  }
  return md;
}

TEST_P(CustomJoinEdgeTest, ASelfReferentialManyToManyCondition) {
  // SQLAlchemy needs no remote() here: the association table tells the sides apart.
  std::string error = "no error";
  try {
    relate::MetaData m = social(false);
    m.configure();
  } catch (const relate::MappingError& e) {
    error = e.what();
  }
  EXPECT_EQ(error, "no error");
  relate::MetaData people = create(social(true));
  exec_raw("INSERT INTO people (id, name) VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy')");
  exec_raw(
      "INSERT INTO follows (follower_id, followed_id, close) VALUES (1, 2, TRUE), (1, 3, FALSE), "
      "(3, 1, TRUE)");
  for (const auto& strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, people);
    auto all = session
                   .scalars(with_strategy(select<Person>().order_by(&Person::id), strategy,
                                          &Person::close_friends, &Person::following))
                   .all();
    std::vector<std::string> got;
    for (const auto& p : all)
      got.push_back(p->name + ":" + names(p->close_friends) + ":" + names(p->following));
    EXPECT_THAT(got, ElementsAre("Ann:Bob:Bob,Cy", "Bob::", "Cy:Ann:Ann"));
  }
  relate::Session session(engine, people);
  auto any = session
                 .scalars(select<Person>()
                              .where(col(&Person::close_friends).any(col(&Person::name) == "Ann"))
                              .order_by(&Person::id))
                 .all();
  ASSERT_EQ(any.size(), 1u);
  EXPECT_EQ(any[0]->name, "Cy");
}

// ---- Mapping ----

using relate_test::configure_error;

TEST(CustomJoinEdgeMapping, ASelfReferentialConditionWithoutRemote) {
  // SQLAlchemy: ArgumentError, "could not determine any unambiguous local/remote column
  // pairs" - here both columns are of the parent's side: the condition compares the
  // parent row with itself.
  relate::MetaData md;
  md.table<Tree>("trees", relate::primary_key(&Tree::id),
                 relate::foreign_key(&Tree::parent_id, &Tree::id))
      .relationship(&Tree::active_children)
      .primaryjoin(col(&Tree::id) == col(&Tree::parent_id) && col(&Tree::active) == true)
      .viewonly();
  EXPECT_THAT(configure_error(md), HasSubstr("remote"));
}

TEST(CustomJoinEdgeMapping, AWrittenSelfReferentialConditionWithoutRemoteSaysRemote) {
  relate::MetaData md;
  md.table<Tree>("trees", relate::primary_key(&Tree::id),
                 relate::foreign_key(&Tree::parent_id, &Tree::id))
      .relationship(&Tree::active_children)
      .primaryjoin(col(&Tree::id) == col(&Tree::parent_id) && col(&Tree::active) == true);
  EXPECT_THAT(configure_error(md), HasSubstr("remote"));
}

TEST(CustomJoinEdgeMapping, AConditionThatNamesNoTargetColumn) {
  relate::MetaData md;
  md.table<Owner>("owners", relate::primary_key(&Owner::id))
      .table<Item>("items", relate::primary_key(&Item::id),
                   relate::foreign_key(&Item::owner_id, &Owner::id))
      .relationship(&Owner::items)
      .primaryjoin(col(&Owner::active) == true)
      .viewonly();
  EXPECT_NE(configure_error(md), "");
}

}  // namespace

RELATE_ON_EVERY_BACKEND(CustomJoinEdgeTest);

}  // namespace custom_join_edge_test
