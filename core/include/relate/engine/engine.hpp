// Engine and Connection. create_engine(url) picks the backend registered for the URL's
// scheme; the Engine keeps a pool of driver connections and tells listeners about
// every statement (RELATE_ECHO=1 prints them). A Connection is one pooled connection,
// returned to the pool when it goes out of scope.
//
// A connection that meets a lost link (OperationalError::connection_invalidated()) is
// invalidated: closed, never pooled again, and with it every pooled connection opened
// before it (the pool's generation), as after a server restart. The next transaction
// gets a fresh connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <relate/engine/dialect.hpp>
#include <relate/engine/driver.hpp>
#include <relate/engine/url.hpp>
#include <relate/export.hpp>
#include <relate/sql/compiler.hpp>
#include <relate/sql/statement.hpp>
#include <relate/sql/text.hpp>
#include <string_view>
#include <vector>

namespace relate {

class MetaData;
class EngineImpl;
class Transaction;
struct ConnectionRecord;

struct StatementEvent {
  std::string_view sql;
  const std::vector<Value>& params;
};
using StatementListener = std::function<void(const StatementEvent&)>;

struct EngineOptions {
  // Log statements and parameters to stderr; unset: RELATE_ECHO=1 decides.
  std::optional<bool> echo;
  // Idle connections the pool keeps.
  std::size_t pool_size = 5;
  // Tests each connection taken from the pool with the driver's ping (a round trip)
  // and replaces a dead one unseen, so that even the first statement after a server
  // restart or an idle timeout works. Off by default, as SQLAlchemy's pool_pre_ping.
  bool pool_pre_ping = false;
  // Connections opened this long ago or longer are closed and replaced when taken from
  // the pool: set it below the server's idle timeout (MariaDB's wait_timeout,
  // PostgreSQL's idle_session_timeout). Unset (the default): never.
  std::optional<std::chrono::seconds> pool_recycle;
};

class RELATE_API Connection {
 public:
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Executes a statement tree or compiled SQL; the cursor is valid until the next
  // execute on this connection.
  std::unique_ptr<Cursor> execute(const sql::Statement& statement);
  std::unique_ptr<Cursor> execute(const sql::CompiledStatement& statement);
  // Raw SQL with :name parameters (relate::text), compiled for this connection's dialect.
  std::unique_ptr<Cursor> execute(const sql::Text& text);
  // SQL text without parameters (DDL).
  void execute(std::string_view sql);

  std::int64_t rows_affected();
  std::int64_t last_insert_id();
  std::optional<std::int64_t> generated_key_step();

  // Transactions. A commit() that throws has not been confirmed: after an
  // OperationalError with connection_invalidated() its outcome is unknown (the server
  // may have committed before the link broke); after any other error the transaction
  // was not committed. Either way, call rollback(). A begin() that meets a lost link
  // leaves the Connection in that lost transaction: rollback() first, too.
  void begin();
  void commit();
  void rollback();
  bool in_transaction() const { return in_transaction_; }
  // Savepoints of the transaction in progress (InvalidRequestError outside one), by
  // a name the caller chose (a plain identifier). After rollback_to_savepoint() the
  // transaction goes on (on PostgreSQL also after a failed statement in it), with the
  // savepoint still set; commit() and rollback() end every savepoint.
  void savepoint(const std::string& name);
  void release_savepoint(const std::string& name);
  void rollback_to_savepoint(const std::string& name);

  // True once a statement met a lost link. Inside a transaction every call but
  // rollback() then throws PendingRollbackError; outside one, the next statement runs
  // on a fresh connection from the pool.
  bool invalidated() const { return invalidated_; }

  const Dialect& dialect() const;

 private:
  friend class EngineImpl;
  Connection(std::shared_ptr<EngineImpl> engine, std::shared_ptr<ConnectionRecord> record,
             std::uint64_t schema_generation);
  // The live driver: after an invalidation, a fresh one, or PendingRollbackError.
  DriverConnection& driver();
  // Runs `call` on the driver, invalidating this connection if it reports a lost link;
  // `sql` is the statement, for errors.
  template <class Call>
  decltype(auto) on_driver(std::string_view sql, Call&& call);
  template <class Call>
  void savepoint_step(const std::string& sql, Call&& call);
  void invalidate() noexcept;
  void release() noexcept;

  std::shared_ptr<EngineImpl> engine_;
  std::shared_ptr<ConnectionRecord> record_;
  bool in_transaction_ = false;
  bool invalidated_ = false;
  std::uint64_t schema_generation_ = 0;  // the engine's, when this connection was lent
};

class RELATE_API Engine {
 public:
  const Dialect& dialect() const;
  const Url& url() const;

  Connection connect() const;
  // A connection in a transaction that commits at the end of the caller's scope, or
  // rolls back when an exception leaves it (relate/engine/transaction.hpp).
  [[nodiscard]] Transaction begin() const;

  // Creates every table of the metadata in foreign-key order, skipping tables that
  // exist when checkfirst; drop_all drops in the reverse order.
  void create_all(const MetaData& metadata, bool checkfirst = true) const;
  void drop_all(const MetaData& metadata, bool checkfirst = true) const;

  // Observes every statement executed through this engine. Returns an id for
  // remove_listener.
  int add_listener(StatementListener listener) const;
  void remove_listener(int id) const;
  void set_echo(bool echo) const;

 private:
  friend Engine create_engine(std::string_view url, EngineOptions options);
  explicit Engine(std::shared_ptr<EngineImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<EngineImpl> impl_;
};

// Throws relate::ArgumentError for a malformed URL or an unknown scheme, naming the URL
// and the known schemes; OperationalError when the database cannot be opened.
RELATE_API Engine create_engine(std::string_view url, EngineOptions options = {});

}  // namespace relate

// (after Connection and Engine, which it uses)
#include <relate/engine/transaction.hpp>  // IWYU pragma: export
