// Composite keys: Room is keyed by (building, number) and Booking refers to it with a
// two-column foreign key (ForeignKeyConstraint); Room.bookings / Booking.room is a
// relationship over both columns. session.get takes the key in primary key order.
#include "test_support.hpp"

namespace composite_key_test {

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
using relate_test::Rows;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

relate::MetaData hotel(const std::string& cascade = "save-update, merge") {
  relate::MetaData md;
  md.table<Room>("rooms", relate::primary_key(&Room::building, &Room::number))
      .table<Booking>("bookings", relate::primary_key(&Booking::id),
                      relate::foreign_key_constraint(
                          relate::members(&Booking::room_building, &Booking::room_number),
                          relate::members(&Room::building, &Room::number)))
      .relationship(&Room::bookings, &Booking::room)
      .order_by(&Booking::id)
      .cascade(cascade);
  return md;
}

std::vector<std::string> guests(const relate::many<Booking>& bookings) {
  std::vector<std::string> out;
  for (const auto& b : bookings) out.push_back(b->guest);
  return out;
}

class CompositeKeyTest : public relate_test::DatabaseTest {
 protected:
  // Rooms, B-101 and B-202; Ann and Bob booked A-101, Cy booked B-101.
  void seed() {
    exec_raw(
        "INSERT INTO rooms (building, number, label) VALUES ('A', 101, 'Blue'), "
        "('A', 102, 'Green'), ('B', 101, 'Red'), ('B', 202, 'Gold'); "
        "INSERT INTO bookings (id, room_building, room_number, guest) VALUES "
        "(1, 'A', 101, 'Ann'), (2, 'A', 101, 'Bob'), (3, 'B', 101, 'Cy');");
    clear();
  }

  Rows bookings() const {
    return rows("SELECT id, room_building, room_number, guest FROM bookings ORDER BY id");
  }
};

// ---- schema ----

TEST_P(CompositeKeyTest, CompositePrimaryAndForeignKeysAreInTheStoredDdl) {
  create(hotel());
  EXPECT_THAT(schema_sql("rooms"), HasSubstr("PRIMARY KEY (\"building\", \"number\")"));
  EXPECT_THAT(schema_sql("bookings"),
              HasSubstr("FOREIGN KEY (\"room_building\", \"room_number\") REFERENCES \"rooms\" "
                        "(\"building\", \"number\")"));
}

// ---- get ----

TEST_P(CompositeKeyTest, GetTakesTheKeyInPrimaryKeyOrderWithOneSelect) {
  const auto md = create(hotel());
  seed();
  relate::Session session(engine, md);
  auto blue = session.get<Room>(std::string("A"), 101);
  ASSERT_TRUE(blue);
  EXPECT_EQ(blue->label, "Blue");
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("\"building\" = ?"));
  EXPECT_THAT(statements[0], HasSubstr("\"number\" = ?"));
}

TEST_P(CompositeKeyTest, GetOfAKnownKeyIsTheSameObjectWithoutAStatement) {
  const auto md = create(hotel());
  seed();
  relate::Session session(engine, md);
  auto blue = session.get<Room>(std::string("A"), 101);
  clear();
  EXPECT_EQ(raw(session.get<Room>(std::string("A"), 101)), raw(blue));
  EXPECT_TRUE(statements.empty());
}

TEST_P(CompositeKeyTest, KeysDifferingInOneColumnAreDifferentObjects) {
  const auto md = create(hotel());
  seed();
  relate::Session session(engine, md);
  auto a101 = session.get<Room>(std::string("A"), 101);
  auto a102 = session.get<Room>(std::string("A"), 102);
  auto b101 = session.get<Room>(std::string("B"), 101);
  EXPECT_EQ(a101->label, "Blue");
  EXPECT_EQ(a102->label, "Green");
  EXPECT_EQ(b101->label, "Red");
  EXPECT_NE(raw(a101), raw(b101));
}

TEST_P(CompositeKeyTest, GetOfAMissingKeyIsNull) {
  const auto md = create(hotel());
  seed();
  relate::Session session(engine, md);
  EXPECT_FALSE(session.get<Room>(std::string("B"), 102));
  EXPECT_FALSE(session.get<Room>(std::string("C"), 101));
}

TEST_P(CompositeKeyTest, NewObjectIsFoundByItsKeyAfterTheFlush) {
  const auto md = create(hotel());
  relate::Session session(engine, md);
  auto c1 = session.add(Room{.building = "C", .number = 1, .label = "Attic"});
  session.flush();
  clear();
  EXPECT_EQ(raw(session.get<Room>(std::string("C"), 1)), raw(c1));
  EXPECT_TRUE(statements.empty());
}

// ---- relationship over the composite foreign key ----

