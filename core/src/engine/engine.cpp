#include <cstdlib>
#include <cstring>
#include <iostream>
#include <relate/errors.hpp>
#include <relate/metadata.hpp>

#include "engine_impl.hpp"

namespace relate {

EngineImpl::EngineImpl(Url u, std::shared_ptr<const Backend> b, EngineOptions o)
    : url(std::move(u)), backend(std::move(b)), options(o) {
  dialect = backend->dialect(url);
  if (options.echo) {
    echo = *options.echo;
  } else {
    const char* env = std::getenv("RELATE_ECHO");
    echo = env && (std::strcmp(env, "1") == 0 || std::strcmp(env, "true") == 0);
  }
}

Connection EngineImpl::connect() {
  std::uint64_t generation = 0;
  auto record = checkout(generation);
  return Connection(shared_from_this(), std::move(record), generation);
}

std::shared_ptr<ConnectionRecord> EngineImpl::open(std::uint64_t generation) const {
  auto record = std::make_shared<ConnectionRecord>();
  record->driver = relate_errors_only(*dialect, {}, [&] { return backend->connect(url); });
  record->pool_generation = generation;
  record->opened = std::chrono::steady_clock::now();
  return record;
}

bool EngineImpl::fit_to_lend(ConnectionRecord& record, std::uint64_t generation) noexcept {
  if (record.pool_generation < generation) return false;
  if (options.pool_recycle &&
      std::chrono::steady_clock::now() - record.opened >= *options.pool_recycle) {
    return false;
  }
  if (!options.pool_pre_ping) return true;
  try {
    relate_errors_only(*dialect, {}, [&] { record.driver->ping(); });
    return true;
  } catch (const OperationalError& e) {
    // Most likely the server restarted: its siblings are gone too.
    if (e.connection_invalidated()) invalidate(record);
    return false;
  } catch (const Error&) {
    return false;  // a connection that cannot run SELECT 1 is no use either
  }
}

std::shared_ptr<ConnectionRecord> EngineImpl::checkout(std::uint64_t& schema) {
  if (backend->single_connection(url)) {
    // One database on one connection (sqlite://:memory:): lent to one user at a time.
    std::lock_guard lock(mutex);
    if (shared_in_use) {
      throw OperationalError(url.to_string() +
                             " is a single database on a single connection, and another "
                             "Connection or Session is using it: commit or close that one first, "
                             "or use a file database");
    }
    if (!shared) shared = open(pool_generation);
    shared_in_use = true;
    schema = schema_generation;
    return shared;
  }
  for (;;) {
    std::shared_ptr<ConnectionRecord> record;
    std::uint64_t generation = 0;
    {
      // The schema generation is read with the driver taken: DDL between the two
      // would otherwise leave the driver's statements neither discarded nor flagged.
      std::lock_guard lock(mutex);
      schema = schema_generation;
      generation = pool_generation;
      if (!idle.empty()) {
        record = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (!record) return open(generation);
    if (fit_to_lend(*record, generation)) return record;
    // Unfit: `record` closes here, outside the lock, and the next idle one is tried.
  }
}

void EngineImpl::invalidate(const ConnectionRecord& record) noexcept {
  std::vector<std::shared_ptr<ConnectionRecord>> retired;
  {
    std::lock_guard lock(mutex);
    // Connections of older generations were retired already; a second loss seen on
    // one of them (the same restart) retires nothing new.
    if (record.pool_generation < pool_generation) return;
    ++pool_generation;
    retired.swap(idle);
  }
  // `retired` closes them here, outside the lock.
}

std::uint64_t EngineImpl::schema_changed(DriverConnection& current) {
  std::lock_guard lock(mutex);
  ++schema_generation;
  current.discard_prepared_statements();
  for (const auto& r : idle) r->driver->discard_prepared_statements();
  return schema_generation;
}

void EngineImpl::give_back(std::shared_ptr<ConnectionRecord> record, bool reusable,
                           std::uint64_t seen_schema_generation) noexcept {
  std::lock_guard lock(mutex);
  reusable = reusable && record->pool_generation >= pool_generation;
  if (reusable && seen_schema_generation != schema_generation) {
    record->driver->discard_prepared_statements();
  }
  if (record == shared) {
    shared_in_use = false;
    if (!reusable) shared.reset();
    return;
  }
  if (reusable && idle.size() < options.pool_size) idle.push_back(std::move(record));
  // Otherwise `record`, a parameter, closes the connection after the lock is released.
}

void EngineImpl::notify(const sql::CompiledStatement& statement) {
  if (echo) {
    std::string line = "[relate] " + statement.sql;
    if (!statement.params.empty()) {
      line += "\n[relate] [";
      for (std::size_t i = 0; i < statement.params.size(); ++i) {
        if (i) line += ", ";
        line += statement.params[i].to_string();
      }
      line += "]";
    }
    std::cerr << line << std::endl;
  }
  if (!has_listeners) return;
  std::vector<StatementListener> copy;
  {
    std::lock_guard lock(mutex);
    for (const auto& [id, l] : listeners) copy.push_back(l);
  }
  const StatementEvent event{statement.sql, statement.params};
  for (const auto& l : copy) l(event);
}

void EngineImpl::notify_text(std::string_view sql) {
  // Transaction control is echoed but is not a statement event.
  if (echo) std::cerr << "[relate] " << sql << std::endl;
}

Engine create_engine(std::string_view url_text, EngineOptions options) {
  Url url;
  try {
    url = parse_url(url_text);
  } catch (const ArgumentError& e) {
    std::string known;
    for (const auto& s : registered_schemes()) known += (known.empty() ? "" : ", ") + s;
    throw ArgumentError(std::string(e.what()) + "; known schemes: " + known);
  }
  auto backend = find_backend(url, url.to_string());
  backend->validate(url);
  return Engine(std::make_shared<EngineImpl>(std::move(url), std::move(backend), options));
}

const Dialect& Engine::dialect() const { return *impl_->dialect; }
const Url& Engine::url() const { return impl_->url; }
Connection Engine::connect() const { return impl_->connect(); }

int Engine::add_listener(StatementListener listener) const {
  std::lock_guard lock(impl_->mutex);
  const int id = impl_->next_listener++;
  impl_->listeners.emplace_back(id, std::move(listener));
  impl_->has_listeners = true;
  return id;
}

void Engine::remove_listener(int id) const {
  std::lock_guard lock(impl_->mutex);
  std::erase_if(impl_->listeners, [id](const auto& l) { return l.first == id; });
  impl_->has_listeners = !impl_->listeners.empty();
}

void Engine::set_echo(bool echo) const { impl_->echo = echo; }

namespace {
// After a failed statement: the statement's error is the one to report. A rollback
// that fails too leaves the connection marked in a transaction, so its release
// keeps it out of the pool.
void rollback_quietly(Connection& c) noexcept {
  try {
    c.rollback();
  } catch (...) {
  }
}

bool has_table(Connection& c, const Table& t) {
  auto cursor = c.execute(
      sql::CompiledStatement{c.dialect().has_table_sql(), {Value(t.name())}, sql::Returns::rows});
  return cursor->next();
}
}  // namespace

void Engine::create_all(const MetaData& metadata, bool checkfirst) const {
  metadata.configure();
  Connection c = connect();
  const auto tables = metadata.sorted_tables();
  // Every table's DDL is written (and so validated) before any is created, so an
  // unsupported action leaves the database untouched.
  const sql::CreateDdl ddl = sql::create_ddl(tables, dialect());
  c.begin();
  try {
    std::vector<bool> created(tables.size(), false);
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (checkfirst && has_table(c, *tables[i])) continue;
      for (const auto& statement : ddl.create[i]) c.execute(statement);
      created[i] = true;
    }
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (!created[i]) continue;
      for (const auto& statement : ddl.add_foreign_keys[i]) c.execute(statement);
    }
    c.commit();
  } catch (...) {
    rollback_quietly(c);
    throw;
  }
}

void Engine::drop_all(const MetaData& metadata, bool checkfirst) const {
  metadata.configure();
  Connection c = connect();
  const auto tables = metadata.sorted_tables();
  const auto drop_foreign_keys = sql::drop_foreign_keys_ddl(tables, dialect());
  c.begin();
  try {
    std::vector<bool> exists(tables.size(), true);
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (checkfirst) exists[i] = has_table(c, *tables[i]);
      if (!exists[i]) continue;
      for (const auto& statement : drop_foreign_keys[i]) c.execute(statement);
    }
    for (std::size_t i = tables.size(); i-- > 0;) {
      if (exists[i]) c.execute(sql::drop_table_ddl(*tables[i], dialect()));
    }
    c.commit();
  } catch (...) {
    rollback_quietly(c);
    throw;
  }
}

}  // namespace relate
