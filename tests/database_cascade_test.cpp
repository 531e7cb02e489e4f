// Referential actions carried out by the database: ON DELETE / ON UPDATE with CASCADE,
// SET NULL, SET DEFAULT, RESTRICT and NO ACTION are written into the DDL and SQLite
// enforces them; with passive_deletes the ORM leaves children to them. Children already
// in the session follow what the database did: a child the database deleted is not
// written back by a later flush, a child it nulled reads nullopt. Under
// passive_deletes("all") a RESTRICT refuses the delete, and rollback() leaves rows and
// objects as they were.
#include "test_support.hpp"

namespace database_cascade_test {

struct Address;

struct User {
  std::int64_t id = 0;
  std::string name;
  relate::many<Address> addresses;
};

struct Address {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string email;
  relate::one<User> user;
};

namespace {

using relate_test::raw;
using relate_test::Rows;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Options {
  relate::ReferentialAction on_delete = relate::no_action;
  relate::ReferentialAction on_update = relate::no_action;
  std::string passive_deletes = "off";  // "off", "on" or "all"
  std::string cascade = "save-update, merge";
  std::optional<std::int64_t> user_id_default;
};

relate::MetaData accounts(const Options& o) {
  relate::MetaData md;
  md.table<User>("users", relate::primary_key(&User::id));
  auto fk = relate::foreign_key(&Address::user_id, &User::id)
                .on_delete(o.on_delete)
                .on_update(o.on_update);
  if (o.user_id_default) {
    md.table<Address>(
        "addresses", relate::primary_key(&Address::id), fk,
        relate::column(&Address::user_id).default_(relate::Value(*o.user_id_default)));
  } else {
    md.table<Address>("addresses", relate::primary_key(&Address::id), fk);
  }
  auto rel = md.relationship(&User::addresses, &Address::user);
  rel.order_by(&Address::id).cascade(o.cascade);
  if (o.passive_deletes == "on") rel.passive_deletes();
  if (o.passive_deletes == "all") rel.passive_deletes("all");
  return md;
}

class DatabaseCascadeTest : public relate_test::DatabaseTest {
 protected:
  // Ann (1) with addresses 1 and 2; Bob (2) with none.
  void seed() {
    exec_raw(
        "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob'); "
        "INSERT INTO addresses (id, user_id, email) VALUES (1, 1, 'home'), (2, 1, 'work');");
    clear();
  }

  Rows addresses() const { return rows("SELECT id, user_id, email FROM addresses ORDER BY id"); }
  Rows users() const { return rows("SELECT id, name FROM users ORDER BY id"); }

  // ON UPDATE / ON DELETE as the database's catalog holds them.
  Rows actions() const {
    Rows out;
    for (const auto& fk : foreign_keys("addresses")) out.push_back({fk.on_update, fk.on_delete});
    return out;
  }

  // SET DEFAULT: MySQL's InnoDB parses it but does not enforce it, so create_all refuses
  // it there, naming table, column and backend, and creates nothing. Elsewhere the
  // schema is created; nullopt when it was (rightly) refused.
  std::optional<relate::MetaData> create_with_set_default(relate::MetaData md) {
    if (!on(relate_test::kMysql)) return create(std::move(md));
    try {
      create(std::move(md));
      ADD_FAILURE() << "expected create_all to refuse SET DEFAULT on MySQL";
    } catch (const relate::ArgumentError& e) {
      EXPECT_THAT(e.what(), HasSubstr("table 'addresses', column 'user_id'"));
      EXPECT_THAT(e.what(), HasSubstr("SET DEFAULT is not supported by the mysql backend"));
    }
    EXPECT_EQ(table_names(), std::vector<std::string>{});
    return std::nullopt;
  }

