// Cascades when a parent is deleted or a child leaves its collection: the default
// ("save-update, merge") nulls the children's foreign key and fails cleanly when it is
// NOT NULL; "all, delete-orphan" deletes them; passive_deletes leaves unloaded children
// to the database's ON DELETE.
#include "test_support.hpp"

namespace cascade_test {

using relate_test::Address;
using relate_test::User;

namespace {

using relate_test::Rows;
using ::testing::HasSubstr;

class CascadeTest : public relate_test::DatabaseTest {
 protected:
  relate::MetaData schema(const relate_test::SeedOptions& options = {}) {
    return create(relate_test::seed_metadata(options));
  }

  // Ann (id 1) and Bob (id 2); Ann has addresses 1 and 2.
  void seed_addresses() {
    exec_raw(
        "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob'); "
        "INSERT INTO addresses (id, user_id, email) VALUES (1, 1, 'ann@home'), "
        "(2, 1, 'ann@work');");
    clear();
  }

  // Ann (id 1) with post 1.
  void seed_posts() {
    exec_raw(
        "INSERT INTO users (id, name) VALUES (1, 'Ann'); "
        "INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'Hello');");
    clear();
  }

  std::size_t statements_mentioning(std::string_view text) const {
    return static_cast<std::size_t>(
        std::count_if(statements.begin(), statements.end(),
                      [&](const std::string& s) { return relate_test::contains(s, text); }));
  }

  static relate_test::SeedOptions delete_orphan() {
    relate_test::SeedOptions o;
    o.addresses_cascade = "all, delete-orphan";
    return o;
  }
};

// ---- default cascade: save-update, merge ----

TEST_P(CascadeTest, DeletingParentWithoutCascadeNullsChildForeignKey) {
  const auto md = schema();
  seed_addresses();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  session.commit();
  EXPECT_EQ(rows("SELECT id, user_id FROM addresses ORDER BY id"),
            (Rows{{"1", "NULL"}, {"2", "NULL"}}));
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Bob"}}));
}

TEST_P(CascadeTest, DeletingParentWithoutCascadeLoadsUnloadedChildrenToNullThem) {
  const auto md = schema();
  seed_addresses();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("SELECT"), 2u);  // addresses and posts of Ann
  EXPECT_EQ(count_starting_with("UPDATE \"addresses\" SET \"user_id\" = ?"), 2u);
  EXPECT_EQ(count_starting_with("DELETE FROM \"users\""), 1u);
  EXPECT_EQ(count_starting_with("DELETE FROM \"addresses\""), 0u);
}

TEST_P(CascadeTest, DeletingParentWithoutCascadeNullsLoadedChildrenInMemory) {
  const auto md = schema();
  seed_addresses();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  const auto home = ann->addresses[0];
  session.remove(ann);
  session.commit();
  EXPECT_EQ(home->user_id, std::nullopt);
}

TEST_P(CascadeTest, DeletingParentWithoutCascadeFailsForNotNullForeignKey) {
  const auto md = schema();
  seed_posts();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  try {
    session.commit();
    FAIL() << "expected relate::IntegrityError";
  } catch (const relate::IntegrityError& e) {
    EXPECT_THAT(e.what(), HasSubstr("user_id"));
  }
  EXPECT_EQ(rows("SELECT id, user_id FROM posts"), (Rows{{"1", "1"}}));
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Ann"}}));
}

TEST_P(CascadeTest, SessionWorksAgainAfterRollbackOfAFailedCascade) {
  const auto md = schema();
  seed_posts();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  session.remove(ann);
  EXPECT_THROW(session.commit(), relate::IntegrityError);
  session.rollback();
  EXPECT_EQ(ann.state()->status(), relate::ObjectStatus::persistent);
  session.add(User{.name = "Bob"});
  ASSERT_NO_THROW(session.commit());
  EXPECT_EQ(rows("SELECT name FROM users ORDER BY id"), (Rows{{"Ann"}, {"Bob"}}));
  EXPECT_EQ(count_rows("posts"), 1);
}

TEST_P(CascadeTest, RemovingAChildWithoutDeleteOrphanNullsItsForeignKey) {
  const auto md = schema();
  seed_addresses();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->addresses.remove(ann->addresses[0]);
  session.commit();
  EXPECT_EQ(rows("SELECT id, user_id FROM addresses ORDER BY id"),
            (Rows{{"1", "NULL"}, {"2", "1"}}));
}

TEST_P(CascadeTest, DeletedChildLeavesItsParentsLoadedCollectionAtFlush) {
  const auto md = schema();
  seed_addresses();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ASSERT_EQ(ann->addresses.size(), 2u);
  session.remove(ann->addresses[0]);
  session.flush();
  ASSERT_EQ(ann->addresses.size(), 1u);
  EXPECT_EQ(ann->addresses[0]->email, "ann@work");
}

// ---- all, delete-orphan ----

TEST_P(CascadeTest, DeletingParentWithDeleteCascadeDeletesLoadedChildren) {
  const auto md = schema(delete_orphan());
  seed_addresses();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ASSERT_EQ(ann->addresses.size(), 2u);
  session.remove(ann);
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("DELETE FROM \"addresses\""), 1u);  // both keys in one
  EXPECT_EQ(count_rows("addresses"), 0);
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Bob"}}));
}

