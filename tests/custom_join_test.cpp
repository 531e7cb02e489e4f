// Relationships with a custom join condition (primaryjoin/secondaryjoin from the typed
// expressions) and viewonly relationships: loaded by every strategy, followed by
// join(), any()/has() and with_parent(), never written. The expected objects are
// those of a hand-written SQL query over the same rows, and SQLAlchemy 1.4's for the
// same mapping and rows (tests/oracles/custom_join.py asserts the same values).
#include "test_support.hpp"

namespace custom_join_test {

struct Post;
struct Group;

struct User {
  std::int64_t id = 0;
  std::string name;
  std::int64_t last_seen = 0;
  bool active = true;
  relate::many<Post> posts;
  // viewonly: the published posts, newest first
  relate::many<Post> published;
  // viewonly: the posts after the user's last visit (a parent column in the condition)
  relate::many<Post> unread;
  // written, with a condition beyond the key: appending sets the foreign key
  relate::many<Post> drafts;
  relate::many<Group> groups;
  // viewonly many-to-many: the groups whose membership row says 'admin'
  relate::many<Group> admin_of;
};

struct Post {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string title;
  bool is_published = false;
  std::int64_t day = 0;
  relate::one<User> author;
  // viewonly many-to-one: the author, if active
  relate::one<User> active_author;
};

struct Group {
  std::int64_t id = 0;
  std::string name;
};

struct Node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
  bool active = true;
  relate::many<Node> children;
  relate::one<Node> parent;
  relate::many<Node> active_children;
};

