// Many-to-many through an association table that has no model (SQLAlchemy's
// `secondary`): Student.courses / Course.students. Appending or removing on either side
// inserts or deletes association rows at flush, after both ends are inserted and before
// either end is deleted; deleting an object deletes its association rows with one
// statement per relationship. (The table itself: many_to_many_schema_test.cpp.)
#include "test_support.hpp"

namespace many_to_many_test {

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

using relate_test::raw;
using relate_test::Rows;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

// Students and courses with a generated "enrollments" table; Student.courses loads in
// title order.
relate::MetaData school(relate::ReferentialAction secondary_on_delete = relate::no_action) {
  relate::MetaData md;
  md.table<Student>("students", relate::primary_key(&Student::id))
      .table<Course>("courses", relate::primary_key(&Course::id))
      .relationship(&Student::courses, &Course::students)
      .secondary("enrollments")
      .secondary_on_delete(secondary_on_delete)
      .order_by(&Course::title);
  return md;
}

std::vector<std::string> titles(const relate::many<Course>& courses) {
  std::vector<std::string> out;
  for (const auto& c : courses) out.push_back(c->title);
  return out;
}

std::vector<std::string> names(const relate::many<Student>& students) {
  std::vector<std::string> out;
  for (const auto& s : students) out.push_back(s->name);
  return out;
}

std::string id_text(std::int64_t id) { return std::to_string(id); }

class ManyToManyTest : public relate_test::DatabaseTest {
 protected:
  // Ann (1) takes Math (1) and Art (2); Bob (2) takes Math; nobody takes Music (3).
  void seed() {
    exec_raw(
        "INSERT INTO students (id, name) VALUES (1, 'Ann'), (2, 'Bob'); "
        "INSERT INTO courses (id, title) VALUES (1, 'Math'), (2, 'Art'), (3, 'Music'); "
        "INSERT INTO enrollments (student_id, course_id) VALUES (1, 1), (1, 2), (2, 1);");
    clear();
  }

  Rows enrollments() const {
    return rows("SELECT student_id, course_id FROM enrollments ORDER BY student_id, course_id");
  }

  // Position of the first statement starting with `prefix`, or statements.size().
  std::size_t first_index(std::string_view prefix) const {
    for (std::size_t i = 0; i < statements.size(); ++i) {
      if (statements[i].rfind(prefix, 0) == 0) return i;
    }
    return statements.size();
  }
  std::size_t last_index(std::string_view prefix) const {
    std::size_t found = statements.size();
    for (std::size_t i = 0; i < statements.size(); ++i) {
      if (statements[i].rfind(prefix, 0) == 0) found = i;
    }
    return found;
  }
};

// ---- enrolling ----

TEST_P(ManyToManyTest, AppendingUpdatesTheOtherSideInMemoryBeforeAnyFlush) {
  const auto md = create(school());
  relate::Session session(engine, md);
  auto ann = session.add(Student{.name = "Ann"});
  auto math = session.add(Course{.title = "Math"});
  ann->courses.push_back(math);
  EXPECT_TRUE(math->students.contains(ann));
  auto art = session.add(Course{.title = "Art"});
  art->students.push_back(ann);
  EXPECT_TRUE(ann->courses.contains(art));
  EXPECT_TRUE(statements.empty());
}

TEST_P(ManyToManyTest, RemovingUpdatesTheOtherSideInMemoryBeforeAnyFlush) {
  const auto md = create(school());
  relate::Session session(engine, md);
  auto ann = session.add(Student{.name = "Ann"});
  auto math = ann->courses.add(Course{.title = "Math"});
  math->students.remove(ann);
  EXPECT_TRUE(ann->courses.empty());
  EXPECT_TRUE(math->students.empty());
}

TEST_P(ManyToManyTest, AssociationRowIsInsertedAfterBothEnds) {
  const auto md = create(school());
  relate::Session session(engine, md);
  // The course is added first and the student second; the row linking them comes last.
  auto math = session.add(Course{.title = "Math"});
  auto ann = session.add(Student{.name = "Ann"});
  ann->courses.push_back(math);
  session.flush();
  ASSERT_EQ(statements.size(), 3u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("INSERT INTO"));
  EXPECT_THAT(statements[1], StartsWith("INSERT INTO"));
  EXPECT_THAT(statements[2], StartsWith("INSERT INTO \"enrollments\""));
  EXPECT_NE(ann->id, 0);
  EXPECT_NE(math->id, 0);
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{id_text(ann->id), id_text(math->id)}}));
}

