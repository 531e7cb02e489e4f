#include "engine_impl.hpp"

namespace relate {

Connection::Connection(std::shared_ptr<EngineImpl> engine, std::shared_ptr<DriverConnection> driver,
                       std::uint64_t schema_generation)
    : engine_(std::move(engine)),
      driver_(std::move(driver)),
      schema_generation_(schema_generation) {}

Connection::Connection(Connection&& o) noexcept
    : engine_(std::move(o.engine_)),
      driver_(std::move(o.driver_)),
      in_transaction_(o.in_transaction_),
      schema_generation_(o.schema_generation_) {
  o.in_transaction_ = false;
}

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    release();
    engine_ = std::move(o.engine_);
    driver_ = std::move(o.driver_);
    in_transaction_ = o.in_transaction_;
    schema_generation_ = o.schema_generation_;
    o.in_transaction_ = false;
  }
  return *this;
}

Connection::~Connection() { release(); }

void Connection::release() noexcept {
  if (!driver_) return;
  bool broken = false;
  if (in_transaction_) {
    try {
      driver_->rollback();
    } catch (...) {
      broken = true;  // do not hand a broken connection to the next user
    }
    in_transaction_ = false;
  }
  engine_->give_back(std::move(driver_), broken, schema_generation_);
  driver_.reset();
}

const Dialect& Connection::dialect() const { return *engine_->dialect; }

std::unique_ptr<Cursor> Connection::execute(const sql::Statement& statement) {
  return execute(sql::compile(statement, *engine_->dialect));
}

std::unique_ptr<Cursor> Connection::execute(const sql::CompiledStatement& statement) {
  engine_->notify(statement);
  return driver_->execute(statement);
}

void Connection::execute(std::string_view sql) {
  sql::CompiledStatement s{std::string(sql), {}};
  engine_->notify(s);
  driver_->execute(s);
  schema_generation_ = engine_->schema_changed(*driver_);
}

std::int64_t Connection::rows_affected() { return driver_->rows_affected(); }
std::int64_t Connection::last_insert_id() { return driver_->last_insert_id(); }

void Connection::begin() {
  if (engine_->echo) engine_->notify_text("BEGIN");
  driver_->begin();
  in_transaction_ = true;
}

void Connection::commit() {
  if (engine_->echo) engine_->notify_text("COMMIT");
  driver_->commit();
  in_transaction_ = false;
}

void Connection::rollback() {
  if (engine_->echo) engine_->notify_text("ROLLBACK");
  // Still in the transaction until the driver says otherwise: if it throws,
  // release() tries again and, failing, keeps the connection out of the pool.
  driver_->rollback();
  in_transaction_ = false;
}

}  // namespace relate
