#include "sqlite_connection.hpp"

#include <sys/stat.h>

#include <chrono>
#include <relate/errors.hpp>
#include <string>
#include <thread>

#include "sqlite_options.hpp"

namespace relate::sqlite {

void throw_error(sqlite3* db, int rc, const std::string& sql) {
  const int extended = db ? sqlite3_extended_errcode(db) : rc;
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (!sql.empty()) message += " [SQL: " + sql + "]";
  // The file was renamed or deleted under this handle: it can never write again,
  // while a new connection opens whatever the path holds now. Every other error
  // leaves the handle usable: after a full disk or an I/O error SQLite rolls the
  // transaction back (or finds the hot journal on its next read), and the next
  // transaction may succeed.
  if (extended == SQLITE_READONLY_DBMOVED) {
    throw OperationalError("SQLite: connection lost: " + message, sql,
                           OperationalError::Link::lost);
  }
  switch (extended & 0xff) {
    case SQLITE_CONSTRAINT: {
      std::string constraint;
      if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) constraint = "FOREIGN KEY";
      throw IntegrityError(message, sql, constraint);
    }
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      throw DataError(message, sql);
    case SQLITE_ERROR:
      throw ProgrammingError(message, sql);
    default:
      throw OperationalError(message, sql);
  }
}

namespace {

class SqliteCursor final : public Cursor {
 public:
  SqliteCursor(sqlite3* db, std::shared_ptr<SqliteConnection::Cached> cached, bool has_row,
               std::string sql)
      : db_(db),
        cached_(std::move(cached)),
        stmt_(cached_->stmt),
        expected_(cached_->generation),
        has_row_(has_row),
        sql_(std::move(sql)) {}
  ~SqliteCursor() override {
    if (live()) sqlite3_reset(stmt_);
  }

  bool next() override {
    check_live();
    on_row_ = false;
    if (first_) {
      first_ = false;
      return on_row_ = has_row_;
    }
    if (!has_row_) return false;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return on_row_ = true;
    has_row_ = false;
    if (rc == SQLITE_DONE) return false;
    throw_error(db_, rc, sql_);
  }

  std::size_t column_count() const override {
    return static_cast<std::size_t>(sqlite3_column_count(stmt_));
  }

  std::string column_name(std::size_t i) const override {
    check_live();
    check_column(i, sql_);
    const char* name = sqlite3_column_name(stmt_, static_cast<int>(i));
    if (!name) throw std::bad_alloc();  // SQLite's only failure here
    return name;
  }

  Value get(std::size_t i) override {
    check_live();
    // sqlite3_column_* would answer NULL for a column or a row that is not there.
    if (!on_row_) {
      throw ProgrammingError(
          "a cursor's value was read with no current row: call next() first, "
          "and read only while it returns true [SQL: " +
              sql_ + "]",
          sql_);
    }
    check_column(i, sql_);
    const int c = static_cast<int>(i);
    switch (sqlite3_column_type(stmt_, c)) {
      case SQLITE_INTEGER:
        return Value(static_cast<std::int64_t>(sqlite3_column_int64(stmt_, c)));
      case SQLITE_FLOAT:
        return Value(sqlite3_column_double(stmt_, c));
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
        return Value(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))));
      }
      case SQLITE_BLOB: {
        const auto* data = static_cast<const std::byte*>(sqlite3_column_blob(stmt_, c));
        return Value(Blob(data, data + sqlite3_column_bytes(stmt_, c)));
      }
      default:
        return Value();
    }
  }

 private:
  bool live() const { return cached_->generation == expected_; }
  void check_live() const {
    if (!live()) throw ProgrammingError("a cursor was read after its statement ran again", sql_);
  }

  sqlite3* db_;
  std::shared_ptr<SqliteConnection::Cached> cached_;
  sqlite3_stmt* stmt_;
  std::uint64_t expected_;
  bool has_row_;
  bool first_ = true;
  bool on_row_ = false;  // next() returned true: get() reads that row
  std::string sql_;
};

}  // namespace