  // Whether SQL run outside Relate succeeds.
  bool raw_succeeds(const std::string& sql) const {
    try {
      exec_raw(sql);
      return true;
    } catch (const std::runtime_error&) {
      return false;
    }
  }
};

// ---- DDL ----

TEST_P(DatabaseCascadeTest, CascadeIsInTheStoredDdl) {
  create(accounts({.on_delete = relate::cascade, .on_update = relate::cascade}));
  EXPECT_THAT(schema_sql("addresses"), HasSubstr("ON DELETE CASCADE ON UPDATE CASCADE"));
  EXPECT_EQ(actions(), (Rows{{"CASCADE", "CASCADE"}}));
}

TEST_P(DatabaseCascadeTest, SetNullIsInTheStoredDdl) {
  create(accounts({.on_delete = relate::set_null, .on_update = relate::set_null}));
  EXPECT_THAT(schema_sql("addresses"), HasSubstr("ON DELETE SET NULL ON UPDATE SET NULL"));
  EXPECT_EQ(actions(), (Rows{{"SET NULL", "SET NULL"}}));
}

TEST_P(DatabaseCascadeTest, SetDefaultIsInTheStoredDdlWithTheColumnDefault) {
  if (!create_with_set_default(accounts({.on_delete = relate::set_default,
                                         .on_update = relate::set_default,
                                         .user_id_default = 2}))) {
    return;
  }
  EXPECT_THAT(schema_sql("addresses"), HasSubstr("ON DELETE SET DEFAULT ON UPDATE SET DEFAULT"));
  EXPECT_THAT(schema_sql("addresses"), HasSubstr("\"user_id\" BIGINT DEFAULT 2"));
  EXPECT_EQ(actions(), (Rows{{"SET DEFAULT", "SET DEFAULT"}}));
}

TEST_P(DatabaseCascadeTest, RestrictIsInTheStoredDdl) {
  create(accounts({.on_delete = relate::restrict, .on_update = relate::restrict}));
  EXPECT_THAT(schema_sql("addresses"), HasSubstr("ON DELETE RESTRICT ON UPDATE RESTRICT"));
  EXPECT_EQ(actions(), (Rows{{"RESTRICT", "RESTRICT"}}));
}

TEST_P(DatabaseCascadeTest, ExplicitNoActionIsInTheStoredDdl) {
  // As SQLAlchemy does for ondelete="NO ACTION": an action the user wrote is written.
  create(accounts({.on_delete = relate::no_action, .on_update = relate::no_action}));
  EXPECT_THAT(schema_sql("addresses"), HasSubstr("ON DELETE NO ACTION ON UPDATE NO ACTION"));
  EXPECT_EQ(actions(), (Rows{{"NO ACTION", "NO ACTION"}}));
}

// ---- what SQLite does with them ----

TEST_P(DatabaseCascadeTest, OnUpdateCascadeCarriesANewKeyToTheChildren) {
  create(accounts({.on_update = relate::cascade}));
  seed();
  ASSERT_TRUE(raw_succeeds("UPDATE users SET id = 10 WHERE id = 1;"));
  EXPECT_EQ(addresses(), (Rows{{"1", "10", "home"}, {"2", "10", "work"}}));
}

TEST_P(DatabaseCascadeTest, OnUpdateSetNullNullsTheChildrenWhenTheKeyChanges) {
  create(accounts({.on_update = relate::set_null}));
  seed();
  ASSERT_TRUE(raw_succeeds("UPDATE users SET id = 10 WHERE id = 1;"));
  EXPECT_EQ(addresses(), (Rows{{"1", "NULL", "home"}, {"2", "NULL", "work"}}));
}

TEST_P(DatabaseCascadeTest, OnUpdateSetDefaultMovesTheChildrenToTheDefault) {
  if (!create_with_set_default(
          accounts({.on_update = relate::set_default, .user_id_default = 2}))) {
    return;
  }
  seed();
  ASSERT_TRUE(raw_succeeds("UPDATE users SET id = 10 WHERE id = 1;"));
  EXPECT_EQ(addresses(), (Rows{{"1", "2", "home"}, {"2", "2", "work"}}));
}

TEST_P(DatabaseCascadeTest, OnUpdateRestrictRefusesToChangeAReferencedKey) {
  create(accounts({.on_update = relate::restrict}));
  seed();
  EXPECT_FALSE(raw_succeeds("UPDATE users SET id = 10 WHERE id = 1;"));
  EXPECT_EQ(users(), (Rows{{"1", "Ann"}, {"2", "Bob"}}));
}

TEST_P(DatabaseCascadeTest, OnUpdateNoActionRefusesToChangeAReferencedKey) {
  create(accounts({.on_update = relate::no_action}));
  seed();
  EXPECT_FALSE(raw_succeeds("UPDATE users SET id = 10 WHERE id = 1;"));
  EXPECT_TRUE(raw_succeeds("UPDATE users SET id = 20 WHERE id = 2;"));  // Bob has no address
}

// ---- passive_deletes with ON DELETE CASCADE ----

TEST_P(DatabaseCascadeTest, ChildDeletedByTheDatabaseIsNotWrittenBackByALaterFlush) {
  const auto md = create(accounts(
      {.on_delete = relate::cascade, .passive_deletes = "on", .cascade = "all, delete-orphan"}));
  seed();
  relate::Session session(engine, md);
  auto home = session.get<Address>(1);  // in the session; Ann's collection is not loaded
  auto ann = session.get<User>(1);
  session.remove(ann);
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"users\""));