TEST_P(CompositeKeyTest, AddingABookingToARoomWritesBothForeignKeyColumns) {
  const auto md = create(hotel());
  relate::Session session(engine, md);
  auto booking = session.add(Booking{.guest = "Ann"});
  auto room = session.add(Room{.building = "C", .number = 7, .label = "Attic"});
  room->bookings.push_back(booking);
  EXPECT_EQ(raw(booking->room), raw(room));
  session.flush();
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], StartsWith("INSERT INTO \"rooms\""));
  EXPECT_THAT(statements[1], StartsWith("INSERT INTO \"bookings\""));
  EXPECT_EQ(booking->room_building, "C");
  EXPECT_EQ(booking->room_number, 7);
  session.commit();
  EXPECT_EQ(bookings(), (Rows{{std::to_string(booking->id), "C", "7", "Ann"}}));
}

TEST_P(CompositeKeyTest, BookingsLoadWithOneSelectMatchingBothColumns) {
  const auto md = create(hotel());
  seed();
  relate::Session session(engine, md);
  auto a101 = session.get<Room>(std::string("A"), 101);
  auto b101 = session.get<Room>(std::string("B"), 101);
  clear();
  EXPECT_THAT(guests(a101->bookings), ElementsAre("Ann", "Bob"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("\"room_building\" = ?"));
  EXPECT_THAT(statements[0], HasSubstr("\"room_number\" = ?"));
  EXPECT_THAT(guests(b101->bookings), ElementsAre("Cy"));
}

TEST_P(CompositeKeyTest, BookingReachesItsRoomWithOneSelect) {
  const auto md = create(hotel());
  seed();
  relate::Session session(engine, md);
  auto cy = session.get<Booking>(3);
  clear();
  ASSERT_TRUE(cy->room);
  EXPECT_EQ(cy->room->label, "Red");
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(raw(cy->room), raw(session.get<Room>(std::string("B"), 101)));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(CompositeKeyTest, MovingABookingToAnotherRoomUpdatesBothColumnsInOneStatement) {
  const auto md = create(hotel());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Booking>(1);
  auto green = session.get<Room>(std::string("A"), 102);
  auto red = session.get<Room>(std::string("B"), 101);
  auto gold = session.get<Room>(std::string("B"), 202);
  ann->room = red;
  ann->room = green;
  ann->room = gold;
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("UPDATE \"bookings\" SET"));
  EXPECT_THAT(statements[0], HasSubstr("\"room_building\" = ?"));
  EXPECT_THAT(statements[0], HasSubstr("\"room_number\" = ?"));
  session.commit();
  EXPECT_EQ(bookings(),
            (Rows{{"1", "B", "202", "Ann"}, {"2", "A", "101", "Bob"}, {"3", "B", "101", "Cy"}}));
  EXPECT_THAT(guests(gold->bookings), ElementsAre("Ann"));
}

TEST_P(CompositeKeyTest, DeletingARoomWithoutDeleteCascadeNullsBothForeignKeyColumns) {
  const auto md = create(hotel());
  seed();
  relate::Session session(engine, md);
  auto a101 = session.get<Room>(std::string("A"), 101);
  auto ann = a101->bookings[0];
  session.remove(a101);
  session.commit();
  EXPECT_EQ(
      bookings(),
      (Rows{{"1", "NULL", "NULL", "Ann"}, {"2", "NULL", "NULL", "Bob"}, {"3", "B", "101", "Cy"}}));
  EXPECT_EQ(ann->room_building, std::nullopt);
  EXPECT_EQ(ann->room_number, std::nullopt);
  EXPECT_EQ(count_rows("rooms"), 3);
}

TEST_P(CompositeKeyTest, DeletingARoomWithDeleteCascadeDeletesOnlyItsBookings) {
  const auto md = create(hotel("all, delete-orphan"));
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<Room>(std::string("A"), 101));
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("DELETE FROM \"bookings\""), 1u);  // both keys in one
  EXPECT_EQ(bookings(), (Rows{{"3", "B", "101", "Cy"}}));
  EXPECT_EQ(rows("SELECT building, number FROM rooms ORDER BY building, number"),
            (Rows{{"A", "102"}, {"B", "101"}, {"B", "202"}}));
}

TEST_P(CompositeKeyTest, RemovingABookingWithDeleteOrphanDeletesIt) {
  const auto md = create(hotel("all, delete-orphan"));
  seed();
  relate::Session session(engine, md);
  auto a101 = session.get<Room>(std::string("A"), 101);
  a101->bookings.remove(a101->bookings[0]);
  session.commit();
  EXPECT_EQ(bookings(), (Rows{{"2", "A", "101", "Bob"}, {"3", "B", "101", "Cy"}}));
}

RELATE_ON_EVERY_BACKEND(CompositeKeyTest);

}  // namespace
}  // namespace composite_key_test
