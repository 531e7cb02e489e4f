// New objects of one model share multi-row INSERTs: those whose keys are given (as
// SQLAlchemy batches them with executemany), and those whose keys the database
// generates (as SQLAlchemy 2.0's insertmanyvalues), each matched to its key: by
// sorting the keys RETURNING gives for rows inserted in order (SQLite, PostgreSQL), or
// by counting from LAST_INSERT_ID() in steps the server promises (MySQL/MariaDB).
#include <algorithm>
#include <map>

#include "test_support.hpp"

namespace batched_insert_test {

using relate_test::Post;
using relate_test::Rows;
using relate_test::User;
using ::testing::HasSubstr;

namespace {

class BatchedInsertTest : public relate_test::DatabaseTest {
 protected:
  BatchedInsertTest() : md(create(relate_test::seed_metadata())) {}

  relate::MetaData md;
};

TEST_P(BatchedInsertTest, ObjectsWithGivenKeysShareOneInsert) {
  relate::Session session(engine, md);
  for (std::int64_t id = 1; id <= 3; ++id) {
    session.add(User{.id = id, .name = "user" + std::to_string(id)});
  }
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], HasSubstr("VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)"));
  session.commit();
  EXPECT_EQ(rows("SELECT id, name FROM users ORDER BY id"),
            (Rows{{"1", "user1"}, {"2", "user2"}, {"3", "user3"}}));
}

TEST_P(BatchedInsertTest, ChildrenWithGivenKeysShareOneInsertAfterTheirParents) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.id = 1, .name = "Ann"});
  auto bob = session.add(User{.id = 2, .name = "Bob"});
  ann->posts.add(Post{.id = 10, .title = "a"});
  bob->posts.add(Post{.id = 11, .title = "b"});
  ann->posts.add(Post{.id = 12, .title = "c"});
  session.commit();
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 1u);
  EXPECT_EQ(count_starting_with("INSERT INTO \"posts\""), 1u);
  EXPECT_EQ(rows("SELECT id, user_id, title FROM posts ORDER BY id"),
            (Rows{{"10", "1", "a"}, {"11", "2", "b"}, {"12", "1", "c"}}));
}

// Each object's key is the key of the row that holds its values: the database, read
// on a connection of its own, is the oracle.
void expect_keys_match_rows(const std::vector<relate::ptr<User>>& users, const Rows& by_id) {
  std::map<std::string, std::string> name_of;
  for (const auto& row : by_id) name_of[row[0]] = row[1];
  ASSERT_EQ(name_of.size(), users.size());
  for (const auto& u : users) EXPECT_EQ(name_of[std::to_string(u->id)], u->name);
}

TEST_P(BatchedInsertTest, ObjectsWithGeneratedKeysShareOneInsert) {
  relate::Session session(engine, md);
  std::vector<relate::ptr<User>> users;
  for (const char* name : {"Ann", "Bob", "Cy"}) users.push_back(session.add(User{.name = name}));
  session.flush();
  ASSERT_EQ(count_starting_with("INSERT"), 1u) << ::testing::PrintToString(statements);
  // Keys ascend in the order the objects were added, as one INSERT each would give.
  EXPECT_LT(users[0]->id, users[1]->id);
  EXPECT_LT(users[1]->id, users[2]->id);
  EXPECT_EQ(users[1].state()->status(), relate::ObjectStatus::persistent);
  EXPECT_EQ(session.get<User>(users[2]->id).get(), users[2].get());  // in the identity map
  session.commit();
  expect_keys_match_rows(users, rows("SELECT id, name FROM users"));
}

// Children take their parents' generated keys; each run of rows of one kind (given
// keys, generated keys) is one statement, in the order the objects were added.
TEST_P(BatchedInsertTest, ChildrenTakeTheKeysTheirParentsWereGiven) {
  relate::Session session(engine, md);
  std::vector<relate::ptr<User>> users;
  for (int i = 0; i < 4; ++i) {
    auto u = session.add(User{.name = "user" + std::to_string(i)});
    for (int p = 0; p < 3; ++p) {
      // Post 1 of each user gives its key (below the keys generated after it); the
      // others are generated.
      u->posts.add(Post{.id = p == 1 ? 1000000 - i : 0,
                        .title = "user" + std::to_string(i) + " post" + std::to_string(p)});
    }
    users.push_back(u);
  }
  session.commit();
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 1u);
  // Runs: generated, given, generated twice (one user's last, the next one's first),
  // given, ... : 9.
  EXPECT_EQ(count_starting_with("INSERT INTO \"posts\""), 9u);
  expect_keys_match_rows(users, rows("SELECT id, name FROM users"));
  const Rows wrong =
      rows("SELECT posts.title, users.name FROM posts JOIN users ON users.id = posts.user_id");
  ASSERT_EQ(wrong.size(), 12u);
  for (const auto& row : wrong) EXPECT_EQ(row[0].substr(0, row[1].size()), row[1]);
  for (const auto& u : users) {
    for (const auto& p : u->posts) EXPECT_EQ(p->user_id, u->id);
  }
}

