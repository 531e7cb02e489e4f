// A savepoint of the Session's transaction for the length of a scope (SQLAlchemy's
// `with session.begin_nested():`): session.begin_nested() flushes, sets a SAVEPOINT
// (beginning the transaction if none is in progress) and returns it. The end of the
// scope flushes and releases it, or rolls back to it when an exception is leaving:
// the database and the Session's objects are then as they were at begin_nested(), and
// the transaction goes on.
//
//   try {
//     auto savepoint = session.begin_nested();
//     session.add(User{.email = "ann@example.com"});
//   } catch (const relate::IntegrityError&) {
//     // the address was taken: that insert is undone, the rest of the transaction stays
//   }
//
// A commit (here or at the end of the scope) whose flush fails rolls back to the
// savepoint before it throws, so the catch above finds the Session usable. Savepoints
// nest; releasing or rolling back one ends those begun inside it, and the Session's
// commit(), rollback() and close() end them all. Each call does nothing once the
// savepoint ended. The destructor is noexcept(false), as SessionTransaction's.
#pragma once

#include <cstdint>
#include <relate/engine/transaction.hpp>
#include <relate/export.hpp>

namespace relate {

class Session;

class RELATE_API Savepoint {
 public:
  Savepoint(Savepoint&& other) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  ~Savepoint() noexcept(false);

  // Flush, then RELEASE SAVEPOINT; a failure rolls back to the savepoint and throws.
  void commit();
  // ROLLBACK TO SAVEPOINT: objects added since leave the Session, objects changed or
  // deleted since show their values as of begin_nested() again.
  void rollback();
  bool active() const;

 private:
  friend class Session;
  Savepoint(Session& session, std::uint64_t id);

  Session* session_;
  std::uint64_t id_;
  detail::LeftByException left_by_exception_;
};

}  // namespace relate
