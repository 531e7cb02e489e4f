// A relationship's order_by: .order_by(&Track::title) and .order_by(&Track::id, true)
// (descending), alone or chained, decide the order in which a collection loads.
#include "test_support.hpp"

namespace relationship_order_test {

struct Track;

struct Album {
  std::int64_t id = 0;
  std::string name;
  relate::many<Track> tracks;
};

struct Track {
  std::int64_t id = 0;
  std::int64_t album_id = 0;
  std::string title;
  relate::one<Album> album;
};

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

enum class Order { title, id_descending, title_then_id_descending };

relate::MetaData records(Order order) {
  relate::MetaData md;
  md.table<Album>("albums", relate::primary_key(&Album::id))
      .table<Track>("tracks", relate::primary_key(&Track::id),
                    relate::foreign_key(&Track::album_id, &Album::id));
  auto rel = md.relationship(&Album::tracks, &Track::album);
  switch (order) {
    case Order::title:
      rel.order_by(&Track::title);
      break;
    case Order::id_descending:
      rel.order_by(&Track::id, true);
      break;
    case Order::title_then_id_descending:
      rel.order_by(&Track::title).order_by(&Track::id, true);
      break;
  }
  return md;
}

// (id:title) of each track, in collection order.
std::vector<std::string> listing(const relate::many<Track>& tracks) {
  std::vector<std::string> out;
  for (const auto& t : tracks) out.push_back(std::to_string(t->id) + ":" + t->title);
  return out;
}

class RelationshipOrderTest : public relate_test::DatabaseTest {
 protected:
  // Album 1's tracks, inserted in an order that matches none of the orderings.
  void seed() {
    exec_raw(
        "INSERT INTO albums (id, name) VALUES (1, 'first'); "
        "INSERT INTO tracks (id, album_id, title) VALUES (3, 1, 'b'), (1, 1, 'c'), "
        "(4, 1, 'a'), (2, 1, 'a');");
    clear();
  }
};

TEST_P(RelationshipOrderTest, CollectionLoadsInTitleOrder) {
  const auto md = create(records(Order::title));
  seed();
  relate::Session session(engine, md);
  auto album = session.get<Album>(1);
  clear();
  const auto got = listing(album->tracks);
  ASSERT_EQ(got.size(), 4u);
  // The two tracks titled "a" tie: only their place before "b" and "c" is defined.
  EXPECT_THAT(got[0], ::testing::EndsWith(":a"));
  EXPECT_THAT(got[1], ::testing::EndsWith(":a"));
  EXPECT_THAT(std::vector<std::string>(got.begin() + 2, got.end()), ElementsAre("3:b", "1:c"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("ORDER BY \"tracks\".\"title\""));
}

TEST_P(RelationshipOrderTest, CollectionLoadsInDescendingIdOrder) {
  const auto md = create(records(Order::id_descending));
  seed();
  relate::Session session(engine, md);
  auto album = session.get<Album>(1);
  clear();
  EXPECT_THAT(listing(album->tracks), ElementsAre("4:a", "3:b", "2:a", "1:c"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], HasSubstr("ORDER BY \"tracks\".\"id\" DESC"));
}

TEST_P(RelationshipOrderTest, ChainedOrderByBreaksTiesWithTheSecondKey) {
  const auto md = create(records(Order::title_then_id_descending));
  seed();
  relate::Session session(engine, md);
  auto album = session.get<Album>(1);
  EXPECT_THAT(listing(album->tracks), ElementsAre("4:a", "2:a", "3:b", "1:c"));
}

TEST_P(RelationshipOrderTest, CollectionReloadedAfterRollbackKeepsItsOrder) {
  const auto md = create(records(Order::id_descending));
  seed();
  relate::Session session(engine, md);
  auto album = session.get<Album>(1);
  album->tracks.add(Track{.title = "z"});
  session.flush();
  session.rollback();
  EXPECT_THAT(listing(album->tracks), ElementsAre("4:a", "3:b", "2:a", "1:c"));
}

RELATE_ON_EVERY_BACKEND(RelationshipOrderTest);

}  // namespace
}  // namespace relationship_order_test
