// Engine internals shared by engine.cpp and connection.cpp.
#pragma once

#include <atomic>
#include <mutex>
#include <relate/engine/engine.hpp>
#include <vector>

namespace relate {

class EngineImpl : public std::enable_shared_from_this<EngineImpl> {
 public:
  EngineImpl(Url url, std::shared_ptr<const Backend> backend, EngineOptions options);

  Connection connect();
  void give_back(std::shared_ptr<DriverConnection> driver, bool broken,
                 std::uint64_t schema_generation) noexcept;
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
  std::uint64_t schema_generation = 0;  // guarded by mutex

  std::mutex mutex;
  std::vector<std::shared_ptr<DriverConnection>> idle;
  std::shared_ptr<DriverConnection> shared;  // single_connection backends
  bool shared_in_use = false;
  std::vector<std::pair<int, StatementListener>> listeners;
  int next_listener = 1;
  std::atomic<bool> has_listeners = false;
};

}  // namespace relate
