#include <cctype>
#include <charconv>
#include <chrono>
#include <map>
#include <relate/engine/dialect.hpp>
#include <relate/engine/engine.hpp>
#include <relate/migrate/diff.hpp>
#include <relate/migrate/reflection.hpp>
#include <relate/migrate/runner.hpp>
#include <relate/sql/text.hpp>

#include "../sql/ddl.hpp"
#include "operation_sql.hpp"
#include "schema_lookup.hpp"

namespace relate::migrate {

namespace {

enum class Direction { upgrade, downgrade };

std::string_view direction_name(Direction d) {
  return d == Direction::upgrade ? "upgrade" : "downgrade";
}

// The version table: one row (id 1) with the revision, and, where DDL is not
// transactional, the migration running and how many of its operations are done.
TableDef version_table_def() {
  const auto text = [](std::string name) {
    return ColumnDef{.name = std::move(name), .column_type = ColumnType::text};
  };
  return TableDef{
      .name = version_table,
      .columns = {ColumnDef{.name = "id", .column_type = ColumnType::integer, .nullable = false},
                  text("version_num"), text("running"), text("direction"),
                  ColumnDef{.name = "operations_done", .column_type = ColumnType::big_integer}},
      .primary_key = {.name = {}, .columns = {"id"}}};
}

std::string q(const Dialect& d, std::string_view name) { return d.quote_identifier(name); }

// IF NOT EXISTS: where instances upgrading at once are kept apart by transactions
// alone (SQLite's), the one that waited finds the table made.
std::string create_version_table_sql(const Dialect& d) {
  const std::string create = sql::create_table_statement(version_table_def(), d);
  const std::string_view prefix = "CREATE TABLE ";
  return "CREATE TABLE IF NOT EXISTS " + create.substr(prefix.size());
}

std::string insert_version_row_sql(const Dialect& d) {
  return "INSERT INTO " + q(d, version_table) + " (" + q(d, "id") + ") VALUES (1)";
}

// SQL literal of a revision id (ids are letters, digits and '_': Migrations checks).
std::string literal(const std::string& id) { return id.empty() ? "NULL" : "'" + id + "'"; }

std::string set_version_sql(const Dialect& d, const std::string& id) {
  return "UPDATE " + q(d, version_table) + " SET " + q(d, "version_num") + " = " + literal(id) +
         ", " + q(d, "running") + " = NULL, " + q(d, "direction") + " = NULL, " +
         q(d, "operations_done") + " = NULL WHERE " + q(d, "id") + " = 1";
}

VersionState read_version(Connection& c) {
  const Dialect& d = c.dialect();
  VersionState state;
  auto rows = c.execute(sql::Text("SELECT " + q(d, "version_num") + ", " + q(d, "running") + ", " +
                                  q(d, "direction") + ", " + q(d, "operations_done") + " FROM " +
                                  q(d, version_table) + " WHERE " + q(d, "id") + " = 1")
                            .returns_rows());
  if (!rows->next()) return state;
  const Value version = rows->get(0);
  if (!version.is_null()) state.current = version.as_text();
  const Value running = rows->get(1);
  if (!running.is_null()) {
    const Value direction = rows->get(2);
    const Value done = rows->get(3);
    state.interrupted = VersionState::Interrupted{
        .migration = running.as_text(),
        .direction = direction.is_null() ? std::string() : direction.as_text(),
        .operations_done = done.is_null() ? 0 : done.as_int()};
  }
  return state;
}

bool has_version_table(Connection& c) {
  return c
      .execute(sql::CompiledStatement{
          c.dialect().has_table_sql(), {Value(std::string(version_table))}, sql::Returns::rows})
      ->next();
}

// Runs `statements` on `c`, each giving rows or not.
void run_all(Connection& c, const std::vector<std::string>& statements) {
  for (const auto& s : statements) c.execute(sql::Text(s));
}

std::string interrupted_message(const VersionState& state) {
  const auto& i = *state.interrupted;
  return "the database is between revisions: the " + i.direction + " of migration '" + i.migration +
         "' (from '" + (state.current.empty() ? "base" : state.current) + "') stopped after " +
         std::to_string(i.operations_done) +
         " of its operations, whose DDL the database had committed as it ran (the next one "
         "may have run in part). Make the schema what one revision says by hand, then stamp "
         "that revision";
}

// The session lock of the whole run (PostgreSQL's advisory lock, MySQL's GET_LOCK),
// released however the run ends.
class RunLock {
 public:
  explicit RunLock(Connection& c) : c_(c) {
    for (const auto& s : c_.dialect().lock_migrations_sql()) {
      auto rows = c_.execute(sql::Text(s).returns_rows());
      // GET_LOCK answers 0 when it timed out.
      if (rows->next()) {
        const Value taken = rows->get(0);
        if (taken.kind() == Value::Kind::integer && taken.as_int() == 0) {
          throw MigrationError("the lock of migrations is held by another run: " + s);
        }
      }
    }
  }
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock() {
    try {
      if (c_.in_transaction()) c_.rollback();
      run_all(c_, c_.dialect().unlock_migrations_sql());
    } catch (...) {
      // The lock goes with the connection's session when it cannot be released.
    }
  }

