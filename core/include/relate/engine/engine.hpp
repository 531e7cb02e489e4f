// Engine and Connection. create_engine(url) picks the backend registered for the URL's
// scheme; the Engine keeps a pool of driver connections and tells listeners about
// every statement (RELATE_ECHO=1 prints them). A Connection is one pooled connection,
// returned to the pool when it goes out of scope.
#pragma once

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
#include <string_view>
#include <vector>

namespace relate {

class MetaData;
class EngineImpl;

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
  // SQL text without parameters (DDL).
  void execute(std::string_view sql);

  std::int64_t rows_affected();
  std::int64_t last_insert_id();

  void begin();
  void commit();
  void rollback();
  bool in_transaction() const { return in_transaction_; }

  const Dialect& dialect() const;

 private:
  friend class EngineImpl;
  Connection(std::shared_ptr<EngineImpl> engine, std::shared_ptr<DriverConnection> driver,
             std::uint64_t schema_generation);
  void release() noexcept;

  std::shared_ptr<EngineImpl> engine_;
  std::shared_ptr<DriverConnection> driver_;
  bool in_transaction_ = false;
  std::uint64_t schema_generation_ = 0;  // the engine's, when this connection was lent
};

class RELATE_API Engine {
 public:
  const Dialect& dialect() const;
  const Url& url() const;

  Connection connect() const;

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
