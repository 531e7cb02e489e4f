// Cascades that make no sense for a relationship's kind are MappingErrors at start-up,
// naming the relationship, as SQLAlchemy's ArgumentErrors do: delete-orphan on the
// "many" side of a many-to-one (including a one-to-one's child side and a tree's parent
// reference) or on a many-to-many; passive_deletes("all") together with a delete
// cascade; an unknown cascade word. (The plain one-to-many cases are in errors_test.)
#include "test_support.hpp"

namespace cascade_validation_test {

struct Course;
struct Student {
  std::int64_t id = 0;
  relate::many<Course> courses;
};
struct Course {
  std::int64_t id = 0;
  relate::many<Student> students;
};

struct Passport;
struct Person {
  std::int64_t id = 0;
  relate::one<Passport> passport;
};
struct Passport {
  std::int64_t id = 0;
  std::optional<std::int64_t> person_id;
  relate::one<Person> person;
};

struct Node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  relate::one<Node> parent;
  relate::many<Node> children;
};

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// The message of the MappingError that configure() throws, or "" if none.
using relate_test::configure_error;

// The configured relationship of `mapper` declared on `member`.
const relate::RelationshipProperty& relationship_named(const relate::Mapper& mapper,
                                                       std::string_view member) {
  for (const relate::RelationshipProperty* rel : mapper.relationships()) {
    if (rel->member() == member) return *rel;
  }
  throw std::logic_error("no relationship " + std::string(member));
}

relate::MetaData school_tables() {
  relate::MetaData md;
  md.table<Student>("students", relate::primary_key(&Student::id))
      .table<Course>("courses", relate::primary_key(&Course::id));
  return md;
}

relate::MetaData registry_tables() {
  relate::MetaData md;
  md.table<Person>("people", relate::primary_key(&Person::id))
      .table<Passport>("passports", relate::primary_key(&Passport::id),
                       relate::unique(&Passport::person_id),
                       relate::foreign_key(&Passport::person_id, &Person::id));
  return md;
}

relate::MetaData tree_tables() {
  relate::MetaData md;
  md.table<Node>("nodes", relate::primary_key(&Node::id),
                 relate::foreign_key(&Node::parent_id, &Node::id));
  return md;
}

// ---- delete-orphan where an object may have several parents ----

TEST(CascadeValidation, DeleteOrphanOnAManyToManyNamesTheRelationship) {
  relate::MetaData md = school_tables();
  md.relationship(&Student::courses, &Course::students)
      .secondary("enrollments")
      .cascade("all, delete-orphan");
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("Student::courses"), HasSubstr("delete-orphan"),
                                         HasSubstr("many-to-many")));
}

TEST(CascadeValidation, DeleteOrphanOnTheChildSideOfAOneToOneNamesTheRelationship) {
  relate::MetaData md = registry_tables();
  md.relationship(&Passport::person, &Person::passport).cascade("all, delete-orphan");
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("Passport::person"), HasSubstr("delete-orphan"),
                                         HasSubstr("many-to-one")));
}

TEST(CascadeValidation, DeleteOrphanOnTheParentReferenceOfATreeNamesTheRelationship) {
  relate::MetaData md = tree_tables();
  md.relationship(&Node::parent, &Node::children).cascade("all, delete-orphan");
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("Node::parent"), HasSubstr("delete-orphan")));
}

TEST(CascadeValidation, FailedConfigurationCannotBeUsedBySession) {
  relate::MetaData md = school_tables();
  md.relationship(&Student::courses, &Course::students)
      .secondary("enrollments")
      .cascade("delete-orphan");
  auto engine = relate::create_engine("sqlite://:memory:");
  EXPECT_THROW(relate::Session session(engine, md), relate::MappingError);
}

// ---- the same cascades where they do make sense ----

TEST(CascadeValidation, DeleteOrphanOnTheParentSideOfAOneToOneIsAccepted) {
  relate::MetaData md = registry_tables();
  md.relationship(&Person::passport, &Passport::person).cascade("all, delete-orphan");
  EXPECT_EQ(configure_error(md), "");
}