 private:
  Connection& c_;
};

class OnlineOperations final : public Operations {
 public:
  OnlineOperations(Connection& c, std::function<void(std::int64_t)> done)
      : Operations(c.dialect(), inspect(c)), c_(c), done_(std::move(done)) {}

  Connection& connection() override { return c_; }
  std::int64_t operations_done() const { return operations_done_; }
  // The operation running (empty once every operation is done).
  const std::string& current() const { return current_; }
  std::int64_t statements_run() const { return statements_run_; }
  void all_done() { current_.clear(); }

 protected:
  void starting(const Operation& operation) override { current_ = summary(operation); }
  void perform(const Operation& operation, const std::vector<std::string>& sql) override {
    if (rebuilds_table(operation, schema(), dialect())) {
      dialect().check_rebuild(c_, changed_table(operation));
    }
    for (const auto& s : sql) {
      c_.execute(sql::Text(s));
      ++statements_run_;
    }
    ++operations_done_;
    done_(operations_done_);
  }
  void refresh_schema() override { set_schema(inspect(c_)); }

 private:
  Connection& c_;
  std::function<void(std::int64_t)> done_;
  std::int64_t operations_done_ = 0;
  std::int64_t statements_run_ = 0;
  std::string current_;
};

// Where foreign keys go unenforced for a migration (SQLite's rebuilds), enforced again
// however it ends.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(Connection& c) : c_(c) {
    run_all(c_, c_.dialect().unenforce_foreign_keys_sql());
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
  ~ForeignKeysOff() {
    try {
      if (c_.in_transaction()) c_.rollback();
      run_all(c_, c_.dialect().enforce_foreign_keys_sql());
    } catch (...) {
      // A connection that cannot take the statement is invalidated, never reused.
    }
  }