TEST_P(ManyToManyTest, AddingAStudentBuiltWithCoursesAddsTheCoursesAndTheirRows) {
  const auto md = create(school());
  relate::Session session(engine, md);
  auto cy = session.add(
      Student{.name = "Cy", .courses = {Course{.title = "Art"}, Course{.title = "Math"}}});
  session.flush();
  EXPECT_EQ(count_starting_with("INSERT INTO \"students\""), 1u);
  EXPECT_EQ(count_starting_with("INSERT INTO \"courses\""), 1u);  // both, keys generated
  // Both links in one multi-row INSERT, after both ends exist.
  ASSERT_EQ(count_starting_with("INSERT INTO \"enrollments\""), 1u);
  EXPECT_THAT(statements_starting_with("INSERT INTO \"enrollments\"")[0],
              HasSubstr("VALUES (?, ?), (?, ?)"));
  EXPECT_EQ(first_index("INSERT INTO \"enrollments\""), 2u) << ::testing::PrintToString(statements);
  session.commit();
  EXPECT_EQ(rows("SELECT s.name, c.title FROM enrollments e JOIN students s ON s.id = e.student_id "
                 "JOIN courses c ON c.id = e.course_id ORDER BY c.title"),
            (Rows{{"Cy", "Art"}, {"Cy", "Math"}}));
  for (const auto& course : cy->courses) EXPECT_TRUE(course->students.contains(cy));
}

TEST_P(ManyToManyTest, EnrollingAPersistentStudentInAPersistentCourseIsOneInsert) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  auto music = session.get<Course>(3);
  ASSERT_EQ(ann->courses.size(), 2u);
  clear();
  ann->courses.push_back(music);
  EXPECT_TRUE(statements.empty()) << "music->students is not loaded to back-populate it";
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("INSERT INTO \"enrollments\""));
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"1", "1"}, {"1", "2"}, {"1", "3"}, {"2", "1"}}));
  EXPECT_THAT(names(music->students), ElementsAre("Ann"));
}

TEST_P(ManyToManyTest, EnrollingFromTheCourseSideWritesTheSameRow) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto bob = session.get<Student>(2);
  auto art = session.get<Course>(2);
  art->students.push_back(bob);
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"1", "1"}, {"1", "2"}, {"2", "1"}, {"2", "2"}}));
  EXPECT_THAT(titles(bob->courses), ElementsAre("Art", "Math"));
}

TEST_P(ManyToManyTest, EnrollingAndUnenrollingBeforeTheFlushWritesNothing) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  auto music = session.get<Course>(3);
  ann->courses.push_back(music);
  ann->courses.remove(music);
  clear();
  session.flush();
  EXPECT_TRUE(statements.empty()) << ::testing::PrintToString(statements);
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"1", "1"}, {"1", "2"}, {"2", "1"}}));
}

TEST_P(ManyToManyTest, RollbackUndoesAFlushedEnrollment) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  ann->courses.push_back(session.get<Course>(3));
  session.flush();
  session.rollback();
  EXPECT_EQ(enrollments(), (Rows{{"1", "1"}, {"1", "2"}, {"2", "1"}}));
  EXPECT_THAT(titles(ann->courses), ElementsAre("Art", "Math"));
}

// A new student's links are not in the transaction's link journal (the student
// writes every link it holds when it is added again): after a rollback, adding it
// again writes each of its rows once.
TEST_P(ManyToManyTest, ANewStudentAddedAgainAfterARollbackWritesItsEnrollmentsOnce) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto music = session.get<Course>(3);
  EXPECT_TRUE(names(music->students).empty());
  auto cy = session.add(Student{.name = "Cy"});
  cy->courses.push_back(music);
  cy->courses.push_back(session.get<Course>(1));
  session.flush();
  session.rollback();
  EXPECT_EQ(enrollments(), (Rows{{"1", "1"}, {"1", "2"}, {"2", "1"}}));
  EXPECT_EQ(cy.state()->status(), relate::ObjectStatus::transient);
  session.add(cy);
  session.commit();
  EXPECT_EQ(rows("SELECT s.name, c.title FROM enrollments e JOIN students s ON s.id = e.student_id "
                 "JOIN courses c ON c.id = e.course_id WHERE s.name = 'Cy' ORDER BY c.title"),
            (Rows{{"Cy", "Math"}, {"Cy", "Music"}}));
  EXPECT_THAT(names(music->students), ElementsAre("Cy"));
}