TEST_P(BatchedInsertTest, ManyGeneratedKeysGoInBatchesOfFiveHundred) {
  relate::Session session(engine, md);
  std::vector<relate::ptr<User>> users;
  for (int i = 0; i < 1203; ++i) {
    // Names that do not sort as the objects were added.
    users.push_back(session.add(User{.name = "u" + std::to_string((i * 7919) % 1203)}));
  }
  session.commit();
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 3u);
  for (std::size_t i = 1; i < users.size(); ++i) EXPECT_LT(users[i - 1]->id, users[i]->id);
  expect_keys_match_rows(users, rows("SELECT id, name FROM users"));
}

// Every before_insert runs before the statement, every after_insert after it, when the
// objects' keys are there.
TEST_P(BatchedInsertTest, MapperEventsSurroundTheStatement) {
  std::vector<std::string> seen;
  md.on<User>(relate::before_insert, [&](relate::Session&, User& u) {
    seen.push_back("before " + u.name + " " + std::to_string(u.id));
  });
  md.on<User>(relate::after_insert, [&](relate::Session&, User& u) {
    seen.push_back("after " + u.name + (u.id != 0 ? " keyed" : " 0"));
  });
  relate::Session session(engine, md);
  session.add(User{.name = "Ann"});
  session.add(User{.name = "Bob"});
  session.flush();
  EXPECT_EQ(count_starting_with("INSERT"), 1u);
  EXPECT_EQ(seen, (std::vector<std::string>{"before Ann 0", "before Bob 0", "after Ann keyed",
                                            "after Bob keyed"}));
}

// A flush that fails after the batch gives the objects back the key 0 they had, still
// pending; the next flush writes them with new keys.
TEST_P(BatchedInsertTest, AFailedFlushGivesBackTheKeysTheObjectsHad) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  auto bob = session.add(User{.name = "Bob"});
  ann->posts.add(Post{.id = 5, .title = "one"});
  auto clash = bob->posts.add(Post{.id = 5, .title = "two"});
  EXPECT_THROW(session.flush(), relate::IntegrityError);
  EXPECT_EQ(ann->id, 0);
  EXPECT_EQ(bob->id, 0);
  EXPECT_EQ(bob.state()->status(), relate::ObjectStatus::pending);
  session.rollback();
  EXPECT_EQ(count_rows("users"), 0);
  clash->id = 6;
  session.add(ann);
  session.add(bob);
  session.commit();
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 2u);  // the failed flush's, this one's
  expect_keys_match_rows({ann, bob}, rows("SELECT id, name FROM users"));
  EXPECT_EQ(rows("SELECT posts.id, users.name FROM posts JOIN users ON users.id = posts.user_id "
                 "ORDER BY posts.id"),
            (Rows{{"5", "Ann"}, {"6", "Bob"}}));
}

// Every column type travels through the list of rows an ordered INSERT selects from
// (on PostgreSQL typed there by a cast); NULLs too.
struct Typed {
  std::int64_t id = 0;
  bool flag = false;
  std::int16_t small = 0;
  std::int32_t medium = 0;
  std::optional<std::int64_t> big;
  float single = 0;
  double dbl = 0;
  std::string text;
  relate::Blob bytes;
  relate::Timestamp at{};
};

TEST_P(BatchedInsertTest, EveryColumnTypeTravelsThroughAGeneratingBatch) {
  const auto typed =
      create(relate::MetaData{}.table<Typed>("batch_typed", relate::primary_key(&Typed::id)));
  const auto at = relate::Timestamp(std::chrono::microseconds(1700000000123456));
  const std::string text = "it's ; 'quoted' \\ é";
  {
    relate::Session session(engine, typed);
    session.add(Typed{.flag = true,
                      .small = -7,
                      .medium = 2147483647,
                      .big = std::nullopt,
                      .single = 1.5f,
                      .dbl = 0.1,
                      .text = text,
                      .bytes = {std::byte{0}, std::byte{255}},
                      .at = at});
    session.add(Typed{.flag = false,
                      .small = 7,
                      .medium = -1,
                      .big = std::int64_t{1} << 40,
                      .single = -2.25f,
                      .dbl = 1e300,
                      .text = "",
                      .bytes = {},
                      .at = {}});
    session.commit();
    EXPECT_EQ(count_starting_with("INSERT"), 1u) << ::testing::PrintToString(statements);
  }
  relate::Session session(engine, typed);
  auto all = session.scalars(relate::select<Typed>().order_by(&Typed::id)).all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[0]->flag);
  EXPECT_EQ(all[0]->small, -7);
  EXPECT_EQ(all[0]->medium, 2147483647);
  EXPECT_EQ(all[0]->big, std::nullopt);
  EXPECT_EQ(all[0]->single, 1.5f);
  EXPECT_DOUBLE_EQ(all[0]->dbl, 0.1);
  EXPECT_EQ(all[0]->text, text);
  EXPECT_EQ(all[0]->bytes, (relate::Blob{std::byte{0}, std::byte{255}}));
  EXPECT_EQ(all[0]->at, at);
  EXPECT_FALSE(all[1]->flag);
  EXPECT_EQ(all[1]->big, std::int64_t{1} << 40);
  EXPECT_EQ(all[1]->single, -2.25f);
  EXPECT_DOUBLE_EQ(all[1]->dbl, 1e300);
  EXPECT_EQ(all[1]->text, "");
}