SqliteConnection::SqliteConnection(const Url& url) : path_(url.database) {
  // Before opening: a bad option must not leave a new, empty database file behind.
  const SqliteOptions options = read_options(url);
  const int rc =
      sqlite3_open_v2(path_.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open SQLite database '" + path_ +
                          "': " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw OperationalError(message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  try {
    // Off by default and a no-op inside a transaction: set it first thing.
    exec("PRAGMA foreign_keys = ON");
    if (!options.journal_mode.empty()) {
      set_journal_mode(options.journal_mode, options.busy_timeout_ms);
    }
  } catch (...) {
    // The destructor does not run for a constructor that throws.
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
  struct stat st {};
  if (path_ != ":memory:" && !path_.empty() && ::stat(path_.c_str(), &st) == 0) {
    file_.emplace(st.st_dev, st.st_ino);
  }
}

void SqliteConnection::check_file_unchanged(const std::string& sql) const {
  if (!file_) return;
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && std::make_pair(st.st_dev, st.st_ino) == *file_) return;
  throw OperationalError("SQLite: connection lost: the database file '" + path_ +
                             "' was replaced or removed since this connection opened it",
                         sql, OperationalError::Link::lost);
}

void SqliteConnection::set_journal_mode(const std::string& mode, int busy_timeout_ms) {
  const std::string sql = "PRAGMA journal_mode = " + mode;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) throw_error(db_, rc, sql);
  // Changing the mode of a new database needs it to itself, and SQLite answers BUSY at
  // once, without the busy handler, while another connection (another process opening
  // it too) holds a lock: wait as the busy timeout would.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  while (((rc = sqlite3_step(stmt)) & 0xff) == SQLITE_BUSY &&
         std::chrono::steady_clock::now() < deadline) {
    sqlite3_reset(stmt);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::string now;
  if (rc == SQLITE_ROW) {
    if (const unsigned char* text = sqlite3_column_text(stmt, 0)) {
      now = reinterpret_cast<const char*>(text);
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) throw_error(db_, rc, sql);
  if (now != mode) {
    // WAL needs shared memory, which some file systems (network ones) lack.
    throw OperationalError("cannot put SQLite database '" + path_ + "' in journal_mode " + mode +
                               ": it stays in '" + now +
                               "' (choose another with ?journal_mode=delete)",
                           sql);
  }
}

SqliteConnection::~SqliteConnection() {
  cache_.clear();
  // Statements still held by cursors keep the handle busy: sqlite3_close_v2 waits
  // for them.
  sqlite3_close_v2(db_);
}

void SqliteConnection::exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) throw_error(db_, rc, sql);
}

std::shared_ptr<SqliteConnection::Cached> SqliteConnection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  // A bounded cache: programs that build unbounded distinct SQL texts stay bounded.
  // (Statements a cursor still reads live on in the cursor.)
  if (cache_.size() >= 512) cache_.clear();
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) throw_error(db_, rc, sql);
  auto cached = std::make_shared<Cached>(stmt);
  // SQLite prepares the first statement of the text and ignores the rest: a second
  // statement would silently never run. (Only a comment or ';' may follow.)
  sqlite3_stmt* next = nullptr;
  const char* end = sql.c_str() + sql.size();
  if (tail && tail < end &&
      (sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &next, nullptr) != SQLITE_OK ||
       next)) {
    sqlite3_finalize(next);
    throw ArgumentError(
        "one statement at a time: the SQL holds more than one, and only the "
        "first would run [SQL: " +
        sql + "]");
  }
  return cache_.emplace(sql, std::move(cached)).first->second;
}

