// A Session's transaction for the length of a scope (SQLAlchemy's
// `with session.begin():`): session.begin() returns it, and the end of the scope
// commits (flush, then COMMIT), or rolls back when an exception is leaving it.
//
//   {
//     auto tx = session.begin();
//     session.add(Author{.name = "Ann"});
//   }  // committed
//
// commit() or rollback() end it earlier, and so does the Session's own commit(),
// rollback() or close(): the end of the scope then does nothing. A commit at the end of
// the scope throws what Session::commit() throws (the destructor is noexcept(false)).
// A rollback while an exception is leaving the scope never throws; if it fails partway,
// that failure is dropped (the exception already leaving says what went wrong) and the
// Session is left to close() or rollback() again.
#pragma once

#include <cstdint>
#include <relate/engine/transaction.hpp>
#include <relate/export.hpp>

namespace relate {

class Session;

class RELATE_API SessionTransaction {
 public:
  SessionTransaction(SessionTransaction&& other) noexcept;
  SessionTransaction& operator=(SessionTransaction&&) = delete;
  SessionTransaction(const SessionTransaction&) = delete;
  SessionTransaction& operator=(const SessionTransaction&) = delete;
  ~SessionTransaction() noexcept(false);

  void commit();
  void rollback();
  // The transaction session.begin() began has not ended yet.
  bool active() const;

 private:
  friend class Session;
  SessionTransaction(Session& session, std::uint64_t transaction);

  Session* session_;
  std::uint64_t transaction_;  // SessionImpl's count of ended transactions at begin()
  detail::LeftByException left_by_exception_;
};

}  // namespace relate
