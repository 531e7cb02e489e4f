// A database transaction for the length of a scope (SQLAlchemy's
// `with engine.begin() as conn:`): it commits when the scope is left normally and
// rolls back when an exception is leaving it.
//
//   {
//     auto tx = engine.begin();            // a connection from the pool, begun
//     tx->execute(relate::text("UPDATE accounts SET balance = balance - 10 WHERE id = 1"));
//     tx->execute(relate::text("UPDATE accounts SET balance = balance + 10 WHERE id = 2"));
//   }                                      // COMMIT (or ROLLBACK on an exception)
//
// relate::Transaction tx(connection) does the same on a connection the caller keeps.
// commit() or rollback() end the transaction earlier; the end of the scope then does
// nothing. A commit at the end of the scope throws what Connection::commit() throws
// (an unknown outcome included): the destructor is noexcept(false). A rollback while
// an exception is leaving the scope never throws; if it fails, the connection is not
// pooled again, and the database discards the transaction when it closes.
#pragma once

#include <exception>
#include <optional>
#include <relate/engine/engine.hpp>
#include <relate/export.hpp>

namespace relate {

namespace detail {

// Whether the scope of a guard made now is being left by an exception: more are in
// flight than when the guard was made.
class LeftByException {
 public:
  bool operator()() const { return std::uncaught_exceptions() > in_flight_; }

 private:
  int in_flight_ = std::uncaught_exceptions();
};

// What a transaction guard does at the end of its scope: `commit`, or `rollback` when
// an exception is leaving the scope (then nothing may throw: a failed rollback is
// dropped, the exception already leaving says what went wrong).
template <class Commit, class Rollback>
void end_scope(const LeftByException& left_by_exception, Commit&& commit, Rollback&& rollback) {
  if (!left_by_exception()) {
    commit();
    return;
  }
  try {
    rollback();
  } catch (...) {
  }
}

}  // namespace detail

class RELATE_API Transaction {
 public:
  // Begins a transaction on `connection`, which must outlive this guard.
  explicit Transaction(Connection& connection);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() noexcept(false);

  Connection& connection() { return *connection_; }
  Connection* operator->() { return connection_; }

  // Each does nothing once the transaction ended (by this guard, or on its connection).
  void commit();
  void rollback();
  // Not yet committed or rolled back (by this guard, or on its connection).
  bool active() const { return connection_ && connection_->in_transaction(); }

 private:
  friend class Engine;
  // Engine::begin(): the transaction owns its connection.
  explicit Transaction(Connection&& owned);

  std::optional<Connection> owned_;
  Connection* connection_ = nullptr;
  detail::LeftByException left_by_exception_;
};

}  // namespace relate