void SqliteConnection::bind(sqlite3_stmt* stmt, const std::vector<Value>& params,
                            const std::string& sql) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int p = static_cast<int>(i + 1);
    const Value& v = params[i];
    int rc = SQLITE_OK;
    switch (v.kind()) {
      case Value::Kind::null:
        rc = sqlite3_bind_null(stmt, p);
        break;
      case Value::Kind::boolean:
        rc = sqlite3_bind_int(stmt, p, v.as_bool() ? 1 : 0);
        break;
      case Value::Kind::integer:
        rc = sqlite3_bind_int64(stmt, p, v.as_int());
        break;
      case Value::Kind::real:
        // NaN (SQLite would store NULL) and infinity, also in statements compiled by
        // hand (the compiler checks).
        check_portable(v, ValueUse::compared);
        rc = sqlite3_bind_double(stmt, p, v.as_double());
        break;
      case Value::Kind::text: {
        const std::string& s = v.as_text();
        // SQLite reads bound values again at every step, after the caller's statement
        // object may be gone: it keeps its own copy.
        rc = sqlite3_bind_text64(stmt, p, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
      case Value::Kind::blob: {
        const Blob& b = v.as_blob();
        // An empty vector has no data pointer, which SQLite would bind as NULL.
        rc = b.empty() ? sqlite3_bind_zeroblob(stmt, p, 0)
                       : sqlite3_bind_blob64(stmt, p, b.data(), b.size(), SQLITE_TRANSIENT);
        break;
      }
      case Value::Kind::timestamp: {
        const std::string s = format_timestamp(v.as_timestamp());
        rc = sqlite3_bind_text64(stmt, p, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
    }
    if (rc != SQLITE_OK) throw_error(db_, rc, sql);
  }
}

void SqliteConnection::check_transaction(const std::string& sql) const {
  if (ended_by_.empty()) return;
  throw PendingRollbackError(
      "SQLite rolled this transaction back by itself when a statement in it "
      "failed (" +
      ended_by_ +
      "); a statement now would run outside it: call rollback(), then go "
      "on [SQL: " +
      sql + "]");
}

std::unique_ptr<Cursor> SqliteConnection::execute(const sql::CompiledStatement& statement) {
  check_transaction(statement.sql);
  std::shared_ptr<Cached> cached = prepare(statement.sql);
  sqlite3_stmt* stmt = cached->stmt;
  const auto placeholders = static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt));
  if (placeholders != statement.params.size()) {
    throw_placeholder_mismatch(placeholders, statement.params.size(), statement.sql);
  }
  ++cached->generation;
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  bind(stmt, statement.params, statement.sql);
  if (begin_wanted_ && !sqlite3_stmt_readonly(stmt)) start_transaction(statement.sql);
  const int rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sqlite3_reset(stmt);
    // After some errors (a full disk, I/O, no memory) SQLite rolls the whole
    // transaction back; what runs next would commit on its own.
    if (in_transaction_ && sqlite3_get_autocommit(db_)) ended_by_ = statement.sql;
    throw_error(db_, rc, statement.sql);
  }
  if (rc == SQLITE_DONE) sqlite3_reset(stmt);  // statement finished: release its locks
  return std::make_unique<SqliteCursor>(db_, std::move(cached), rc == SQLITE_ROW, statement.sql);
}

std::int64_t SqliteConnection::rows_affected() { return sqlite3_changes64(db_); }
std::int64_t SqliteConnection::last_insert_id() { return sqlite3_last_insert_rowid(db_); }

void SqliteConnection::begin() {
  ended_by_.clear();
  begin_wanted_ = true;
}

void SqliteConnection::start_transaction(const std::string& sql) {
  check_file_unchanged(sql);
  try {
    exec("BEGIN IMMEDIATE");
  } catch (const OperationalError& e) {
    // Most likely another connection kept the write lock past the busy timeout.
    throw OperationalError(
        "the transaction's first write could not take the database's write lock: " +
            std::string(e.what()),
        sql);
  }
  begin_wanted_ = false;
  in_transaction_ = true;
}

void SqliteConnection::savepoint(const std::string& name) {
  const std::string sql = "SAVEPOINT " + name;
  // (and after SQLite rolled the transaction back by itself, SAVEPOINT would begin a
  // new one, which COMMIT would then commit as if nothing was lost)
  check_transaction(sql);
  // SQLite's SAVEPOINT outside a transaction would begin a deferred one of its own.
  if (begin_wanted_) start_transaction(sql);
  exec(sql.c_str());
}

void SqliteConnection::release_savepoint(const std::string& name) {
  const std::string sql = "RELEASE SAVEPOINT " + name;
  check_transaction(sql);
  exec(sql.c_str());
}

void SqliteConnection::rollback_to_savepoint(const std::string& name) {
  const std::string sql = "ROLLBACK TO SAVEPOINT " + name;
  check_transaction(sql);
  exec(sql.c_str());
}

void SqliteConnection::commit() {
  if (begin_wanted_) {
    // Nothing was written: there is no transaction to commit.
    begin_wanted_ = false;
    return;
  }
  // After some errors (a full disk, an I/O error, no memory) SQLite rolls the whole
  // transaction back by itself; COMMIT would then only say that none is active.
  if (in_transaction_ && sqlite3_get_autocommit(db_)) {
    in_transaction_ = false;
    ended_by_.clear();
    throw OperationalError(
        "SQLite rolled the transaction back after an earlier error in it: nothing was "
        "committed",
        "COMMIT");
  }
  exec("COMMIT");
  in_transaction_ = false;
}

void SqliteConnection::rollback() {
  begin_wanted_ = false;
  in_transaction_ = false;
  ended_by_.clear();
  if (!sqlite3_get_autocommit(db_)) exec("ROLLBACK");
}

}  // namespace relate::sqlite
