// One sqlite3 database handle: prepared statements cached by SQL text, foreign keys
// enforced, errors translated into Relate's hierarchy.
//
// Transactions begin at their first write, as Python's sqlite3 driver (and so
// SQLAlchemy) does: begin() only marks one as wanted, statements that only read run
// on their own (each sees the committed data, and holds no lock once done), and the
// first statement that writes starts it with BEGIN IMMEDIATE, which takes the
// database's write lock at once (waiting up to the busy timeout), so that a conflict
// with another writer surfaces at that statement, not at COMMIT. A file database runs
// in WAL mode unless the URL says otherwise, so that readers never wait for the
// writer, nor the writer for readers.
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include <optional>
#include <relate/engine/driver.hpp>
#include <string>
#include <unordered_map>
#include <utility>

namespace relate::sqlite {

class SqliteConnection final : public DriverConnection {
 public:
  explicit SqliteConnection(const Url& url);
  ~SqliteConnection() override;

  std::unique_ptr<Cursor> execute(const sql::CompiledStatement& statement) override;
  std::int64_t rows_affected() override;
  std::int64_t last_insert_id() override;
  void begin() override;
  void commit() override;
  void savepoint(const std::string& name) override;
  void release_savepoint(const std::string& name) override;
  void rollback_to_savepoint(const std::string& name) override;
  void rollback() override;

  // A prepared statement, shared by the cache and the cursors reading it, so that
  // neither evicting it nor re-executing it leaves a cursor dangling.
  struct Cached {
    Cached(sqlite3_stmt* s) : stmt(s) {}
    Cached(const Cached&) = delete;
    Cached& operator=(const Cached&) = delete;
    ~Cached() { sqlite3_finalize(stmt); }
    sqlite3_stmt* stmt;
    std::uint64_t generation = 0;  // bumped at each execute: superseded cursors stop
  };

 private:
  std::shared_ptr<Cached> prepare(const std::string& sql);
  void bind(sqlite3_stmt* stmt, const std::vector<Value>& params, const std::string& sql);
  void exec(const char* sql);
  // PRAGMA journal_mode, checked: SQLite answers with the mode it is in.
  void set_journal_mode(const std::string& mode, int busy_timeout_ms);
  // The transaction begin() wanted, before `sql`, which writes.
  void start_transaction(const std::string& sql);
  // Throws a lost-link OperationalError when the file at path_ is not the one this
  // handle opened (renamed over, as a restore from a backup does, or deleted). SQLite
  // finds that itself in rollback-journal mode, but not in WAL mode, where the write
  // would go to the write-ahead log that the new file's connections read.
  void check_file_unchanged(const std::string& sql) const;
  // Throws PendingRollbackError when SQLite ended the transaction begin() started.
  void check_transaction(const std::string& sql) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  std::optional<std::pair<dev_t, ino_t>> file_;  // the file opened, for a file database
  std::unordered_map<std::string, std::shared_ptr<Cached>> cache_;
  // Set by begin(); the first statement that writes starts the transaction.
  bool begin_wanted_ = false;
  bool in_transaction_ = false;  // BEGIN ran, and neither commit() nor rollback() since
  std::string ended_by_;         // the failed statement after which SQLite rolled it back
};

// Throws the Relate error matching SQLite's result code.
[[noreturn]] void throw_error(sqlite3* db, int rc, const std::string& sql);

}  // namespace relate::sqlite