TEST(CascadeValidation, DeleteOrphanOnTheChildrenOfATreeIsAccepted) {
  relate::MetaData md = tree_tables();
  md.relationship(&Node::children, &Node::parent).cascade("all, delete-orphan");
  EXPECT_EQ(configure_error(md), "");
}

TEST(CascadeValidation, DeleteWithoutDeleteOrphanIsAcceptedOnAManyToMany) {
  relate::MetaData md = school_tables();
  md.relationship(&Student::courses, &Course::students).secondary("enrollments").cascade("all");
  EXPECT_EQ(configure_error(md), "");
}

TEST(CascadeValidation, CascadeWordsNeedNoSpaceAfterTheComma) {
  relate::MetaData md = registry_tables();
  md.relationship(&Person::passport, &Passport::person).cascade("save-update,merge,delete");
  EXPECT_EQ(configure_error(md), "");
  const relate::CascadeOptions& cascade =
      relationship_named(md.mapper<Person>(), "passport").cascade();
  EXPECT_TRUE(cascade.save_update);
  EXPECT_TRUE(cascade.merge);
  EXPECT_TRUE(cascade.delete_);
  EXPECT_FALSE(cascade.delete_orphan);
}

// ---- unknown words, conflicting options ----

TEST(CascadeValidation, UnknownCascadeWordOnAManyToManyNamesTheWordAndTheRelationship) {
  relate::MetaData md = school_tables();
  md.relationship(&Student::courses, &Course::students)
      .secondary("enrollments")
      .cascade("save-update, refresh");
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("'refresh'"), HasSubstr("Student::courses")));
}

TEST(CascadeValidation, UnknownCascadeWordOnABackrefNamesTheRelationship) {
  relate::MetaData md = registry_tables();
  md.relationship(&Person::passport).backref(&Passport::person).cascade("all, orphan");
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("'orphan'"), HasSubstr("Person::passport")));
}

TEST(CascadeValidation, PassiveDeletesAllWithDeleteCascadeNamesTheRelationship) {
  // SQLAlchemy: "can't set passive_deletes='all' in conjunction with 'delete' or
  // 'delete-orphan' cascade".
  relate::MetaData md = registry_tables();
  md.relationship(&Person::passport, &Passport::person).cascade("all").passive_deletes("all");
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("Person::passport"),
                                         HasSubstr("passive_deletes"), HasSubstr("delete")));
}

TEST(CascadeValidation, PassiveDeletesAllWithDeleteOrphanNamesTheRelationship) {
  relate::MetaData md = tree_tables();
  md.relationship(&Node::children, &Node::parent)
      .cascade("all, delete-orphan")
      .passive_deletes("all");
  EXPECT_THAT(configure_error(md),
              AllOf(HasSubstr("Node::children"), HasSubstr("passive_deletes")));
}

TEST(CascadeValidation, PassiveDeletesAllWithTheDefaultCascadeIsAccepted) {
  relate::MetaData md = tree_tables();
  md.relationship(&Node::children, &Node::parent).passive_deletes("all");
  EXPECT_EQ(configure_error(md), "");
}

TEST(CascadeValidation, PassiveDeletesAllSelectsTheAllMode) {
  relate::MetaData md = tree_tables();
  md.relationship(&Node::children, &Node::parent).passive_deletes("all");
  md.configure();
  const relate::RelationshipProperty& children = relationship_named(md.mapper<Node>(), "children");
  EXPECT_EQ(children.passive_deletes(), relate::PassiveDeletes::all);
}

TEST(CascadeValidation, UnknownPassiveDeletesModeNamesTheRelationship) {
  relate::MetaData md = tree_tables();
  try {
    md.relationship(&Node::children, &Node::parent).passive_deletes("always");
    md.configure();
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("always"), HasSubstr("Node::children")));
  }
}

}  // namespace
}  // namespace cascade_validation_test
