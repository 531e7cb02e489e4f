// One-to-one: Person.passport is a one<Passport> on the referenced side (SQLAlchemy's
// uselist=False) and Passport.person the many-to-one holding a unique foreign key.
// Replacing a person's passport nulls the old passport's key by default, or deletes
// the old passport with "all, delete-orphan"; two passport rows for one person are an
// error on access, never a silent pick.
#include "test_support.hpp"

namespace one_to_one_test {

struct Passport;

struct Person {
  std::int64_t id = 0;
  std::string name;
  relate::one<Passport> passport;
};

struct Passport {
  std::int64_t id = 0;
  std::optional<std::int64_t> person_id;
  std::string number;
  relate::one<Person> person;
};

namespace {

using relate_test::raw;
using relate_test::Rows;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Options {
  std::string cascade = "save-update, merge";
  bool unique_person = true;
};

relate::MetaData registry(const Options& o = {}) {
  relate::MetaData md;
  md.table<Person>("people", relate::primary_key(&Person::id));
  if (o.unique_person) {
    md.table<Passport>("passports", relate::primary_key(&Passport::id),
                       relate::unique(&Passport::person_id),
                       relate::foreign_key(&Passport::person_id, &Person::id));
  } else {
    md.table<Passport>("passports", relate::primary_key(&Passport::id),
                       relate::foreign_key(&Passport::person_id, &Person::id));
  }
  md.relationship(&Person::passport, &Passport::person).cascade(o.cascade);
  return md;
}

Options delete_orphan() { return Options{.cascade = "all, delete-orphan"}; }

class OneToOneTest : public relate_test::DatabaseTest {
 protected:
  // Ann (1) holds passport P1 (1); Bob (2) has none.
  void seed() {
    exec_raw(
        "INSERT INTO people (id, name) VALUES (1, 'Ann'), (2, 'Bob'); "
        "INSERT INTO passports (id, person_id, number) VALUES (1, 1, 'P1');");
    clear();
  }

  Rows passports() const { return rows("SELECT id, person_id, number FROM passports ORDER BY id"); }
};

// ---- mapping and in-memory sync ----

TEST_P(OneToOneTest, ParentSideIsAScalarOneToMany) {
  const auto md = registry();
  md.configure();
  const relate::Mapper& person = md.mapper<Person>();
  ASSERT_EQ(person.relationships().size(), 1u);
  const relate::RelationshipProperty& passport = *person.relationships()[0];
  EXPECT_EQ(passport.direction(), relate::RelationshipDirection::one_to_many);
  EXPECT_FALSE(passport.uselist());
  ASSERT_NE(passport.back_populates(), nullptr);
  EXPECT_EQ(passport.back_populates()->direction(), relate::RelationshipDirection::many_to_one);
}

TEST_P(OneToOneTest, UniqueForeignKeyIsInTheStoredDdl) {
  create(registry());
  EXPECT_THAT(schema_sql("passports"), HasSubstr("UNIQUE (\"person_id\")"));
}

TEST_P(OneToOneTest, SettingThePassportSetsItsPersonImmediately) {
  const auto md = create(registry());
  relate::Session session(engine, md);
  auto ann = session.add(Person{.name = "Ann"});
  auto p1 = session.add(Passport{.number = "P1"});
  ann->passport = p1;
  EXPECT_EQ(raw(p1->person), raw(ann));
  EXPECT_TRUE(statements.empty());
}

TEST_P(OneToOneTest, SettingThePersonSetsItsPassportImmediately) {
  const auto md = create(registry());
  relate::Session session(engine, md);
  auto ann = session.add(Person{.name = "Ann"});
  auto p1 = session.add(Passport{.number = "P1"});
  p1->person = ann;
  EXPECT_EQ(raw(ann->passport), raw(p1));
}

TEST_P(OneToOneTest, MovingAPassportToAnotherPersonClearsTheFirstPersonsPassport) {
  // SQLAlchemy 1.4 leaves ann.passport pointing at the moved passport until it expires;
  // Relate keeps both sides in sync at once.
  const auto md = create(registry());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto bob = session.get<Person>(2);
  auto p1 = ann->passport.get();
  ASSERT_TRUE(p1);
  bob->passport = p1;
  EXPECT_EQ(raw(p1->person), raw(bob));
  EXPECT_EQ(raw(ann->passport), nullptr);
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("UPDATE \"passports\""), 1u);
  EXPECT_EQ(passports(), (Rows{{"1", "2", "P1"}}));
}

// ---- flush ----

TEST_P(OneToOneTest, FlushInsertsThePersonFirstAndWritesTheForeignKeyOnThePassport) {
  const auto md = create(registry());
  relate::Session session(engine, md);
  auto p1 = session.add(Passport{.number = "P1"});
  auto ann = session.add(Person{.name = "Ann", .passport = p1});
  session.flush();
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], StartsWith("INSERT INTO \"people\""));
  EXPECT_THAT(statements[1], StartsWith("INSERT INTO \"passports\""));
  EXPECT_EQ(p1->person_id, ann->id);
  session.commit();
  EXPECT_EQ(passports(), (Rows{{std::to_string(p1->id), std::to_string(ann->id), "P1"}}));
}

// ---- loading ----