 private:
  Connection& c_;
};

// The rows whose foreign key refers to no row, counted by table and referred table.
using Violations = std::map<std::pair<std::string, std::string>, std::int64_t>;

Violations foreign_key_violations(Connection& c) {
  Violations out;
  const std::string sql = c.dialect().foreign_key_check_sql();
  if (sql.empty()) return out;
  auto rows = c.execute(sql::Text(sql).returns_rows());
  const auto text = [](const Value& v) { return v.is_null() ? std::string("?") : v.as_text(); };
  while (rows->next()) ++out[{text(rows->get(0)), text(rows->get(2))}];
  return out;
}

// Fails where the migration left rows whose foreign key refers to no row, besides those
// that were there before it.
void check_foreign_keys(Connection& c, const Violations& before) {
  for (const auto& [key, count] : foreign_key_violations(c)) {
    const auto was = before.find(key);
    if (was != before.end() && was->second >= count) continue;
    throw MigrationError("it leaves rows of table '" + key.first +
                         "' whose foreign key refers to no row of '" + key.second + "'");
  }
}

// Begins a transaction on `c` with `first_write`. Where the transaction's write lock is
// the only lock of a run (SQLite), another instance's migration may hold it past the
// busy timeout: this waits on, up to an hour, rather than fail.
void begin_writing(Connection& c, const std::string& first_write) {
  const bool transaction_is_the_lock = c.dialect().lock_migrations_sql().empty();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
  for (;;) {
    c.begin();
    try {
      c.execute(sql::Text(first_write));
      return;
    } catch (const OperationalError& e) {
      c.rollback();
      const bool locked = std::string_view(e.what()).find("locked") != std::string_view::npos;
      if (!transaction_is_the_lock || e.connection_invalidated() || !locked ||
          std::chrono::steady_clock::now() > deadline) {
        throw;
      }
    }
  }
}

// Runs one migration from `from` (the revision the run read) on `c`. False when
// another process moved the database on first.
bool run_one(Connection& c, const Migration& m, Direction direction, const std::string& from,
             const std::string& to) {
  const Dialect& d = c.dialect();
  const bool transactional = d.transactional_ddl();
  ForeignKeysOff foreign_keys_off(c);
  // The version row stays locked until the migration commits (SQLite's transactions
  // hold the write lock from their start).
  begin_writing(c, "UPDATE " + q(d, version_table) + " SET " + q(d, "id") + " = 1 WHERE " +
                       q(d, "id") + " = 1");
  const VersionState state = read_version(c);
  if (state.interrupted) throw MigrationError(interrupted_message(state));
  if (state.current != from) {
    c.rollback();
    return false;
  }
  const std::string update_done =
      "UPDATE " + q(d, version_table) + " SET " + q(d, "operations_done") + " = ";
  if (!transactional) {
    c.execute(sql::Text("UPDATE " + q(d, version_table) + " SET " + q(d, "running") + " = " +
                        literal(m.id) + ", " + q(d, "direction") + " = '" +
                        std::string(direction_name(direction)) + "', " + q(d, "operations_done") +
                        " = 0 WHERE " + q(d, "id") + " = 1"));
    c.commit();
  }
  std::optional<OnlineOperations> ops;
  try {
    const Violations before = foreign_key_violations(c);
    ops.emplace(c, [&](std::int64_t done) {
      if (!transactional) {
        c.execute(sql::Text(update_done + std::to_string(done) + " WHERE " + q(d, "id") + " = 1"));
      }
    });
    (direction == Direction::upgrade ? m.upgrade : m.downgrade)(*ops);
    ops->all_done();
    check_foreign_keys(c, before);
    c.execute(sql::Text(set_version_sql(d, to)));
    if (transactional) c.commit();
  } catch (const std::exception& e) {
    std::string where = "the " + std::string(direction_name(direction)) + " of migration '" + m.id +
                        "' (" + m.message + ") failed";
    if (ops && !ops->current().empty()) {
      where += " at its operation " + std::to_string(ops->operations_done() + 1) + " (" +
               ops->current() + ")";
    } else if (ops) {
      where += " after its " + std::to_string(ops->operations_done()) + " operations";
    }
    where += ": " + std::string(e.what());
    if (transactional) {
      where += ". Nothing of it was kept";
    } else if (!ops || ops->statements_run() == 0) {
      // Nothing ran: the version table goes back to saying where the database is.
      try {
        c.execute(sql::Text(set_version_sql(d, from)));
        where += ". Nothing of it ran";
      } catch (const std::exception&) {
        where += ". The version table still says it runs: stamp " +
                 (from.empty() ? std::string("base") : from);
      }
    } else {
      where += ". The " + std::string(d.name()) +
               " database commits DDL as it runs: the operations before it stay done, and "
               "the version table says so";
    }
    throw MigrationError(where);
  }
  return true;
}

// Creates the version table and its row where they are not (under the run's lock, or
// SQLite's write lock, which its transaction takes with the CREATE).
void ensure_version_table(Connection& c) {
  const Dialect& d = c.dialect();
  begin_writing(c, create_version_table_sql(d));
  bool has_row = false;
  {
    auto rows = c.execute(sql::Text("SELECT 1 FROM " + q(d, version_table)).returns_rows());
    has_row = rows->next();
  }
  if (!has_row) c.execute(sql::Text(insert_version_row_sql(d)));
  c.commit();
}

std::optional<std::size_t> parse_count(std::string_view text, char sign) {
  if (text.size() < 2 || text[0] != sign) return std::nullopt;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// The position in the line `target` names.
std::size_t target_position(const Migrations& migrations, std::size_t now,
                            std::string_view target) {
  if (target == "head") return migrations.in_order().size();
  if (target == "base") return 0;
  if (const auto n = parse_count(target, '+')) {
    if (*n > migrations.in_order().size() - now) {
      throw ArgumentError("'" + std::string(target) + "' goes past the last of the " +
                          std::to_string(migrations.in_order().size()) + " migrations");
    }
    return now + *n;
  }
  if (const auto n = parse_count(target, '-')) {
    if (*n > now) {
      throw ArgumentError("cannot go " + std::to_string(*n) + " migrations back from revision " +
                          std::to_string(now) + " of the line");
    }
    return now - *n;
  }
  return migrations.position(target);
}

std::size_t position_of(const Migrations& migrations, const std::string& current) {
  if (!current.empty() && !migrations.find(current)) {
    throw MigrationError("the database is at revision '" + current +
                         "', which is not one of the migrations");
  }
  return migrations.position(current);
}

std::vector<std::string> run(const Engine& engine, const Migrations& migrations,
                             std::string_view target, Direction direction) {
  Connection c = engine.connect();
  RunLock lock(c);
  ensure_version_table(c);
  // "+N" and "-N" count from where the database is once the lock is held.
  VersionState state = read_version(c);
  if (state.interrupted) throw MigrationError(interrupted_message(state));
  const std::size_t start = position_of(migrations, state.current);
  const std::size_t goal = target_position(migrations, start, target);
  const auto& line = migrations.in_order();
  if (goal > line.size()) {
    throw ArgumentError("there are " + std::to_string(line.size()) + " migrations; '" +
                        std::string(target) + "' goes past the last");
  }
  if (direction == Direction::upgrade ? goal < start : goal > start) {
    throw ArgumentError(
        "'" + std::string(target) + "' is " +
        (direction == Direction::upgrade ? "behind" : "ahead of") + " the database's revision: " +
        (direction == Direction::upgrade ? "downgrade" : "upgrade") + " goes there");
  }
  std::vector<std::string> done;
  for (;;) {
    // Where SQLite's transactions are the only lock, another instance may have moved
    // the database on since: each migration reads the version again under its lock.
    if (state.interrupted) throw MigrationError(interrupted_message(state));
    const std::size_t now = position_of(migrations, state.current);
    if (direction == Direction::upgrade ? now >= goal : now <= goal) return done;
    const Migration& m = direction == Direction::upgrade ? line[now] : line[now - 1];
    const std::string& to = direction == Direction::upgrade ? m.id : m.parent;
    if (run_one(c, m, direction, state.current, to)) done.push_back(m.id);
    state = read_version(c);
  }
}

// Offline: the operations write SQL; the version table is the one being printed.
class OfflineOperations final : public Operations {
 public:
  // `schema_unknown`: SQL of the user's, since the first migration played, that may
  // have changed the schema (empty: none); shared by the migrations of one script.
  OfflineOperations(const Dialect& d, SchemaDef schema, std::string* out,
                    std::string& schema_unknown)
      : Operations(d, std::move(schema)), out_(out), schema_unknown_(schema_unknown) {}

  Connection& connection() override {
    throw MigrationError(
        "a migration works on the connection in C++, which offline SQL cannot include");
  }
  SchemaDef take_schema() { return schema(); }

 protected:
  void starting(const Operation& operation) override {
    const auto* execute = std::get_if<Execute>(&operation);
    if (execute && !changes_rows_only(execute->sql)) schema_unknown_ = execute->sql;
  }
  void perform(const Operation& operation, const std::vector<std::string>& sql) override {
    // A rebuild copies the columns the schema is known to have: after SQL of the user's
    // that may have changed it, those may not be all.
    if (!schema_unknown_.empty() && rebuilds_table(operation, schema(), dialect())) {
      throw MigrationError("offline SQL cannot rebuild table " + changed_table(operation) +
                           " for \"" + summary(operation) +
                           "\" after SQL whose changes to the schema it cannot read (" +
                           schema_unknown_ + "): run the migrations online");
    }
    if (!out_) return;
    for (const auto& s : sql) *out_ += s + ";\n";
  }

 private:
  // Whether the SQL only changes rows (UPDATE, INSERT, DELETE), by its first word.
  static bool changes_rows_only(const std::string& sql) {
    std::size_t i = 0;
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
    std::string word;
    while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i]))) {
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
    }
    return word == "UPDATE" || word == "INSERT" || word == "DELETE";
  }

  std::string* out_;
  std::string& schema_unknown_;
};

