// A self-referential many-to-many (followers and following through "follows"), the
// association columns named with secondary_columns(). The rows after the deletion are
// SQLAlchemy 1.4's for the same steps (with primaryjoin/secondaryjoin): a deleted
// person's link rows go in both directions.
#include "test_support.hpp"

namespace self_referential_many_to_many_test {

struct Person {
  std::int64_t id = 0;
  std::string name;
  relate::many<Person> following;
  relate::many<Person> followers;
};

namespace {

using relate_test::Rows;
using ::testing::ElementsAre;

relate::MetaData social() {
  relate::MetaData md;
  md.table<Person>("people", relate::primary_key(&Person::id))
      .relationship(&Person::following, &Person::followers)
      .secondary("follows")
      .secondary_columns("follower_id", "followed_id")
      .order_by(&Person::id);
  return md;
}

std::vector<std::string> names(const relate::many<Person>& people) {
  std::vector<std::string> out;
  for (const auto& p : people) out.push_back(p->name);
  return out;
}

class SelfReferentialManyToManyTest : public relate_test::DatabaseTest {
 protected:
  SelfReferentialManyToManyTest() : md(create(social())) {
    exec_raw("INSERT INTO people (id, name) VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy')");
    exec_raw("INSERT INTO follows (follower_id, followed_id) VALUES (1, 2), (1, 3), (3, 1)");
  }
  relate::MetaData md;
};

TEST_P(SelfReferentialManyToManyTest, EachSideLoadsItsDirectionByEveryStrategy) {
  for (const char* strategy : {"lazy", "joined", "selectin"}) {
    SCOPED_TRACE(strategy);
    relate::Session session(engine, md);
    const std::string s = strategy;
    auto query = relate::select<Person>().order_by(&Person::id);
    if (s == "joined") {
      query = query.options(relate::joinedload(&Person::following),
                            relate::joinedload(&Person::followers));
    } else if (s == "selectin") {
      query = query.options(relate::selectinload(&Person::following),
                            relate::selectinload(&Person::followers));
    }
    auto people = session.scalars(query).all();
    ASSERT_EQ(people.size(), 3u);
    EXPECT_THAT(names(people[0]->following), ElementsAre("Bob", "Cy"));
    EXPECT_THAT(names(people[0]->followers), ElementsAre("Cy"));
    EXPECT_THAT(names(people[1]->following), ElementsAre());
    EXPECT_THAT(names(people[1]->followers), ElementsAre("Ann"));
    EXPECT_THAT(names(people[2]->following), ElementsAre("Ann"));
  }
}

TEST_P(SelfReferentialManyToManyTest, ALinkShowsOnBothSidesAndIsWrittenOnce) {
  relate::Session session(engine, md);
  auto bob = session.get<Person>(2);
  auto cy = session.get<Person>(3);
  clear();
  bob->following.push_back(cy);
  EXPECT_THAT(names(cy->followers), ElementsAre("Ann", "Bob"));  // (its load autoflushes)
  session.commit();
  EXPECT_EQ(statements_starting_with("INSERT").size(), 1u);
  EXPECT_EQ(rows("SELECT follower_id, followed_id FROM follows ORDER BY 1, 2"),
            (Rows{{"1", "2"}, {"1", "3"}, {"2", "3"}, {"3", "1"}}));
}

TEST_P(SelfReferentialManyToManyTest, UnfollowingDeletesTheRow) {
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto cy = session.get<Person>(3);
  cy->followers.remove(ann);
  EXPECT_THAT(names(ann->following), ElementsAre("Bob"));
  session.commit();
  EXPECT_EQ(rows("SELECT follower_id, followed_id FROM follows ORDER BY 1, 2"),
            (Rows{{"1", "2"}, {"3", "1"}}));
}

TEST_P(SelfReferentialManyToManyTest, DeletingAPersonDeletesItsLinksInBothDirections) {
  relate::Session session(engine, md);
  session.remove(session.get<Person>(1));
  session.commit();
  EXPECT_EQ(rows("SELECT follower_id, followed_id FROM follows"), Rows{});
  EXPECT_EQ(rows("SELECT name FROM people ORDER BY id"), (Rows{{"Bob"}, {"Cy"}}));
}

TEST_P(SelfReferentialManyToManyTest, NewPeopleFollowingEachOther) {
  relate::Session session(engine, md);
  auto dee = relate::make(md, Person{.id = 4, .name = "Dee"});
  auto eve = relate::make(md, Person{.id = 5, .name = "Eve"});
  dee->following.push_back(eve);
  eve->following.push_back(dee);
  session.add(dee);
  session.commit();
  EXPECT_EQ(rows("SELECT follower_id, followed_id FROM follows WHERE follower_id > 3 ORDER BY 1"),
            (Rows{{"4", "5"}, {"5", "4"}}));
}

TEST_P(SelfReferentialManyToManyTest, AQueryJoinsThroughTheAssociationWithAnAlias) {
  relate::Session session(engine, md);
  auto followed = relate::aliased<Person>();
  auto followers_of_cy = session
                             .scalars(relate::select<Person>()
                                          .join(&Person::following, followed)
                                          .where(followed(&Person::name) == "Cy")
                                          .order_by(&Person::id))
                             .all();
  ASSERT_EQ(followers_of_cy.size(), 1u);
  EXPECT_EQ(followers_of_cy[0]->name, "Ann");
}

TEST(SelfReferentialManyToManyMapping, TheAssociationColumnsMustBeNamed) {
  relate::MetaData md;
  md.table<Person>("people", relate::primary_key(&Person::id))
      .relationship(&Person::following, &Person::followers)
      .secondary("follows");
  EXPECT_THROW(md.configure(), relate::MappingError);
}

TEST(SelfReferentialManyToManyMapping, ADeclaredTableIsMatchedByTheNamedColumns) {
  relate::MetaData md;
  md.table<Person>("people", relate::primary_key(&Person::id));
  relate::Table& follows = md.add_table("follows");
  auto& follower = follows.add_column("follower_id", relate::ColumnType::big_integer);
  auto& followed = follows.add_column("followed_id", relate::ColumnType::big_integer);
  const relate::Column& id = *md.mapper<Person>().columns()[0].column;
  follows.add_foreign_key({&follower}, md.get_table("people"), {&id});
  follows.add_foreign_key({&followed}, md.get_table("people"), {&id});
  md.relationship(&Person::following, &Person::followers)
      .secondary("follows")
      .secondary_columns("follower_id", "followed_id");
  md.configure();
  const auto& pairs = md.mapper<Person>().relationships()[0]->parent_secondary();
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].column->name(), "follower_id");
}

}  // namespace

RELATE_ON_EVERY_BACKEND(SelfReferentialManyToManyTest);

}  // namespace self_referential_many_to_many_test