namespace {

using relate::col;
using relate::remote;
using relate::secondary_col;
using relate::select;
using relate_test::Rows;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

void declare_models(relate::MetaData& md) {
  md.table<User>("users", relate::primary_key(&User::id))
      .table<Post>("posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::user_id, &User::id))
      .table<Group>("groups", relate::primary_key(&Group::id));
  relate::Table& memberships = md.add_table("memberships");
  relate::Column& user =
      memberships.add_column("user_id", relate::ColumnType::big_integer).set_primary_key();
  relate::Column& group =
      memberships.add_column("group_id", relate::ColumnType::big_integer).set_primary_key();
  memberships.add_column("role", relate::ColumnType::text);
  memberships.add_foreign_key({&user}, md.get_table("users"),
                              {&md.get_table("users").column("id")});
  memberships.add_foreign_key({&group}, md.get_table("groups"),
                              {&md.get_table("groups").column("id")});
}

relate::MetaData blog() {
  relate::MetaData md;
  declare_models(md);
  md.relationship(&User::posts, &Post::author)
      .order_by(&Post::id)
      .relationship(&User::published)
      .primaryjoin(col(&User::id) == col(&Post::user_id) && col(&Post::is_published) == true)
      .order_by(&Post::day, true)
      .viewonly()
      .relationship(&User::unread)
      .primaryjoin(col(&Post::user_id) == col(&User::id) && col(&Post::day) > col(&User::last_seen))
      .order_by(&Post::day)
      .viewonly()
      .relationship(&User::drafts)
      .primaryjoin(col(&User::id) == col(&Post::user_id) && col(&Post::is_published) == false)
      .order_by(&Post::id)
      .relationship(&Post::active_author)
      .primaryjoin(col(&Post::user_id) == col(&User::id) && col(&User::active) == true)
      .viewonly()
      .relationship(&User::groups)
      .secondary("memberships")
      .order_by(&Group::id)
      .relationship(&User::admin_of)
      .secondary("memberships")
      .primaryjoin(col(&User::id) == secondary_col<std::int64_t>("user_id") &&
                   secondary_col<std::optional<std::string>>("role") == "admin")
      .secondaryjoin(secondary_col<std::int64_t>("group_id") == col(&Group::id))
      .order_by(&Group::id)
      .viewonly();
  md.table<Node>("nodes", relate::primary_key(&Node::id),
                 relate::foreign_key(&Node::parent_id, &Node::id))
      .relationship(&Node::children, &Node::parent)
      .order_by(&Node::id)
      .relationship(&Node::active_children)
      .primaryjoin(col(&Node::id) == remote(&Node::parent_id) && remote(&Node::active) == true)
      .order_by(&Node::id)
      .viewonly();
  return md;
}

template <class T>
std::vector<std::string> titles(const relate::many<T>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) {
    if constexpr (requires { i->title; }) {
      out.push_back(i->title);
    } else {
      out.push_back(i->name);
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

class CustomJoinTest : public relate_test::DatabaseTest {
 protected:
  CustomJoinTest() : md(create(blog())) {
    exec_raw(
        "INSERT INTO users (id, name, last_seen, active) VALUES (1, 'Ann', 10, TRUE), "
        "(2, 'Bob', 0, FALSE), (3, 'Cy', 5, TRUE)");
    exec_raw(
        "INSERT INTO posts (id, user_id, title, is_published, day) VALUES "
        "(1, 1, 'a1', TRUE, 5), (2, 1, 'a2', FALSE, 12), (3, 1, 'a3', TRUE, 15), "
        "(4, 2, 'b1', TRUE, 3), (5, 2, 'b2', FALSE, 4), (6, 3, 'c1', FALSE, 1)");
    exec_raw("INSERT INTO groups (id, name) VALUES (1, 'g1'), (2, 'g2'), (3, 'g3')");
    exec_raw(
        "INSERT INTO memberships (user_id, group_id, role) VALUES (1, 1, 'admin'), "
        "(1, 2, 'member'), (1, 3, 'admin'), (2, 2, 'admin'), (3, 1, NULL), (3, 3, 'member')");
    exec_raw(
        "INSERT INTO nodes (id, parent_id, name, active) VALUES (1, NULL, 'root', TRUE), "
        "(2, 1, 'kid', TRUE), (3, 1, 'gone', FALSE), (4, 2, 'grandkid', TRUE)");
  }

  // What a user's relationship holds, by a query written by hand: "id:title,title".
  std::vector<std::string> oracle(const std::string& sql) {
    std::vector<std::string> out;
    std::string at;
    for (const auto& row : rows(sql)) {
      if (at != row[0]) out.push_back(row[0] + ":");
      at = row[0];
      out.back() += (out.back().back() == ':' ? "" : ",") + row[1];
    }
    return out;
  }

  relate::MetaData md;
};

template <class Query>
Query with_strategy(Query q, const std::string& strategy, auto... members) {
  if (strategy == "joined") return q.options(relate::joinedload(members)...);
  if (strategy == "selectin") return q.options(relate::selectinload(members)...);
  return q.options(relate::lazyload(members)...);
}

// The users' relationship as "id:items" for users holding any, as the oracle spells it.
template <class M>
std::vector<std::string> held(const std::vector<relate::ptr<User>>& users, M User::*member) {
  std::vector<std::string> out;
  for (const auto& u : users) {
    const auto items = titles((*u).*member);
    if (!items.empty()) out.push_back(std::to_string(u->id) + ":" + joined(items));
  }
  return out;
}

TEST_P(CustomJoinTest, AViewonlyConditionLoadsAsTheHandWrittenQueryByEveryStrategy) {
  const auto published = oracle(
      "SELECT u.id, p.title FROM users u JOIN posts p ON p.user_id = u.id AND p.is_published = "
      "TRUE "
      "ORDER BY u.id, p.day DESC");
  const auto unread = oracle(
      "SELECT u.id, p.title FROM users u JOIN posts p ON p.user_id = u.id AND p.day > u.last_seen "
      "ORDER BY u.id, p.day");
  EXPECT_THAT(published, ElementsAre("1:a3,a1", "2:b1"));
  EXPECT_THAT(unread, ElementsAre("1:a2,a3", "2:b1,b2"));
  for (const std::string strategy : {"lazy", "joined", "selectin"}) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    clear();
    auto users = session
                     .scalars(with_strategy(select<User>().order_by(&User::id), strategy,
                                            &User::published, &User::unread))
                     .all();
    EXPECT_EQ(held(users, &User::published), published);
    EXPECT_EQ(held(users, &User::unread), unread);
    // lazy: one statement per user and relationship; joined: one; selectin: one more each.
    EXPECT_EQ(statements.size(), strategy == "lazy" ? 7u : strategy == "joined" ? 1u : 3u);
  }
}

TEST_P(CustomJoinTest, AManyToOneWithACriterionIsNotTakenFromTheIdentityMap) {
  relate::Session session(engine, md);
  auto bob = session.get<User>(std::int64_t{2});
  auto ann = session.get<User>(std::int64_t{1});
  auto b1 = session.get<Post>(std::int64_t{4});
  auto a1 = session.get<Post>(std::int64_t{1});
  clear();
  // Bob is in the identity map, but inactive: the condition decides, with a statement.
  EXPECT_EQ(b1->active_author.get(), nullptr);
  EXPECT_EQ(a1->active_author.get(), ann);
  EXPECT_EQ(statements.size(), 2u);
  // The plain many-to-one takes Bob from the identity map.
  EXPECT_EQ(b1->author.get(), bob);
  EXPECT_EQ(statements.size(), 2u);
  for (const std::string strategy : {"joined", "selectin"}) {
    SCOPED_TRACE(strategy);
    relate::Session fresh(engine, md);
    auto posts = fresh
                     .scalars(with_strategy(select<Post>().order_by(&Post::id), strategy,
                                            &Post::active_author))
                     .all();
    std::vector<std::string> authors;
    for (const auto& p : posts) authors.push_back(p->active_author ? p->active_author->name : "-");
    EXPECT_THAT(authors, ElementsAre("Ann", "Ann", "Ann", "-", "-", "Cy"));
  }
}

TEST_P(CustomJoinTest, AManyToManyConditionOnTheAssociationTable) {
  const auto admin_of = oracle(
      "SELECT m.user_id, g.name FROM memberships m JOIN groups g ON g.id = m.group_id "
      "WHERE m.role = 'admin' ORDER BY m.user_id, g.id");
  EXPECT_THAT(admin_of, ElementsAre("1:g1,g3", "2:g2"));
  for (const std::string strategy : {"lazy", "joined", "selectin"}) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    auto users = session
                     .scalars(with_strategy(select<User>().order_by(&User::id), strategy,
                                            &User::admin_of, &User::groups))
                     .all();
    EXPECT_EQ(held(users, &User::admin_of), admin_of);
    EXPECT_THAT(held(users, &User::groups), ElementsAre("1:g1,g2,g3", "2:g2", "3:g1,g3"));
  }
}

TEST_P(CustomJoinTest, ASelfReferentialConditionNamesTheRemoteSide) {
  for (const std::string strategy : {"lazy", "joined", "selectin"}) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    auto q = select<Node>().order_by(&Node::id);
    if (strategy == "joined") q = q.options(relate::joinedload(&Node::active_children));
    if (strategy == "selectin") q = q.options(relate::selectinload(&Node::active_children));
    auto nodes = session.scalars(q).all();
    std::vector<std::string> got;
    for (const auto& n : nodes) got.push_back(n->name + ":" + joined(titles(n->active_children)));
    EXPECT_THAT(got, ElementsAre("root:kid", "kid:grandkid", "gone:", "grandkid:"));
  }
}

TEST_P(CustomJoinTest, QueriesJoinAndTestTheCondition) {
  relate::Session session(engine, md);
  // join() along the viewonly relationship: users with a published post titled a1.
  auto with_a1 = session
                     .scalars(select<User>()
                                  .join(&User::published)
                                  .where(col(&Post::title) == "a1")
                                  .order_by(&User::id))
                     .all();
  ASSERT_EQ(with_a1.size(), 1u);
  EXPECT_EQ(with_a1[0]->name, "Ann");
  // a2 is Ann's, but not published: the join's condition keeps it out.
  EXPECT_TRUE(
      session.scalars(select<User>().join(&User::published).where(col(&Post::title) == "a2"))
          .all()
          .empty());
  // any(): users with unread posts; has(): posts whose author is active.
  auto readers =
      session.scalars(select<User>().where(col(&User::unread).any()).order_by(&User::id)).all();
  ASSERT_EQ(readers.size(), 2u);
  EXPECT_EQ(readers[1]->name, "Bob");
  EXPECT_EQ(session.scalar(
                select(relate::count()).select_from<Post>().where(col(&Post::active_author).has())),
            4);
  // any() through the association table's condition.
  auto admins = session
                    .scalars(select<User>()
                                 .where(col(&User::admin_of).any(col(&Group::name) == "g3"))
                                 .order_by(&User::id))
                    .all();
  ASSERT_EQ(admins.size(), 1u);
  EXPECT_EQ(admins[0]->name, "Ann");
  // with_parent(): the same condition, the parent's columns bound.
  auto ann = session.get<User>(std::int64_t{1});
  auto unread =
      session
          .scalars(
              select<Post>().where(relate::with_parent(ann, &User::unread)).order_by(&Post::id))
          .all();
  ASSERT_EQ(unread.size(), 2u);
  EXPECT_EQ(unread[0]->title, "a2");
  auto groups =
      session
          .scalars(
              select<Group>().where(relate::with_parent(ann, &User::admin_of)).order_by(&Group::id))
          .all();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1]->name, "g3");
}