std::string offline(const Dialect& d, const Migrations& migrations, std::string_view from,
                    std::string_view to, Direction direction) {
  const auto& line = migrations.in_order();
  const std::size_t start = from == "base" ? 0 : target_position(migrations, 0, from);
  const std::size_t goal = target_position(migrations, start, to);
  if (direction == Direction::upgrade ? goal < start : goal > start) {
    throw ArgumentError("offline " + std::string(direction_name(direction)) + " from '" +
                        std::string(from) + "' to '" + std::string(to) + "' goes the other way");
  }
  SchemaDef schema;
  std::string schema_unknown;
  for (std::size_t i = 0; i < start; ++i) {
    OfflineOperations replay(d, std::move(schema), nullptr, schema_unknown);
    line[i].upgrade(replay);
    schema = replay.take_schema();
  }
  std::string out;
  if (start == 0 && direction == Direction::upgrade) {
    out += create_version_table_sql(d) + ";\n" + insert_version_row_sql(d) + ";\n";
  }
  // Each migration as the runner runs it: foreign keys unenforced around it where a
  // rebuild needs it, in a transaction where DDL is transactional, its foreign keys
  // checked before the commit (the check's rows, if any, are the rows it broke).
  const auto statements = [&out](const std::vector<std::string>& list) {
    for (const auto& s : list) out += s + ";\n";
  };
  for (std::size_t i = start; i != goal;) {
    const Migration& m = direction == Direction::upgrade ? line[i] : line[i - 1];
    out += "\n-- " + std::string(direction_name(direction)) + " " + m.id +
           (m.message.empty() ? "" : ": " + one_line(m.message)) + "\n";
    statements(d.unenforce_foreign_keys_sql());
    if (d.transactional_ddl()) out += "BEGIN;\n";
    OfflineOperations ops(d, std::move(schema), &out, schema_unknown);
    (direction == Direction::upgrade ? m.upgrade : m.downgrade)(ops);
    schema = ops.take_schema();
    if (!d.foreign_key_check_sql().empty()) out += d.foreign_key_check_sql() + ";\n";
    out += set_version_sql(d, direction == Direction::upgrade ? m.id : m.parent) + ";\n";
    if (d.transactional_ddl()) out += "COMMIT;\n";
    statements(d.enforce_foreign_keys_sql());
    i = direction == Direction::upgrade ? i + 1 : i - 1;
  }
  return out;
}

}  // namespace