  home->email = "changed";
  clear();
  EXPECT_NO_THROW(session.flush());
  EXPECT_TRUE(statements.empty()) << ::testing::PrintToString(statements);
  EXPECT_NO_THROW(session.commit());
  EXPECT_EQ(count_rows("addresses"), 0);
  EXPECT_EQ(users(), (Rows{{"2", "Bob"}}));
}

TEST_P(DatabaseCascadeTest, ChildDeletedByTheDatabaseUnderTheDefaultCascadeIsNotWrittenBackEither) {
  const auto md = create(accounts({.on_delete = relate::cascade, .passive_deletes = "on"}));
  seed();
  relate::Session session(engine, md);
  auto work = session.get<Address>(2);
  session.remove(session.get<User>(1));
  session.flush();
  work->email = "changed";
  clear();
  EXPECT_NO_THROW(session.commit());
  EXPECT_EQ(count_starting_with("UPDATE"), 0u) << ::testing::PrintToString(statements);
  EXPECT_EQ(count_rows("addresses"), 0);
}

TEST_P(DatabaseCascadeTest, PassiveDeletesAllLeavesEvenLoadedChildrenToOnDeleteCascade) {
  const auto md = create(accounts({.on_delete = relate::cascade, .passive_deletes = "all"}));
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ASSERT_EQ(ann->addresses.size(), 2u);
  session.remove(ann);
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"users\""));
  session.commit();
  EXPECT_EQ(count_rows("addresses"), 0);
}

// ---- passive_deletes with ON DELETE SET NULL / SET DEFAULT ----

TEST_P(DatabaseCascadeTest, PassiveDeletesLeavesUnloadedChildrenToOnDeleteSetNull) {
  const auto md = create(accounts({.on_delete = relate::set_null, .passive_deletes = "on"}));
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  clear();
  session.commit();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"users\""));
  EXPECT_EQ(addresses(), (Rows{{"1", "NULL", "home"}, {"2", "NULL", "work"}}));
}

TEST_P(DatabaseCascadeTest, ChildInTheSessionReadsNullAfterTheDatabaseSetsNull) {
  // SQLAlchemy would show the stale user_id until the object expires; Relate has no
  // expiry (see README), so it brings the child in line with the row.
  const auto md = create(accounts({.on_delete = relate::set_null, .passive_deletes = "on"}));
  seed();
  relate::Session session(engine, md);
  auto home = session.get<Address>(1);
  session.remove(session.get<User>(1));
  session.flush();
  EXPECT_EQ(home->user_id, std::nullopt);
  EXPECT_EQ(home.state()->status(), relate::ObjectStatus::persistent);
}