TEST_P(CustomJoinTest, AViewonlyRelationshipIsNeverWritten) {
  relate::Session session(engine, md);
  auto ann = session.get<User>(std::int64_t{1});
  auto b2 = session.get<Post>(std::int64_t{5});
  ASSERT_EQ(ann->published.size(), 2u);
  EXPECT_THROW(ann->published.push_back(b2), relate::InvalidRequestError);
  EXPECT_THROW(ann->published.clear(), relate::InvalidRequestError);
  EXPECT_THROW(ann->admin_of.clear(), relate::InvalidRequestError);
  EXPECT_THROW(b2->active_author = ann, relate::InvalidRequestError);
  EXPECT_EQ(ann->published.size(), 2u);
  EXPECT_EQ(b2->active_author.get(), nullptr);
  // A new object may not arrive holding objects in one.
  User dan{.id = 9, .name = "Dan"};
  dan.published.push_back(b2);
  EXPECT_THROW(session.add(std::move(dan)), relate::InvalidRequestError);
  clear();
  session.commit();
  EXPECT_TRUE(statements_starting_with("UPDATE").empty());
  EXPECT_TRUE(statements_starting_with("INSERT").empty());
  EXPECT_EQ(rows("SELECT user_id FROM posts WHERE id = 5"), (Rows{{"2"}}));

  // Deleting a user follows the written relationships only: its posts' keys are nulled
  // through `posts` (one UPDATE each of a1, a2, a3), its membership rows deleted through
  // `groups`; the loaded viewonly collections add nothing.
  relate::Session again(engine, md);
  auto ann2 = again.get<User>(std::int64_t{1});
  ASSERT_EQ(ann2->published.size(), 2u);
  ASSERT_EQ(ann2->admin_of.size(), 2u);
  again.remove(ann2);
  clear();
  again.commit();
  EXPECT_EQ(count_starting_with("UPDATE"), 3u);
  EXPECT_EQ(rows("SELECT count(*) FROM posts WHERE user_id IS NULL"), (Rows{{"3"}}));
  EXPECT_EQ(rows("SELECT count(*) FROM memberships WHERE user_id = 1"), (Rows{{"0"}}));
  EXPECT_EQ(rows("SELECT count(*) FROM users"), (Rows{{"2"}}));
}