VersionState version(const Engine& engine) {
  Connection c = engine.connect();
  if (!has_version_table(c)) return {};
  return read_version(c);
}

std::vector<std::string> upgrade(const Engine& engine, const Migrations& migrations,
                                 std::string_view target) {
  return run(engine, migrations, target, Direction::upgrade);
}

std::vector<std::string> downgrade(const Engine& engine, const Migrations& migrations,
                                   std::string_view target) {
  return run(engine, migrations, target, Direction::downgrade);
}

void stamp(const Engine& engine, const Migrations& migrations, std::string_view revision) {
  const std::string id = revision == "base"   ? std::string()
                         : revision == "head" ? migrations.head()
                                              : std::string(revision);
  migrations.position(id);
  Connection c = engine.connect();
  RunLock lock(c);
  ensure_version_table(c);
  c.begin();
  c.execute(sql::Text(set_version_sql(c.dialect(), id)));
  c.commit();
}

std::string upgrade_sql(const Dialect& dialect, const Migrations& migrations, std::string_view from,
                        std::string_view to) {
  return offline(dialect, migrations, from, to, Direction::upgrade);
}

std::string downgrade_sql(const Dialect& dialect, const Migrations& migrations,
                          std::string_view from, std::string_view to) {
  return offline(dialect, migrations, from, to, Direction::downgrade);
}

}  // namespace relate::migrate