TEST_P(DatabaseCascadeTest, ChildNulledByTheDatabaseNeedsNoUpdateAtTheNextFlush) {
  const auto md = create(accounts({.on_delete = relate::set_null, .passive_deletes = "on"}));
  seed();
  relate::Session session(engine, md);
  auto home = session.get<Address>(1);
  session.remove(session.get<User>(1));
  session.flush();
  clear();
  session.flush();
  EXPECT_TRUE(statements.empty()) << ::testing::PrintToString(statements);
  home->email = "changed";
  session.commit();
  EXPECT_EQ(addresses(), (Rows{{"1", "NULL", "changed"}, {"2", "NULL", "work"}}));
}

TEST_P(DatabaseCascadeTest, OnDeleteSetDefaultMovesChildrenToTheDefault) {
  const auto md = create_with_set_default(
      accounts({.on_delete = relate::set_default, .passive_deletes = "all", .user_id_default = 2}));
  if (!md) return;
  seed();
  relate::Session session(engine, *md);
  session.remove(session.get<User>(1));
  session.commit();
  EXPECT_EQ(addresses(), (Rows{{"1", "2", "home"}, {"2", "2", "work"}}));
  EXPECT_EQ(users(), (Rows{{"2", "Bob"}}));
}

// ---- passive_deletes("all") with ON DELETE RESTRICT / NO ACTION ----

TEST_P(DatabaseCascadeTest, RestrictUnderPassiveDeletesAllRaisesIntegrityError) {
  const auto md = create(accounts({.on_delete = relate::restrict, .passive_deletes = "all"}));
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  clear();
  EXPECT_THROW(session.flush(), relate::IntegrityError);
  // The ORM neither loaded nor nulled the addresses: the DELETE itself was refused.
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"users\""));
}

TEST_P(DatabaseCascadeTest, RollbackAfterARestrictedDeleteLeavesRowsAndObjectsIntact) {
  const auto md = create(accounts({.on_delete = relate::restrict, .passive_deletes = "all"}));
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<User>(1);
  ASSERT_EQ(ann->addresses.size(), 2u);
  auto home = ann->addresses[0];
  session.remove(ann);
  EXPECT_THROW(session.commit(), relate::IntegrityError);
  EXPECT_THROW(session.flush(), relate::PendingRollbackError);
  session.rollback();

  EXPECT_EQ(users(), (Rows{{"1", "Ann"}, {"2", "Bob"}}));
  EXPECT_EQ(addresses(), (Rows{{"1", "1", "home"}, {"2", "1", "work"}}));
  EXPECT_EQ(ann.state()->status(), relate::ObjectStatus::persistent);
  EXPECT_EQ(home.state()->status(), relate::ObjectStatus::persistent);
  EXPECT_EQ(ann->name, "Ann");
  EXPECT_EQ(home->user_id, 1);
  EXPECT_EQ(raw(home->user), raw(ann));
  EXPECT_EQ(ann->addresses.size(), 2u);
  EXPECT_EQ(raw(session.get<User>(1)), raw(ann));

  ann->name = "Anna";
  ASSERT_NO_THROW(session.commit());
  EXPECT_EQ(users(), (Rows{{"1", "Anna"}, {"2", "Bob"}}));
}

TEST_P(DatabaseCascadeTest, NoActionUnderPassiveDeletesAllRaisesIntegrityErrorToo) {
  const auto md = create(accounts({.on_delete = relate::no_action, .passive_deletes = "all"}));
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  EXPECT_THROW(session.commit(), relate::IntegrityError);
  session.rollback();
  EXPECT_EQ(count_rows("users"), 2);
  EXPECT_EQ(count_rows("addresses"), 2);
}

TEST_P(DatabaseCascadeTest, RestrictWithoutPassiveDeletesIsAvoidedByNullingChildrenFirst) {
  const auto md = create(accounts({.on_delete = relate::restrict}));
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<User>(1));
  EXPECT_NO_THROW(session.commit());
  EXPECT_EQ(addresses(), (Rows{{"1", "NULL", "home"}, {"2", "NULL", "work"}}));
  EXPECT_EQ(users(), (Rows{{"2", "Bob"}}));
}

RELATE_ON_EVERY_BACKEND(DatabaseCascadeTest);

}  // namespace
}  // namespace database_cascade_test
