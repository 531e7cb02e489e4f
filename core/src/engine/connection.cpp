#include <relate/errors.hpp>
#include <string>

#include "engine_impl.hpp"

namespace relate {

Connection::Connection(std::shared_ptr<EngineImpl> engine, std::shared_ptr<ConnectionRecord> record,
                       std::uint64_t schema_generation)
    : engine_(std::move(engine)),
      record_(std::move(record)),
      schema_generation_(schema_generation) {}

Connection::Connection(Connection&& o) noexcept
    : engine_(std::move(o.engine_)),
      record_(std::move(o.record_)),
      in_transaction_(o.in_transaction_),
      invalidated_(o.invalidated_),
      schema_generation_(o.schema_generation_) {
  o.in_transaction_ = false;
  o.invalidated_ = false;
}

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    release();
    engine_ = std::move(o.engine_);
    record_ = std::move(o.record_);
    in_transaction_ = o.in_transaction_;
    invalidated_ = o.invalidated_;
    schema_generation_ = o.schema_generation_;
    o.in_transaction_ = false;
    o.invalidated_ = false;
  }
  return *this;
}

Connection::~Connection() { release(); }

void Connection::release() noexcept {
  if (!record_) return;
  bool reusable = !invalidated_;
  if (in_transaction_ && !invalidated_) {
    try {
      record_->driver->rollback();
    } catch (const OperationalError& e) {
      if (e.connection_invalidated()) engine_->invalidate(*record_);
      reusable = false;
    } catch (...) {
      reusable = false;  // do not hand a broken connection to the next user
    }
  }
  in_transaction_ = false;
  engine_->give_back(std::move(record_), reusable, schema_generation_);
  record_.reset();
}

DriverConnection& Connection::driver() {
  if (invalidated_) {
    if (in_transaction_) {
      throw PendingRollbackError(
          "this Connection's transaction ended when its connection to the database was "
          "lost; call rollback() before using it again");
    }
    // Outside a transaction nothing was lost with the old link: go on with a new one.
    release();
    record_ = engine_->checkout(schema_generation_);
    invalidated_ = false;
  }
  return *record_->driver;
}

template <class Call>
decltype(auto) Connection::on_driver(std::string_view sql, Call&& call) {
  DriverConnection& d = driver();
  try {
    return relate_errors_only(dialect(), sql, [&]() -> decltype(auto) { return call(d); });
  } catch (const OperationalError& e) {
    if (e.connection_invalidated()) invalidate();
    throw;
  }
}

void Connection::invalidate() noexcept {
  if (invalidated_) return;
  invalidated_ = true;
  // The dead driver stays here until this Connection ends or moves on: cursors read
  // from it may still be alive.
  engine_->invalidate(*record_);
}

const Dialect& Connection::dialect() const { return *engine_->dialect; }

std::unique_ptr<Cursor> Connection::execute(const sql::Statement& statement) {
  return execute(sql::compile(statement, *engine_->dialect));
}

std::unique_ptr<Cursor> Connection::execute(const sql::Text& text) {
  return execute(sql::compile(text, *engine_->dialect));
}

std::unique_ptr<Cursor> Connection::execute(const sql::CompiledStatement& statement) {
  return on_driver(statement.sql, [&](DriverConnection& d) {
    engine_->notify(statement);
    return d.execute(statement);
  });
}

void Connection::execute(std::string_view sql) {
  sql::CompiledStatement s{std::string(sql), {}};
  on_driver(s.sql, [&](DriverConnection& d) {
    engine_->notify(s);
    d.execute(s);
  });
  schema_generation_ = engine_->schema_changed(*record_->driver);
}

std::int64_t Connection::rows_affected() {
  return on_driver({}, [](DriverConnection& d) { return d.rows_affected(); });
}

std::int64_t Connection::last_insert_id() {
  return on_driver({}, [](DriverConnection& d) { return d.last_insert_id(); });
}

std::optional<std::int64_t> Connection::generated_key_step() {
  return on_driver({}, [](DriverConnection& d) { return d.generated_key_step(); });
}

void Connection::begin() {
  if (engine_->echo) engine_->notify_text("BEGIN");
  DriverConnection& d = driver();
  try {
    relate_errors_only(dialect(), "BEGIN", [&] { d.begin(); });
  } catch (const OperationalError& e) {
    if (!e.connection_invalidated()) throw;
    // The transaction asked for is lost before it began: the caller rolls it back, as
    // one that was lost later, before going on (on a fresh connection).
    invalidate();
    in_transaction_ = true;
    throw;
  }
  in_transaction_ = true;
}

void Connection::commit() {
  if (engine_->echo) engine_->notify_text("COMMIT");
  DriverConnection& d = driver();
  try {
    relate_errors_only(dialect(), "COMMIT", [&] { d.commit(); });
  } catch (const OperationalError& e) {
    if (!e.connection_invalidated()) throw;
    invalidate();
    // The server may have committed and then lost the link before it answered.
    throw OperationalError(std::string(e.what()) +
                               " (the connection was lost at COMMIT: the transaction may or "
                               "may not have been committed)",
                           e.sql(), OperationalError::Link::lost);
  }
  in_transaction_ = false;
}

template <class Call>
void Connection::savepoint_step(const std::string& sql, Call&& call) {
  if (!in_transaction_) {
    throw InvalidRequestError(sql + " needs a transaction on this connection: begin() first");
  }
  if (engine_->echo) engine_->notify_text(sql);
  on_driver(sql, std::forward<Call>(call));
}

void Connection::savepoint(const std::string& name) {
  savepoint_step("SAVEPOINT " + name, [&](DriverConnection& d) { d.savepoint(name); });
}

void Connection::release_savepoint(const std::string& name) {
  savepoint_step("RELEASE SAVEPOINT " + name,
                 [&](DriverConnection& d) { d.release_savepoint(name); });
}

void Connection::rollback_to_savepoint(const std::string& name) {
  savepoint_step("ROLLBACK TO SAVEPOINT " + name,
                 [&](DriverConnection& d) { d.rollback_to_savepoint(name); });
}

void Connection::rollback() {
  if (engine_->echo) engine_->notify_text("ROLLBACK");
  if (invalidated_) {
    // The server discarded the transaction when the link broke.
    in_transaction_ = false;
    return;
  }
  // Still in the transaction until the driver says otherwise: if it throws,
  // release() tries again and, failing, keeps the connection out of the pool.
  try {
    relate_errors_only(dialect(), "ROLLBACK", [&] { record_->driver->rollback(); });
  } catch (const OperationalError& e) {
    if (!e.connection_invalidated()) throw;
    invalidate();  // as above: a lost link took the transaction with it
  }
  in_transaction_ = false;
}

}  // namespace relate
