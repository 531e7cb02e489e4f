// The school example: students and courses, many-to-many through an association
// table that has no model. Enrol, unenrol, delete a student, and watch the rows of
// "enrollments" follow.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <relate/relate.hpp>
#include <string>

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

relate::MetaData school_metadata() {
  return relate::MetaData{}
      .table<Student>("students", relate::primary_key(&Student::id))
      .table<Course>("courses", relate::primary_key(&Course::id), relate::unique(&Course::title))
      .relationship(&Student::courses, &Course::students)
      .secondary("enrollments")  // generated: student_id, course_id, both keys
      .order_by(&Course::title);
}

void print_enrollments(relate::Session& session) {
  for (const auto& course :
       session.scalars(relate::select<Course>().order_by(&Course::title)).all()) {
    std::cout << "  " << course->title << ":";
    for (const auto& student : course->students) std::cout << " " << student->name;
    std::cout << "\n";
  }
}

}  // namespace

int main() {
  const std::string url = relate::url_from_env("RELATE_DATABASE_URL", "sqlite:///school.db");
  try {
    if (url == "sqlite:///school.db") std::filesystem::remove("school.db");
    auto engine = relate::create_engine(url);
    int statements = 0;
    engine.add_listener([&statements](const relate::StatementEvent&) { ++statements; });
    const relate::MetaData school = school_metadata();
    engine.drop_all(school);
    engine.create_all(school);
    std::cout << "Relate school example on " << engine.url().to_string() << "\n\n";

    {
      relate::Session session(engine, school);
      auto ada = session.add(Student{.name = "Ada"});
      auto alan = session.add(Student{.name = "Alan"});
      auto maths = session.add(Course{.title = "Mathematics"});
      auto logic = session.add(Course{.title = "Logic"});
      ada->courses.push_back(maths);
      ada->courses.push_back(logic);
      logic->students.push_back(alan);  // either side works: alan->courses has logic now
      statements = 0;
      session.commit();
      std::cout << "Enrolled Ada in Mathematics and Logic, Alan in Logic (" << statements
                << " statements: 4 rows, then 3 association rows).\n";
    }

    relate::Session session(engine, school);
    print_enrollments(session);

    auto ada =
        session.scalars(relate::select<Student>().where(relate::col(&Student::name) == "Ada"))
            .one();
    auto logic =
        session.scalars(relate::select<Course>().where(relate::col(&Course::title) == "Logic"))
            .one();
    ada->courses.remove(logic);
    session.commit();
    std::cout << "\nUnenrolled Ada from Logic:\n";
    print_enrollments(session);

    auto alan =
        session.scalars(relate::select<Student>().where(relate::col(&Student::name) == "Alan"))
            .one();
    session.remove(alan);
    statements = 0;
    session.commit();
    std::cout << "\nDeleted Alan: his enrollment rows went first, then his row (" << statements
              << " statements).\n";
    print_enrollments(session);
    return 0;
  } catch (const relate::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
