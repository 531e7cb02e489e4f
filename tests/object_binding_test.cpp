// Which MetaData a new object belongs to. relate::make(T{...}) binds it to none; it
// takes the MetaData of the first bound object it is linked with, or of the Session it
// is added to, and every new object linked to it from either side comes along.
// relate::make(metadata, T{...}) binds it at once. There is no process-wide registry:
// two MetaData mapping one struct never see each other's objects.
#include "test_support.hpp"

namespace object_binding_test {

struct Team;

struct Player {
  std::int64_t id = 0;
  std::optional<std::int64_t> team_id;
  std::string name;
  relate::one<Team> team;
};

struct Team {
  std::int64_t id = 0;
  std::string name;
  relate::many<Player> players;
};

namespace {

using relate_test::Rows;

// `players` and `backref` pick the two sides a MetaData maps.
relate::MetaData league(const std::string& teams_table, bool backref) {
  relate::MetaData md;
  md.table<Team>(teams_table, relate::primary_key(&Team::id))
      .table<Player>(teams_table + "_players", relate::primary_key(&Player::id),
                     relate::foreign_key(&Player::team_id, &Team::id));
  if (backref) {
    md.relationship(&Team::players).backref(&Player::team).order_by(&Player::id);
  } else {
    md.relationship(&Team::players).order_by(&Player::id);
    md.relationship(&Player::team);
  }
  return md;
}

class ObjectBindingTest : public relate_test::DatabaseTest {
 protected:
  ObjectBindingTest() : md(create(league("teams", true))) {}
  relate::MetaData md;
};

TEST_P(ObjectBindingTest, MakeBindsToNoMetaDataEvenWhenOneMapsTheType) {
  md.configure();
  auto kim = relate::make(Player{.name = "Kim"});
  EXPECT_EQ(kim.state()->mapper(), nullptr);
  auto lee = relate::make(md, Player{.name = "Lee"});
  EXPECT_EQ(lee.state()->mapper(), &md.mapper<Player>());
}

// Two MetaData map the same structs, the first without a back_populates pair: a new
// object of the second syncs by the second's relationships, not the first's.
TEST_P(ObjectBindingTest, TheMetaDataGivenBindsNotTheFirstConfigured) {
  const relate::MetaData plain = league("other_teams", false);
  plain.configure();
  auto rovers = relate::make(md, Team{.name = "Rovers"});
  auto kim = relate::make(md, Player{.name = "Kim"});
  kim->team = rovers;
  ASSERT_EQ(rovers->players.size(), 1u);
  EXPECT_EQ(rovers->players[0], kim);

  auto city = relate::make(plain, Team{.name = "City"});
  auto lee = relate::make(plain, Player{.name = "Lee"});
  lee->team = city;
  EXPECT_EQ(city->players.size(), 0u);  // two relationships there, not a pair
}

// The player is linked to a team of a Session from its own side: the link binds it and
// the backref puts it in the team's players. It joins the Session when added (a
// backref does not cascade into a Session, as in SQLAlchemy 2.0).
TEST_P(ObjectBindingTest, ANewObjectLinkedToAnObjectOfASessionIsBoundAtOnce) {
  relate::Session session(engine, md);
  auto rovers = session.add(Team{.name = "Rovers"});
  session.flush();
  auto kim = relate::make(Player{.name = "Kim"});
  kim->team = rovers;
  EXPECT_EQ(kim.state()->mapper(), &md.mapper<Player>());
  ASSERT_EQ(rovers->players.size(), 1u);
  EXPECT_EQ(kim.state()->status(), relate::ObjectStatus::transient);
  session.add(kim);
  session.commit();
  EXPECT_EQ(rows("SELECT name, team_id FROM teams_players"),
            (Rows{{"Kim", std::to_string(rovers->id)}}));
}

// Objects built together before any was bound (aggregates holding each other): adding
// any one of them brings in the others, whichever side holds the link.
TEST_P(ObjectBindingTest, AddingOneOfALinkedGroupOfNewObjectsWritesThemAll) {
  auto rovers = relate::make(Team{.name = "Rovers"});
  auto kim = relate::make(Player{.name = "Kim", .team = rovers});  // from the player's side
  auto city = relate::make(Team{.name = "City", .players = {Player{.name = "Lee"}}});
  auto lee = city->players[0];  // from the team's side
  EXPECT_EQ(rovers->players.size(), 0u);  // unbound: nothing synced yet
  EXPECT_FALSE(lee->team);
  relate::Session session(engine, md);
  session.add(lee);
  EXPECT_EQ(lee->team, city);
  session.add(rovers);
  ASSERT_EQ(rovers->players.size(), 1u);
  EXPECT_EQ(rovers->players[0], kim);
  session.commit();
  EXPECT_EQ(rows("SELECT p.name, t.name FROM teams_players p JOIN teams t ON t.id = p.team_id "
                 "ORDER BY p.name"),
            (Rows{{"Kim", "Rovers"}, {"Lee", "City"}}));
}

// An object built with related objects inside it (Player{.team = rovers}) binds through
// the object it holds.
TEST_P(ObjectBindingTest, AnObjectMadeHoldingABoundObjectBindsThroughIt) {
  relate::Session session(engine, md);
  auto rovers = session.add(Team{.name = "Rovers"});
  auto kim = relate::make(Player{.name = "Kim", .team = rovers});
  EXPECT_EQ(kim.state()->mapper(), &md.mapper<Player>());
  ASSERT_EQ(rovers->players.size(), 1u);
  session.add(kim);
  session.commit();
  EXPECT_EQ(rows("SELECT name FROM teams_players"), (Rows{{"Kim"}}));
}

// Two objects no MetaData maps yet cannot be linked through their members: the link
// could not sync the other side, nor let go of what it replaces.
TEST_P(ObjectBindingTest, LinkingTwoUnboundObjectsIsRefused) {
  auto rovers = relate::make(Team{.name = "Rovers"});
  auto kim = relate::make(Player{.name = "Kim"});
  try {
    kim->team = rovers;
    ADD_FAILURE() << "no InvalidRequestError";
  } catch (const relate::InvalidRequestError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("relate::make(metadata, "));
  }
  EXPECT_FALSE(kim->team);
  EXPECT_THROW(rovers->players.push_back(kim), relate::InvalidRequestError);
  EXPECT_EQ(rovers->players.size(), 0u);
}

struct Referee {
  std::int64_t id = 0;
};

TEST_P(ObjectBindingTest, MakeWithAMetaDataThatDoesNotMapTheTypeIsAMappingError) {
  try {
    relate::make(md, Referee{});
    ADD_FAILURE() << "no MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("is not mapped in this MetaData"));
  }
}

RELATE_ON_EVERY_BACKEND(ObjectBindingTest);

}  // namespace
}  // namespace object_binding_test