TEST_P(CascadeTest, DeletingParentWithDeleteCascadeDeletesUnloadedChildren) {
  const auto md = schema(delete_orphan());
  seed_addresses();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  session.commit();
  EXPECT_EQ(count_rows("addresses"), 0);
  EXPECT_EQ(count_rows("users"), 1);
}

TEST_P(CascadeTest, DeleteCascadeMarksLoadedChildrenDeleted) {
  const auto md = schema(delete_orphan());
  seed_addresses();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  const auto home = ann->addresses[0];
  session.remove(ann);
  session.flush();
  EXPECT_EQ(home.state()->status(), relate::ObjectStatus::deleted);
  EXPECT_FALSE(session.get<Address>(1));
}

TEST_P(CascadeTest, RemovingAChildFromTheCollectionDeletesItAtFlush) {
  const auto md = schema(delete_orphan());
  seed_addresses();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ann->addresses.remove(ann->addresses[0]);
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], ::testing::StartsWith("DELETE FROM \"addresses\""));
  session.commit();
  EXPECT_EQ(rows("SELECT id, user_id FROM addresses"), (Rows{{"2", "1"}}));
}

TEST_P(CascadeTest, PendingChildRemovedBeforeTheFlushIsNeverInserted) {
  const auto md = schema(delete_orphan());
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  auto home = ann->addresses.add(Address{.email = "home"});
  ann->addresses.remove(home);
  clear();
  session.commit();
  EXPECT_EQ(statements.size(), 1u);
  EXPECT_EQ(count_rows("addresses"), 0);
  EXPECT_EQ(count_rows("users"), 1);
}

TEST_P(CascadeTest, MovingAChildToAnotherParentIsNotAnOrphan) {
  const auto md = schema(delete_orphan());
  seed_addresses();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  auto bob = session.get<User>(2);
  bob->addresses.push_back(ann->addresses[0]);
  session.commit();
  EXPECT_EQ(rows("SELECT id, user_id FROM addresses ORDER BY id"), (Rows{{"1", "2"}, {"2", "1"}}));
}

// ---- passive_deletes with ON DELETE CASCADE ----

TEST_P(CascadeTest, PassiveDeletesLeavesUnloadedChildrenToTheDatabase) {
  relate_test::SeedOptions options = delete_orphan();
  options.addresses_passive_deletes = true;
  options.addresses_on_delete = relate::cascade;
  const auto md = schema(options);
  seed_addresses();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  clear();
  session.commit();
  EXPECT_EQ(count_rows("addresses"), 0);
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Bob"}}));
  EXPECT_EQ(statements_mentioning("\"addresses\""), 0u) << ::testing::PrintToString(statements);
}

TEST_P(CascadeTest, PassiveDeletesStillDeletesLoadedChildrenItself) {
  relate_test::SeedOptions options = delete_orphan();
  options.addresses_passive_deletes = true;
  options.addresses_on_delete = relate::cascade;
  const auto md = schema(options);
  seed_addresses();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ASSERT_EQ(ann->addresses.size(), 2u);
  session.remove(ann);
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("DELETE FROM \"addresses\""), 1u);  // both keys in one
  EXPECT_EQ(count_rows("addresses"), 0);
}

RELATE_ON_EVERY_BACKEND(CascadeTest);

}  // namespace
}  // namespace cascade_test
