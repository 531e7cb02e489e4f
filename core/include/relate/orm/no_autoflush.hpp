// A scope in which the Session does not flush on its own (SQLAlchemy's
// `with session.no_autoflush:`): session.no_autoflush() returns it, and the end of the
// scope gives the Session its autoflush back. For work that must read before the
// Session's changes are complete, e.g. looking up a parent for a new object whose NOT
// NULL columns are not set yet. flush() and commit() still flush.
//
//   {
//     auto hold = session.no_autoflush();
//     auto book = session.add(Book{.title = "Draft"});
//     book->author = session.scalars(select<Author>().where(...)).one();  // no INSERT yet
//   }
#pragma once

#include <relate/export.hpp>

namespace relate {

class Session;
class SessionImpl;

class RELATE_API NoAutoflush {
 public:
  NoAutoflush(const NoAutoflush&) = delete;
  NoAutoflush& operator=(const NoAutoflush&) = delete;
  ~NoAutoflush();

 private:
  friend class Session;
  explicit NoAutoflush(SessionImpl& session);

  SessionImpl& session_;
};

}  // namespace relate
