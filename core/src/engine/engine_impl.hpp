// Engine internals shared by engine.cpp and connection.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <new>
#include <relate/engine/engine.hpp>
#include <relate/errors.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

// Runs a call into the backend. A backend throws relate::Errors only (driver.hpp); one
// that lets its driver's own exception through still reaches the application as a
// relate::Error, which names the backend and the statement.
template <class Call>
decltype(auto) relate_errors_only(const Dialect& dialect, std::string_view sql, Call&& call) {
  try {
    return call();
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    std::string message =
        "the " + std::string(dialect.name()) + " backend's driver failed: " + e.what();
    if (!sql.empty()) message += " [SQL: " + std::string(sql) + "]";
    throw OperationalError(message, std::string(sql));
  }
}

// One connection to the database as the pool knows it (SQLAlchemy's connection
// record): the driver, and what decides whether it may be lent again.
struct ConnectionRecord {
  std::unique_ptr<DriverConnection> driver;
  // The pool's generation when it was opened: a lost link on any connection of the
  // current generation retires all of them.
  std::uint64_t pool_generation = 0;
  std::chrono::steady_clock::time_point opened;
};

class EngineImpl : public std::enable_shared_from_this<EngineImpl> {
 public:
  EngineImpl(Url url, std::shared_ptr<const Backend> backend, EngineOptions options);

  Connection connect();
  // A connection to lend: an idle one that is still fit (generation, recycle age,
  // pre-ping), else a new one. Sets schema_generation to the engine's, read with it.
  std::shared_ptr<ConnectionRecord> checkout(std::uint64_t& schema_generation);
  // Takes a lent connection back: pooled again when `reusable`, of the current
  // generation and the pool has room; closed otherwise.
  void give_back(std::shared_ptr<ConnectionRecord> record, bool reusable,
                 std::uint64_t schema_generation) noexcept;
  // `record` met a lost link: every connection of its generation is retired, the idle
  // ones closed now, the lent ones when they come back.
  void invalidate(const ConnectionRecord& record) noexcept;
  // DDL ran on `current`: every connection's prepared statements may describe tables
  // that are gone or changed. Idle ones and `current` forget them now; those lent out
  // forget them when they come back. Returns the new generation.
  std::uint64_t schema_changed(DriverConnection& current);
  void notify(const sql::CompiledStatement& statement);
  void notify_text(std::string_view sql);

  Url url;
  std::shared_ptr<const Backend> backend;
  std::shared_ptr<const Dialect> dialect;
  EngineOptions options;
  std::atomic<bool> echo = false;

  std::mutex mutex;
  std::uint64_t schema_generation = 0;  // guarded by mutex
  std::uint64_t pool_generation = 0;    // guarded by mutex
  std::vector<std::shared_ptr<ConnectionRecord>> idle;
  std::shared_ptr<ConnectionRecord> shared;  // single_connection backends
  bool shared_in_use = false;
  std::vector<std::pair<int, StatementListener>> listeners;
  int next_listener = 1;
  std::atomic<bool> has_listeners = false;

 private:
  std::shared_ptr<ConnectionRecord> open(std::uint64_t generation) const;
  // Whether an idle connection may be lent; closes nothing itself.
  bool fit_to_lend(ConnectionRecord& record, std::uint64_t generation) noexcept;
};

}  // namespace relate
