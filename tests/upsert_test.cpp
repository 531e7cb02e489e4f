// Upsert (relate::upsert): insert, or on a taken unique key update chosen columns or do
// nothing, the same on every backend, with the Session's objects following.
#include "test_support.hpp"

namespace upsert_test {

using ::testing::HasSubstr;

struct Counter {
  std::int64_t id = 0;
  std::string name;
  std::int64_t hits = 0;
};

class UpsertTest : public relate_test::DatabaseTest {
 protected:
  void SetUp() override {
    relate_test::DatabaseTest::SetUp();
    if (IsSkipped()) return;
    md = create(relate::MetaData{}.table<Counter>("counters", relate::primary_key(&Counter::id),
                                                  relate::unique(&Counter::name)));
    exec_raw("INSERT INTO counters (id, name, hits) VALUES (1, 'home', 5)");
    clear();
  }
  relate::MetaData md;
};

TEST_P(UpsertTest, NewRowsAreInsertedAndTakenKeysUpdatedInOneStatement) {
  relate::Session session(engine, md);
  session.execute(relate::upsert(std::vector<Counter>{{.name = "home", .hits = 6},
                                                      {.name = "about", .hits = 1}})
                      .on_conflict(&Counter::name)
                      .do_update(&Counter::hits));
  EXPECT_EQ(statements.size(), 1u);
  session.commit();
  EXPECT_EQ(rows("SELECT name, hits FROM counters ORDER BY name"),
            (relate_test::Rows{{"about", "1"}, {"home", "6"}}));
  EXPECT_EQ(rows("SELECT id FROM counters WHERE name = 'home'"), (relate_test::Rows{{"1"}}));
}

TEST_P(UpsertTest, DoNothingLeavesTheExistingRowAlone) {
  relate::Session session(engine, md);
  session.execute(relate::upsert(std::vector<Counter>{{.name = "home", .hits = 99}})
                      .on_conflict(&Counter::name)
                      .do_nothing());
  session.commit();
  EXPECT_EQ(rows("SELECT name, hits FROM counters"), (relate_test::Rows{{"home", "5"}}));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(UpsertTest, AnObjectTheSessionHoldsShowsTheUpdatedRow) {
  relate::Session session(engine, md);
  auto home = session.get<Counter>(1);
  session.execute(relate::upsert(std::vector<Counter>{{.name = "home", .hits = 7}})
                      .on_conflict(&Counter::name)
                      .do_update(&Counter::hits));
  EXPECT_EQ(home->hits, 7);
  session.rollback();
  EXPECT_EQ(home->hits, 5);
  EXPECT_EQ(rows("SELECT hits FROM counters"), (relate_test::Rows{{"5"}}));
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(UpsertTest, ValuesAreBoundNeverSpliced) {
  relate::Session session(engine, md);
  const std::string hostile = "x'); DELETE FROM counters; --";
  session.execute(relate::upsert(std::vector<Counter>{{.name = hostile, .hits = 1}})
                      .on_conflict(&Counter::name)
                      .do_update(&Counter::hits));
  session.commit();
  EXPECT_EQ(count_rows("counters"), 2);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(UpsertTest, OnMysqlARowThatCouldCollideOnAnotherKeyIsRefused) {
  relate::Session session(engine, md);
  auto statement = relate::upsert(std::vector<Counter>{{.id = 1, .name = "other", .hits = 1}})
                       .on_conflict(&Counter::name)
                       .do_update(&Counter::hits);
  if (!on(relate_test::kMysql)) {
    // ON CONFLICT (name) does not cover the primary key: the database refuses the row.
    EXPECT_THROW(session.execute(statement), relate::IntegrityError);
    return;
  }
  try {
    session.execute(statement);
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("another unique key"));
  }
  EXPECT_TRUE(statements.empty());
}

RELATE_ON_EVERY_BACKEND(UpsertTest);

}  // namespace upsert_test