TEST_P(CustomJoinTest, AWrittenConditionWritesItsForeignKeyAndRefreshReadsTheCondition) {
  relate::Session session(engine, md);
  auto cy = session.get<User>(std::int64_t{3});
  ASSERT_EQ(titles(cy->drafts), std::vector<std::string>{"c1"});
  ASSERT_TRUE(cy->unread.empty());
  auto draft = session.add(Post{.id = 7, .title = "c2", .day = 9});
  cy->drafts.push_back(draft);
  session.commit();
  EXPECT_EQ(rows("SELECT user_id FROM posts WHERE id = 7"), (Rows{{"3"}}));
  // The viewonly collections keep what they loaded until they are refreshed.
  EXPECT_TRUE(cy->unread.empty());
  session.refresh(cy, &User::unread, &User::published);
  EXPECT_EQ(titles(cy->unread), std::vector<std::string>{"c2"});
  EXPECT_TRUE(cy->published.empty());
}

using relate_test::configure_error;

TEST(CustomJoinMapping, MistakesAreMappingErrorsNamingTheRelationship) {
  auto base = [] {
    relate::MetaData md;
    declare_models(md);
    return md;
  };
  {
    // No foreign key equality: nothing says what to write.
    relate::MetaData md = base();
    md.relationship(&User::unread).primaryjoin(col(&Post::day) > col(&User::last_seen));
    EXPECT_THAT(configure_error(md), AllOf(HasSubstr("User::unread"), HasSubstr("viewonly")));
  }
  {
    relate::MetaData md = base();
    md.relationship(&User::posts, &Post::author)
        .primaryjoin(col(&User::id) == col(&Post::user_id))
        .viewonly();
    EXPECT_THAT(configure_error(md), AllOf(HasSubstr("User::posts"), HasSubstr("back_populates")));
  }
  {
    relate::MetaData md = base();
    md.relationship(&User::published)
        .primaryjoin(col(&User::id) == col(&Post::user_id))
        .viewonly()
        .cascade("all");
    EXPECT_THAT(configure_error(md), AllOf(HasSubstr("User::published"), HasSubstr("viewonly")));
  }
  {
    // A member of a third model.
    relate::MetaData md = base();
    md.relationship(&User::published)
        .primaryjoin(col(&User::id) == col(&Post::user_id) && col(&Group::name) == "x")
        .viewonly();
    EXPECT_THAT(configure_error(md), AllOf(HasSubstr("User::published"), HasSubstr("Group::name"),
                                           HasSubstr("neither side")));
  }
  {
    relate::MetaData md = base();
    md.relationship(&User::admin_of)
        .secondary("memberships")
        .primaryjoin(col(&User::id) == secondary_col<std::int64_t>("member"))
        .viewonly();
    EXPECT_THAT(configure_error(md), AllOf(HasSubstr("User::admin_of"), HasSubstr("'member'")));
  }
  {
    relate::MetaData md = base();
    md.relationship(&User::published)
        .primaryjoin(col(&User::id) == col(&Post::user_id))
        .secondaryjoin(col(&User::id) == col(&Post::user_id));
    EXPECT_THAT(configure_error(md), AllOf(HasSubstr("User::published"), HasSubstr("secondary")));
  }
  {
    // A target column in a many-to-many's primaryjoin belongs in its secondaryjoin.
    relate::MetaData md = base();
    md.relationship(&User::admin_of)
        .secondary("memberships")
        .primaryjoin(col(&User::id) == secondary_col<std::int64_t>("user_id") &&
                     col(&Group::name) == "g1")
        .viewonly();
    EXPECT_THAT(configure_error(md),
                AllOf(HasSubstr("User::admin_of primaryjoin"), HasSubstr("Group::name")));
  }
}

}  // namespace

RELATE_ON_EVERY_BACKEND(CustomJoinTest);

}  // namespace custom_join_test