TEST_P(ManyToManyTest, ANewStudentAddedAgainAfterASavepointRollbackWritesItsEnrollmentsOnce) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto music = session.get<Course>(3);
  relate::ptr<Student> cy;
  {
    auto savepoint = session.begin_nested();
    cy = session.add(Student{.name = "Cy"});
    cy->courses.push_back(music);
    session.flush();
    savepoint.rollback();
  }
  EXPECT_EQ(cy.state()->status(), relate::ObjectStatus::transient);
  session.add(cy);
  session.commit();
  EXPECT_EQ(rows("SELECT s.name, c.title FROM enrollments e JOIN students s ON s.id = e.student_id "
                 "JOIN courses c ON c.id = e.course_id WHERE s.name = 'Cy'"),
            (Rows{{"Cy", "Music"}}));
}

// ---- loading ----

TEST_P(ManyToManyTest, LoadingACollectionIsOneSelectJoiningTheAssociationTable) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  clear();
  EXPECT_THAT(titles(ann->courses), ElementsAre("Art", "Math"));
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], StartsWith("SELECT"));
  EXPECT_THAT(statements[0], HasSubstr("\"enrollments\""));
  EXPECT_THAT(statements[0], HasSubstr("ORDER BY \"courses\".\"title\""));
  EXPECT_THAT(titles(ann->courses), ElementsAre("Art", "Math"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(ManyToManyTest, LoadingTheOtherSideIsOneSelectToo) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto math = session.get<Course>(1);
  clear();
  EXPECT_THAT(names(math->students), UnorderedElementsAre("Ann", "Bob"));
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(ManyToManyTest, LoadedObjectsAreTheIdentityMappedOnes) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  auto math = session.get<Course>(1);
  ASSERT_EQ(ann->courses.size(), 2u);
  EXPECT_EQ(raw(ann->courses[1]), raw(math));
  EXPECT_TRUE(math->students.contains(ann));
}

TEST_P(ManyToManyTest, EmptyCollectionLoadsEmpty) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  EXPECT_TRUE(session.get<Course>(3)->students.empty());
}

// ---- unenrolling ----

TEST_P(ManyToManyTest, RemovingACourseDeletesOnlyThatAssociationRow) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  auto math = session.get<Course>(1);
  ann->courses.remove(math);
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 1u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"enrollments\""));
  EXPECT_THAT(statements[0], HasSubstr("\"student_id\" = ?"));
  EXPECT_THAT(statements[0], HasSubstr("\"course_id\" = ?"));
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"1", "2"}, {"2", "1"}}));
  EXPECT_EQ(count_rows("courses"), 3);
  EXPECT_EQ(count_rows("students"), 2);
  EXPECT_THAT(titles(ann->courses), ElementsAre("Art"));
  EXPECT_THAT(names(math->students), ElementsAre("Bob"));
}

TEST_P(ManyToManyTest, RemovingAStudentFromTheCourseSideDeletesTheSameRow) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto math = session.get<Course>(1);
  auto ann = session.get<Student>(1);
  math->students.remove(ann);
  EXPECT_THAT(titles(ann->courses), ElementsAre("Art"));
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"1", "2"}, {"2", "1"}}));
}

TEST_P(ManyToManyTest, ClearingACollectionDeletesEachOfItsRows) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  ann->courses.clear();
  clear();
  session.commit();
  EXPECT_EQ(count_starting_with("DELETE FROM \"enrollments\""), 2u);
  EXPECT_EQ(enrollments(), (Rows{{"2", "1"}}));
  EXPECT_EQ(count_rows("courses"), 3);
}

// ---- deleting an end ----

TEST_P(ManyToManyTest, DeletingAStudentDeletesItsAssociationRowsBeforeTheStudent) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  session.remove(ann);
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 2u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"enrollments\""));
  EXPECT_THAT(statements[0], HasSubstr("\"student_id\" = ?"));
  EXPECT_THAT(statements[0], Not(HasSubstr("course_id")));
  EXPECT_THAT(statements[1], StartsWith("DELETE FROM \"students\""));
  EXPECT_EQ(ann.state()->status(), relate::ObjectStatus::deleted);
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"2", "1"}}));
  EXPECT_EQ(rows("SELECT name FROM students"), (Rows{{"Bob"}}));
  EXPECT_EQ(count_rows("courses"), 3);
}

TEST_P(ManyToManyTest, DeletingAStudentWithItsCoursesLoadedIsStillOneAssociationDelete) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  ASSERT_EQ(ann->courses.size(), 2u);
  session.remove(ann);
  clear();
  session.flush();
  EXPECT_EQ(statements.size(), 2u) << ::testing::PrintToString(statements);
  EXPECT_EQ(count_starting_with("DELETE FROM \"enrollments\""), 1u);
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"2", "1"}}));
}

