// The identity map and the memory of loaded objects with many objects: one object per
// row through gets, expunges, deletions and a rollback, in random order; keys of text
// and of two columns; and the objects of a closed Session, whose rows' snapshots live
// in its memory, moving into another Session.
#include <algorithm>
#include <map>
#include <random>

#include "test_support.hpp"

namespace identity_map_test {

struct Word {
  std::string text;
  std::int64_t uses = 0;
};

struct Cell {
  std::int64_t row = 0;
  std::int64_t col = 0;
  std::string value;
};

namespace {

using relate_test::Rows;
using relate_test::User;

class IdentityMapTest : public relate_test::DatabaseTest {
 protected:
  IdentityMapTest() : md(create(metadata())) {}

  static relate::MetaData metadata() {
    relate::MetaData m = relate_test::seed_metadata();
    m.table<Word>("words", relate::primary_key(&Word::text))
        .table<Cell>("cells", relate::primary_key(&Cell::row, &Cell::col));
    return m;
  }

  // Users 1..n, named u<id>, written outside Relate.
  void seed_users(int n) {
    std::string sql = "INSERT INTO users (id, name) VALUES ";
    for (int i = 1; i <= n; ++i) {
      sql += (i > 1 ? ", (" : "(") + std::to_string(i) + ", 'u" + std::to_string(i) + "')";
    }
    exec_raw(sql);
  }

  relate::MetaData md;
};

// A model of what the Session must give for each id: the object it holds (or null when
// it holds none), and whether the row is deleted by the open transaction.
TEST_P(IdentityMapTest, OneObjectPerRowThroughGetsExpungesDeletesAndARollback) {
  constexpr int n = 600;
  seed_users(n);
  relate::Session session(engine, md);
  std::map<std::int64_t, relate::ptr<User>> held;
  for (auto& u : session.scalars(relate::select<User>().order_by(&User::id)).all()) {
    held[u->id] = u;
  }
  ASSERT_EQ(held.size(), static_cast<std::size_t>(n));

  std::mt19937 random(20261204);
  std::vector<std::int64_t> ids;
  for (std::int64_t id = 1; id <= n; ++id) ids.push_back(id);
  std::shuffle(ids.begin(), ids.end(), random);
  std::map<std::int64_t, relate::ptr<User>> removed;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::int64_t id = ids[i];
    if (i % 3 == 0) {
      session.expunge(held[id]);
      held.erase(id);
    } else if (i % 5 == 0) {
      session.remove(held[id]);
      removed[id] = held[id];
      held.erase(id);
    }
  }
  session.flush();  // the removed rows' DELETEs

  std::shuffle(ids.begin(), ids.end(), random);
  for (const std::int64_t id : ids) {
    const auto got = session.get<User>(id);
    if (removed.count(id)) {
      EXPECT_FALSE(got) << id;  // its row is deleted in this transaction
    } else if (held.count(id)) {
      EXPECT_EQ(got, held[id]) << id;
    } else {
      // Expunged: the Session loads a new object for the row.
      ASSERT_TRUE(got) << id;
      EXPECT_EQ(got->name, "u" + std::to_string(id));
      held[id] = got;
    }
  }

  session.rollback();
  std::shuffle(ids.begin(), ids.end(), random);
  for (const std::int64_t id : ids) {
    const auto got = session.get<User>(id);
    ASSERT_TRUE(got) << id;
    // A deletion rolled back puts its object back under its key.
    EXPECT_EQ(got, removed.count(id) ? removed[id] : held[id]) << id;
    EXPECT_EQ(got->name, "u" + std::to_string(id));
  }
  EXPECT_EQ(count_rows("users"), n);
}

TEST_P(IdentityMapTest, TextAndCompositeKeysFindTheirObjects) {
  relate::Session session(engine, md);
  constexpr int n = 300;
  for (int i = 0; i < n; ++i) {
    session.add(Word{.text = "word-" + std::to_string(i), .uses = i});
    session.add(Cell{.row = i / 17, .col = i % 17, .value = std::to_string(i)});
  }
  session.commit();
  session.close();

  const auto words = session.scalars(relate::select<Word>()).all();
  const auto cells = session.scalars(relate::select<Cell>()).all();
  ASSERT_EQ(words.size(), static_cast<std::size_t>(n));
  ASSERT_EQ(cells.size(), static_cast<std::size_t>(n));
  for (const auto& w : words) {
    EXPECT_EQ(session.get<Word>(w->text), w);
    EXPECT_EQ(w->text, "word-" + std::to_string(w->uses));
  }
  for (const auto& c : cells) {
    EXPECT_EQ(session.get<Cell>(c->row, c->col), c);
    EXPECT_EQ(c->value, std::to_string(c->row * 17 + c->col));
  }
  EXPECT_FALSE(session.get<Word>(std::string("word-")));
  EXPECT_FALSE(session.get<Cell>(std::int64_t{n}, std::int64_t{0}));
}

// The objects a Session loaded, and their rows' snapshots, live in its memory; when
// one of them joins another Session after the first is gone, that memory goes with
// them, and a flush still compares against the snapshots (one UPDATE of the one
// column changed).
TEST_P(IdentityMapTest, ObjectsOfAClosedSessionKeepTheirSnapshotsInAnother) {
  seed_users(200);
  std::vector<relate::ptr<User>> users;
  {
    relate::Session first(engine, md);
    users = first.scalars(relate::select<User>().order_by(&User::id)).all();
  }
  ASSERT_EQ(users.size(), 200u);
  relate::Session second(engine, md);
  second.add(users[7]);
  users[7]->name = "seven";
  clear();
  second.commit();
  EXPECT_EQ(count_starting_with("UPDATE \"users\" SET \"name\""), 1u);

  second.add(users[150]);
  users[150]->email = "x@example.com";
  clear();
  second.commit();
  EXPECT_EQ(count_starting_with("UPDATE \"users\" SET \"email\""), 1u);
  EXPECT_EQ(rows("SELECT id, name, email FROM users WHERE id IN (8, 151) ORDER BY id"),
            (Rows{{"8", "seven", "NULL"}, {"151", "u151", "x@example.com"}}));
}

// Past a huge page (2 MiB) the Session's object blocks and its identity map's table
// are dense memory, aligned to huge pages (core/src/orm/dense_memory.hpp): 70,000
// objects take several such blocks and a table of 4 MiB. Every object is still found
// by its key without a statement, and a flush still sees what changed in them.
TEST_P(IdentityMapTest, ObjectsPastAHugePageOfMemoryStayFindableAndFlushable) {
  constexpr int n = 70000;
  seed_users(n);
  relate::Session session(engine, md);
  const auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
  ASSERT_EQ(users.size(), static_cast<std::size_t>(n));
  clear();
  for (std::int64_t id = 1; id <= n; ++id) {
    ASSERT_EQ(session.get<User>(id), users[static_cast<std::size_t>(id - 1)]) << id;
  }
  EXPECT_TRUE(statements.empty()) << ::testing::PrintToString(statements);
  for (std::size_t i = 0; i < users.size(); i += 7000) users[i]->name = "renamed";
  session.commit();
  EXPECT_EQ(count_starting_with("UPDATE \"users\" SET \"name\""), 10u);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM users WHERE name = 'renamed'"), (Rows{{"10"}}));
  EXPECT_EQ(count_rows("users"), n);
}

RELATE_ON_EVERY_BACKEND(IdentityMapTest);

}  // namespace
}  // namespace identity_map_test
