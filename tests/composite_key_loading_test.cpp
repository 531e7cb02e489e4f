// Eager loading over composite keys: Room is keyed by (building, number) and Booking
// refers to it with a two-column foreign key. selectin matches parents by both columns
// (one statement per batch, each key bound once), joined joins on both, and a booking
// whose key is NULL has no room without any statement.
#include "test_support.hpp"

namespace composite_key_loading_test {

struct Booking;

struct Room {
  std::string building;
  std::int64_t number = 0;
  std::string label;
  relate::many<Booking> bookings;
};

struct Booking {
  std::int64_t id = 0;
  std::optional<std::string> room_building;
  std::optional<std::int64_t> room_number;
  std::string guest;
  relate::one<Room> room;
};

namespace {

using relate_test::raw;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

relate::MetaData hotel() {
  relate::MetaData md;
  md.table<Room>("rooms", relate::primary_key(&Room::building, &Room::number))
      .table<Booking>("bookings", relate::primary_key(&Booking::id),
                      relate::foreign_key_constraint(
                          relate::members(&Booking::room_building, &Booking::room_number),
                          relate::members(&Room::building, &Room::number)))
      .relationship(&Room::bookings, &Booking::room)
      .order_by(&Booking::id);
  return md;
}

std::vector<std::string> guests(const relate::many<Booking>& bookings) {
  std::vector<std::string> out;
  for (const auto& b : bookings) out.push_back(b->guest);
  return out;
}

std::size_t placeholders(const std::string& sql) {
  return static_cast<std::size_t>(std::count(sql.begin(), sql.end(), '?'));
}

class CompositeKeyLoadingTest : public relate_test::DatabaseTest {
 protected:
  // Rooms, B-101 and B-202 (note A-101 and B-101 share a number); Ann and
  // Bob booked A-101, Cy booked B-101, Dee has no room yet.
  CompositeKeyLoadingTest() : md(create(hotel())) {
    exec_raw(
        "INSERT INTO rooms (building, number, label) VALUES ('A', 101, 'Blue'), "
        "('A', 102, 'Green'), ('B', 101, 'Red'), ('B', 202, 'Gold'); "
        "INSERT INTO bookings (id, room_building, room_number, guest) VALUES "
        "(1, 'A', 101, 'Ann'), (2, 'A', 101, 'Bob'), (3, 'B', 101, 'Cy'), "
        "(4, NULL, NULL, 'Dee');");
    clear();
  }

  std::vector<relate::ptr<Room>> rooms(relate::Session& session, relate::LoaderOption option) {
    return session
        .scalars(relate::select<Room>()
                     .options(std::move(option))
                     .order_by(&Room::building)
                     .order_by(&Room::number))
        .all();
  }

  std::vector<relate::ptr<Booking>> bookings(relate::Session& session,
                                             relate::LoaderOption option) {
    return session
        .scalars(relate::select<Booking>().options(std::move(option)).order_by(&Booking::id))
        .all();
  }

  relate::MetaData md;
};

TEST_P(CompositeKeyLoadingTest, SelectinCollectionMatchesBothKeyColumns) {
  relate::Session session(engine, md);
  const auto all = rooms(session, relate::selectinload(&Room::bookings));
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[1], HasSubstr("FROM \"bookings\""));
  clear();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_THAT(guests(all[0]->bookings), ElementsAre("Ann", "Bob"));
  EXPECT_THAT(guests(all[1]->bookings), ElementsAre());
  EXPECT_THAT(guests(all[2]->bookings), ElementsAre("Cy"));          // B-101
  EXPECT_THAT(guests(all[3]->bookings), ElementsAre());              // B-202
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(CompositeKeyLoadingTest, SelectinManyToOneBindsEachDistinctKeyOnce) {
  relate::Session session(engine, md);
  const auto all = bookings(session, relate::selectinload(&Booking::room));
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[1], HasSubstr("FROM \"rooms\""));
  EXPECT_EQ(placeholders(statements[1]), 4u);  // (A, 101) and (B, 101), two values each
  clear();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0]->room->label, "Blue");
  EXPECT_EQ(raw(all[0]->room), raw(all[1]->room));
  EXPECT_EQ(all[2]->room->label, "Red");
  EXPECT_FALSE(all[3]->room);  // NULL key
  EXPECT_EQ(statements.size(), 0u);
}

TEST_P(CompositeKeyLoadingTest, SelectinManyToOneWithOnlyNullKeysIssuesNoStatement) {
  relate::Session session(engine, md);
  const auto dee = session
                       .scalars(relate::select<Booking>()
                                    .where(relate::col(&Booking::id) == 4)
                                    .options(relate::selectinload(&Booking::room)))
                       .all();
  ASSERT_EQ(dee.size(), 1u);
  EXPECT_FALSE(dee[0]->room);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(CompositeKeyLoadingTest, JoinedCollectionJoinsOnBothKeyColumns) {
  relate::Session session(engine, md);
  const auto all = rooms(session, relate::joinedload(&Room::bookings));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("LEFT OUTER JOIN"));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_THAT(guests(all[0]->bookings), ElementsAre("Ann", "Bob"));
  EXPECT_THAT(guests(all[1]->bookings), ElementsAre());
  EXPECT_THAT(guests(all[2]->bookings), ElementsAre("Cy"));
  EXPECT_THAT(guests(all[3]->bookings), ElementsAre());
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(CompositeKeyLoadingTest, JoinedManyToOneLeavesANullKeyWithoutARoom) {
  relate::Session session(engine, md);
  const auto all = bookings(session, relate::joinedload(&Booking::room));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[1]->room->label, "Blue");
  EXPECT_EQ(all[2]->room->label, "Red");
  EXPECT_FALSE(all[3]->room);
  EXPECT_EQ(statements.size(), 1u);
}

RELATE_ON_EVERY_BACKEND(CompositeKeyLoadingTest);

}  // namespace
}  // namespace composite_key_loading_test