// A model of nothing but its generated key: each row is an INSERT of its own (DEFAULT
// VALUES has no list of rows to order).
struct Ticket {
  std::int64_t id = 0;
};

TEST_P(BatchedInsertTest, RowsOfNothingButTheirKeyGoOneByOne) {
  const auto tickets =
      create(relate::MetaData{}.table<Ticket>("batch_tickets", relate::primary_key(&Ticket::id)));
  relate::Session session(engine, tickets);
  auto a = session.add(Ticket{});
  auto b = session.add(Ticket{});
  session.commit();
  EXPECT_EQ(count_starting_with("INSERT"), 2u);
  EXPECT_LT(a->id, b->id);
  EXPECT_EQ(count_rows("batch_tickets"), 2);
}

// A rowid past the largest makes SQLite choose new rowids at random: the keys that
// come back then cannot say which row is which, and the flush fails, writing nothing.
TEST_P(BatchedInsertTest, KeysThatDoNotCountUpFailTheFlush) {
  if (!on(relate_test::kSqlite)) GTEST_SKIP() << "SQLite's rowid choice";
  exec_raw("INSERT INTO users (id, name) VALUES (9223372036854775807, 'last')");
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  auto bob = session.add(User{.name = "Bob"});
  auto cy = session.add(User{.name = "Cy"});
  try {
    session.flush();
    FAIL() << "the flush matched keys it cannot match";
  } catch (const relate::StaleDataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("do not tell which row has which"));
  }
  EXPECT_EQ(ann.state()->status(), relate::ObjectStatus::pending);
  EXPECT_EQ(ann->id, 0);
  session.rollback();
  EXPECT_EQ(count_rows("users"), 1);
}

// MySQL numbers the rows of one INSERT auto_increment_increment apart: the keys are
// counted in that step from LAST_INSERT_ID().
TEST_P(BatchedInsertTest, KeysCountInTheServersStep) {
  if (!on(relate_test::kMysql)) GTEST_SKIP() << "MySQL's auto_increment_increment";
  relate::Session session(engine, md);
  session.execute(relate::text("SET SESSION auto_increment_increment = 5"));
  std::vector<relate::ptr<User>> users;
  for (const char* name : {"Ann", "Bob", "Cy"}) users.push_back(session.add(User{.name = name}));
  session.flush();
  EXPECT_EQ(users[1]->id - users[0]->id, 5);
  EXPECT_EQ(users[2]->id - users[1]->id, 5);
  session.commit();
  expect_keys_match_rows(users, rows("SELECT id, name FROM users"));
}

TEST_P(BatchedInsertTest, ABatchStopsAtFiveHundredRows) {
  relate::Session session(engine, md);
  for (std::int64_t id = 1; id <= 501; ++id) session.add(User{.id = id, .name = "u"});
  session.commit();
  EXPECT_EQ(count_starting_with("INSERT INTO \"users\""), 2u);
  EXPECT_EQ(count_rows("users"), 501);
}

TEST_P(BatchedInsertTest, AFailedBatchWritesNothingAndLeavesItsObjectsPending) {
  relate::Session session(engine, md);
  auto first = session.add(User{.id = 1, .name = "Ann", .email = "same@example.com"});
  auto second = session.add(User{.id = 2, .name = "Bob", .email = "same@example.com"});
  EXPECT_THROW(session.flush(), relate::IntegrityError);
  EXPECT_EQ(first.state()->status(), relate::ObjectStatus::pending);
  EXPECT_EQ(second.state()->status(), relate::ObjectStatus::pending);
  session.rollback();  // expunges what was pending, as SQLAlchemy's does
  EXPECT_EQ(count_rows("users"), 0);
  second->email = "bob@example.com";
  session.add(first);
  session.add(second);
  session.commit();
  EXPECT_EQ(count_rows("users"), 2);
}

}  // namespace

RELATE_ON_EVERY_BACKEND(BatchedInsertTest);

}  // namespace batched_insert_test
