// The association table of a many-to-many (SQLAlchemy's `secondary`): generated when
// no table of that name is declared (student_id and course_id, both in the primary key,
// a foreign key to each side, ON DELETE from secondary_on_delete), used as is when it
// is declared; and the mapping mistakes around it.
#include "test_support.hpp"

namespace many_to_many_schema_test {

struct Course;

struct Student {
  std::int64_t id = 0;
  std::string name;
  relate::many<Course> courses;
};

struct Course {
  std::int64_t id = 0;
  std::string title;
  relate::many<Student> students;
};

namespace {

using relate_test::Rows;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// No action given: the generated foreign keys carry no ON DELETE clause.
relate::MetaData school(std::optional<relate::ReferentialAction> secondary_on_delete = {}) {
  relate::MetaData md;
  auto students = md.table<Student>("students", relate::primary_key(&Student::id))
                      .table<Course>("courses", relate::primary_key(&Course::id))
                      .relationship(&Student::courses, &Course::students)
                      .secondary("enrollments");
  if (secondary_on_delete) students.secondary_on_delete(*secondary_on_delete);
  return md;
}

std::string id_text(std::int64_t id) { return std::to_string(id); }

class ManyToManySchemaTest : public relate_test::DatabaseTest {
 protected:
  // Ann (1) takes Math (1) and Art (2); Bob (2) takes Math.
  void seed() {
    exec_raw(
        "INSERT INTO students (id, name) VALUES (1, 'Ann'), (2, 'Bob'); "
        "INSERT INTO courses (id, title) VALUES (1, 'Math'), (2, 'Art'); "
        "INSERT INTO enrollments (student_id, course_id) VALUES (1, 1), (1, 2), (2, 1);");
    clear();
  }

  Rows enrollments() const {
    return rows("SELECT student_id, course_id FROM enrollments ORDER BY student_id, course_id");
  }
};

// ---- the generated association table ----

TEST_P(ManyToManySchemaTest, GeneratedAssociationTableHasOneColumnPerSideNamedForTheModel) {
  create(school());
  EXPECT_EQ(column_names("enrollments"), (std::vector<std::string>{"student_id", "course_id"}));
  EXPECT_EQ(primary_key_columns("enrollments"),
            (std::vector<std::string>{"student_id", "course_id"}));
  EXPECT_THAT(schema_sql("enrollments"), HasSubstr("PRIMARY KEY (\"student_id\", \"course_id\")"));
}

TEST_P(ManyToManySchemaTest, GeneratedAssociationTableHasAForeignKeyToEachSideWithNoAction) {
  create(school());
  const std::string none = no_action_in_catalog();
  EXPECT_EQ(foreign_keys("enrollments"),
            (std::vector<ForeignKey>{{"course_id", "courses", "id", none, none},
                                     {"student_id", "students", "id", none, none}}));
  EXPECT_THAT(schema_sql("enrollments"), Not(HasSubstr("ON DELETE")));
}

TEST_P(ManyToManySchemaTest, GeneratedAssociationTableIsCreatedAfterBothSides) {
  engine.create_all(school());
  const auto creates = statements_starting_with("CREATE TABLE");
  ASSERT_EQ(creates.size(), 3u);
  EXPECT_THAT(creates[2], StartsWith("CREATE TABLE \"enrollments\""));
}

TEST_P(ManyToManySchemaTest, SecondaryOnDeleteCascadeIsOnBothGeneratedForeignKeys) {
  create(school(relate::cascade));
  const auto keys = foreign_keys("enrollments");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].referred_table, "courses");
  EXPECT_EQ(keys[0].on_delete, "CASCADE");
  EXPECT_EQ(keys[1].referred_table, "students");
  EXPECT_EQ(keys[1].on_delete, "CASCADE");
  seed();
  exec_raw("DELETE FROM students WHERE id = 1;");
  EXPECT_EQ(enrollments(), (Rows{{"2", "1"}}));
}

TEST_P(ManyToManySchemaTest, DeclaredAssociationTableIsUsedAsIs) {
  relate::MetaData md;
  md.table<Student>("students", relate::primary_key(&Student::id))
      .table<Course>("courses", relate::primary_key(&Course::id));
  relate::Table& table = md.add_table("enrollments");
  relate::Column& learner =
      table.add_column("learner", relate::ColumnType::big_integer).set_primary_key();
  relate::Column& lesson =
      table.add_column("lesson", relate::ColumnType::big_integer).set_primary_key();
  table.add_column("note", relate::ColumnType::text);
  const relate::Table& students = md.get_table("students");
  const relate::Table& courses = md.get_table("courses");
  table.add_foreign_key({&learner}, students, {&students.column("id")}, relate::cascade);
  table.add_foreign_key({&lesson}, courses, {&courses.column("id")});
  md.relationship(&Student::courses, &Course::students).secondary("enrollments");
  create(md);
  EXPECT_EQ(column_names("enrollments"), (std::vector<std::string>{"learner", "lesson", "note"}));

  relate::Session session(engine, md);
  auto ann = session.add(Student{.name = "Ann"});
  auto math = ann->courses.add(Course{.title = "Math"});
  session.commit();
  EXPECT_EQ(rows("SELECT learner, lesson, note FROM enrollments"),
            (Rows{{id_text(ann->id), id_text(math->id), "NULL"}}));
}

// ---- mapping mistakes ----

using relate_test::configure_error;

TEST(ManyToManyMapping, ManyToManyWithoutSecondaryIsAMappingErrorSuggestingIt) {
  relate::MetaData md;
  md.table<Student>("students", relate::primary_key(&Student::id))
      .table<Course>("courses", relate::primary_key(&Course::id))
      .relationship(&Student::courses, &Course::students);
  EXPECT_THAT(configure_error(md),
              ::testing::AllOf(HasSubstr("Student::courses"), HasSubstr("secondary")));
}

TEST(ManyToManyMapping, DeclaredAssociationTableWithoutAForeignKeyToOneSideNamesIt) {
  relate::MetaData md;
  md.table<Student>("students", relate::primary_key(&Student::id))
      .table<Course>("courses", relate::primary_key(&Course::id));
  relate::Table& table = md.add_table("enrollments");
  relate::Column& student =
      table.add_column("student_id", relate::ColumnType::big_integer).set_primary_key();
  table.add_column("course_id", relate::ColumnType::big_integer).set_primary_key();
  const relate::Table& students = md.get_table("students");
  table.add_foreign_key({&student}, students, {&students.column("id")});
  md.relationship(&Student::courses, &Course::students).secondary("enrollments");
  EXPECT_THAT(configure_error(md), ::testing::AllOf(HasSubstr("enrollments"), HasSubstr("courses"),
                                                    HasSubstr("Student::courses")));
}

RELATE_ON_EVERY_BACKEND(ManyToManySchemaTest);

}  // namespace
}  // namespace many_to_many_schema_test