TEST_P(ManyToManyTest, DeletingACourseDeletesItsAssociationRowsAndKeepsTheStudents) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  session.remove(session.get<Course>(1));
  clear();
  session.flush();
  ASSERT_EQ(statements.size(), 2u) << ::testing::PrintToString(statements);
  EXPECT_THAT(statements[0], StartsWith("DELETE FROM \"enrollments\""));
  EXPECT_THAT(statements[0], HasSubstr("\"course_id\" = ?"));
  EXPECT_THAT(statements[1], StartsWith("DELETE FROM \"courses\""));
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"1", "2"}}));
  EXPECT_EQ(count_rows("students"), 2);
}

TEST_P(ManyToManyTest, DeletedCourseLeavesTheLoadedCollectionsOfItsStudents) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  ASSERT_THAT(titles(ann->courses), ElementsAre("Art", "Math"));
  session.remove(session.get<Course>(1));
  session.flush();
  EXPECT_THAT(titles(ann->courses), ElementsAre("Art"));
}

TEST_P(ManyToManyTest, EnrollingANewStudentWhileDeletingAnotherOrdersEachRowAroundItsEnds) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto math = session.get<Course>(1);
  session.remove(session.get<Student>(1));
  auto cy = session.add(Student{.name = "Cy"});
  cy->courses.push_back(math);
  clear();
  session.flush();
  EXPECT_LT(first_index("INSERT INTO \"students\""), first_index("INSERT INTO \"enrollments\""))
      << ::testing::PrintToString(statements);
  EXPECT_LT(last_index("DELETE FROM \"enrollments\""), first_index("DELETE FROM \"students\""))
      << ::testing::PrintToString(statements);
  session.commit();
  EXPECT_EQ(enrollments(), (Rows{{"2", "1"}, {id_text(cy->id), "1"}}));
  EXPECT_EQ(rows("SELECT name FROM students ORDER BY id"), (Rows{{"Bob"}, {"Cy"}}));
}

TEST_P(ManyToManyTest, RemovingTheStudentAfterUnenrollingDeletesEachRowOnce) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto ann = session.get<Student>(1);
  ann->courses.remove(session.get<Course>(1));
  session.remove(ann);
  EXPECT_NO_THROW(session.commit());
  EXPECT_EQ(enrollments(), (Rows{{"2", "1"}}));
  EXPECT_EQ(count_rows("students"), 1);
}

// ---- both sides of the pair, each with its own options ----

TEST_P(ManyToManyTest, EachSideOfThePairCanBeDeclaredWithItsOwnOrder) {
  relate::MetaData md = school();
  md.relationship(&Course::students, &Student::courses).order_by(&Student::name, true);
  md = create(std::move(md));
  seed();
  relate::Session session(engine, md);
  EXPECT_THAT(names(session.get<Course>(1)->students), ElementsAre("Bob", "Ann"));
  EXPECT_THAT(titles(session.get<Student>(1)->courses), ElementsAre("Art", "Math"));
}

TEST_P(ManyToManyTest, TheSecondSideCannotNameAnotherAssociationTable) {
  relate::MetaData md = school();
  md.relationship(&Course::students, &Student::courses).secondary("other");
  try {
    md.configure();
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Course::students"));
    EXPECT_THAT(e.what(), HasSubstr("'other'"));
  }
}

TEST_P(ManyToManyTest, DeclaringASideTwiceWithoutItsPairIsAMappingError) {
  relate::MetaData md = school();
  md.relationship(&Course::students);
  EXPECT_THROW(md.configure(), relate::MappingError);
}

TEST_P(ManyToManyTest, RemovingALinkToAnObjectThatNeverHadARowWritesNothing) {
  const auto md = create(school());
  seed();
  relate::Session session(engine, md);
  auto music = session.get<Course>(3);
  auto stranger = relate::make(Student{.name = "Stranger"});  // never in the Session
  stranger->courses.push_back(music);
  session.commit();
  music->students.clear();
  clear();
  session.commit();
  EXPECT_TRUE(statements.empty()) << ::testing::PrintToString(statements);
  EXPECT_EQ(enrollments(), (Rows{{"1", "1"}, {"1", "2"}, {"2", "1"}}));
}

RELATE_ON_EVERY_BACKEND(ManyToManyTest);

}  // namespace
}  // namespace many_to_many_test