TEST_P(OneToOneTest, LoadingThePassportIsOneSelect) {
  const auto md = create(registry());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  clear();
  ASSERT_TRUE(ann->passport);
  EXPECT_EQ(ann->passport->number, "P1");
  EXPECT_EQ(raw(ann->passport->person), raw(ann));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(OneToOneTest, PersonWithoutAPassportReadsNullAfterOneSelect) {
  const auto md = create(registry());
  seed();
  relate::Session session(engine, md);
  auto bob = session.get<Person>(2);
  clear();
  EXPECT_FALSE(bob->passport);
  EXPECT_TRUE(bob->passport == nullptr);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(OneToOneTest, TwoPassportRowsForOnePersonIsMultipleResultsFound) {
  const auto md = create(registry(Options{.unique_person = false}));
  seed();
  exec_raw("INSERT INTO passports (id, person_id, number) VALUES (2, 1, 'P2');");
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  try {
    static_cast<void>(ann->passport.get());
    FAIL() << "expected relate::MultipleResultsFound";
  } catch (const relate::MultipleResultsFound& e) {
    EXPECT_THAT(e.what(), HasSubstr("passport"));
  }
}

// ---- replacing, clearing, deleting: default cascade ----

TEST_P(OneToOneTest, ReplacingThePassportNullsTheOldPassportsForeignKey) {
  const auto md = create(registry());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto old = ann->passport.get();
  ann->passport = relate::make(Passport{.number = "P2"});
  EXPECT_EQ(raw(old->person), nullptr);
  clear();
  session.flush();
  // The old passport lets go of the unique key before the new one takes it.
  ASSERT_EQ(statements.size(), 2u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("UPDATE \"passports\" SET \"person_id\" = ?"));
  EXPECT_THAT(statements[1], StartsWith("INSERT INTO \"passports\""));
  EXPECT_EQ(old->person_id, std::nullopt);
  EXPECT_EQ(old.state()->status(), relate::ObjectStatus::persistent);
  session.commit();
  EXPECT_EQ(passports(), (Rows{{"1", "NULL", "P1"}, {"2", "1", "P2"}}));
}

TEST_P(OneToOneTest, ClearingThePassportNullsItsForeignKey) {
  const auto md = create(registry());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto p1 = ann->passport.get();
  ann->passport = nullptr;
  EXPECT_EQ(raw(p1->person), nullptr);
  session.commit();
  EXPECT_EQ(passports(), (Rows{{"1", "NULL", "P1"}}));
  EXPECT_EQ(p1->person_id, std::nullopt);
}

TEST_P(OneToOneTest, DeletingThePersonNullsThePassportsForeignKey) {
  const auto md = create(registry());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto p1 = ann->passport.get();
  session.remove(ann);
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("UPDATE \"passports\" SET \"person_id\" = ?"), 1u);
  EXPECT_EQ(count_starting_with("DELETE FROM \"people\""), 1u);
  EXPECT_EQ(passports(), (Rows{{"1", "NULL", "P1"}}));
  EXPECT_EQ(p1->person_id, std::nullopt);
  EXPECT_EQ(rows("SELECT name FROM people"), (Rows{{"Bob"}}));
}

TEST_P(OneToOneTest, DeletingThePersonLoadsAnUnloadedPassportToNullIt) {
  const auto md = create(registry());
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<Person>(1));
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("SELECT"), 1u);
  EXPECT_EQ(passports(), (Rows{{"1", "NULL", "P1"}}));
}

// ---- replacing, clearing, deleting: all, delete-orphan ----

TEST_P(OneToOneTest, ReplacingThePassportWithDeleteOrphanDeletesTheOldPassport) {
  // SQLAlchemy 1.4 inserts the new row before deleting the old one, which fails on the
  // unique person_id; Relate deletes the orphan first.
  const auto md = create(registry(delete_orphan()));
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto old = ann->passport.get();
  auto p2 = relate::make(Passport{.number = "P2"});
  ann->passport = p2;
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 2u) << ::testing::PrintToString(statements);
  EXPECT_EQ(count_starting_with("DELETE FROM \"passports\""), 1u);
  EXPECT_EQ(count_starting_with("INSERT INTO \"passports\""), 1u);
  EXPECT_EQ(old.state()->status(), relate::ObjectStatus::deleted);
  EXPECT_EQ(raw(ann->passport), raw(p2));
  session.commit();
  // (SQLite may hand the freed rowid 1 to the new row: only the contents matter.)
  EXPECT_EQ(passports(), (Rows{{std::to_string(p2->id), "1", "P2"}}));
}

TEST_P(OneToOneTest, ClearingThePassportWithDeleteOrphanDeletesIt) {
  const auto md = create(registry(delete_orphan()));
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto p1 = ann->passport.get();
  ann->passport = nullptr;
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"passports\""));
  EXPECT_EQ(p1.state()->status(), relate::ObjectStatus::deleted);
  session.commit();
  EXPECT_EQ(count_rows("passports"), 0);
  EXPECT_EQ(count_rows("people"), 2);
}

TEST_P(OneToOneTest, DeletingThePersonWithDeleteCascadeDeletesThePassportFirst) {
  const auto md = create(registry(delete_orphan()));
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto p1 = ann->passport.get();
  session.remove(ann);
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 2u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"passports\""));
  EXPECT_THAT(statements[1], StartsWith("DELETE FROM \"people\""));
  EXPECT_EQ(p1.state()->status(), relate::ObjectStatus::deleted);
  session.commit();
  EXPECT_EQ(count_rows("passports"), 0);
  EXPECT_EQ(rows("SELECT name FROM people"), (Rows{{"Bob"}}));
}

TEST_P(OneToOneTest, MovingAPassportWithDeleteOrphanIsNotAnOrphan) {
  const auto md = create(registry(delete_orphan()));
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Person>(1);
  auto bob = session.get<Person>(2);
  bob->passport = ann->passport.get();
  session.commit();
  EXPECT_EQ(passports(), (Rows{{"1", "2", "P1"}}));
}

RELATE_ON_EVERY_BACKEND(OneToOneTest);

}  // namespace
}  // namespace one_to_one_test
