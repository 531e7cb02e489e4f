// Running migrations against a database: the version table (relate_version) keeps the
// revision the database is at; upgrade and downgrade move it along the line of
// Migrations, one migration at a time.
//
//   relate::migrate::upgrade(engine, migrations);          // to the last one
//   relate::migrate::downgrade(engine, migrations, "-1");  // one back
//
// Each migration runs in a transaction of its own where the database's DDL is
// transactional (PostgreSQL, SQLite): one that fails leaves nothing of itself, and the
// version table at the migration before it. MySQL commits each DDL statement as it runs:
// there, before a migration starts, the version table records that it runs, and after
// each of its operations how many are done, so that one failing halfway leaves the
// version table saying which migration stopped after which operation. Until someone
// repairs the schema by hand and stamps the revision it is at, upgrade and downgrade
// refuse to run (relate::migrate::MigrationError).
//
// Many application instances may upgrade at once: the whole upgrade holds a lock on
// the server (PostgreSQL's advisory lock, MySQL's GET_LOCK for the database; on SQLite
// each migration's transaction takes the write lock first), and each migration reads
// the version again under it. A second instance waits, then finds nothing left to do.
// On SQLite, where ALTER TABLE cannot make a change and the table is rebuilt, foreign
// keys are not enforced during the migration (PRAGMA foreign_keys=OFF, set before its
// transaction) and every row is checked before the commit (PRAGMA foreign_key_check).
#pragma once

#include <optional>
#include <relate/errors.hpp>
#include <relate/export.hpp>
#include <relate/migrate/migration.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace relate {
class Dialect;
class Engine;
}  // namespace relate

namespace relate::migrate {

// A migration failed or cannot run: the database is at a revision the migrations do
// not know, between two revisions, or a migration's operation failed (the message says
// which, and what the database said).
class RELATE_API MigrationError : public Error {
 public:
  using Error::Error;
};

struct VersionState {
  // The revision the database is at; empty: none (no migration applied, or no version
  // table).
  std::string current{};
  // A migration that started and did not finish where DDL is not transactional (MySQL):
  // its id, "upgrade" or "downgrade", and how many of its operations were done.
  struct Interrupted {
    std::string migration{};
    std::string direction{};
    std::int64_t operations_done = 0;
  };
  std::optional<Interrupted> interrupted{};
};

RELATE_API VersionState version(const Engine& engine);

// Runs the upgrades from the database's revision to `target`: "head" (the last
// migration), a migration's id, or "+N" (N migrations on). Returns the ids run, in order.
RELATE_API std::vector<std::string> upgrade(const Engine& engine, const Migrations& migrations,
                                            std::string_view target = "head");
// Runs the downgrades from the database's revision back to `target`: "base" (before
// the first migration), a migration's id, or "-N" (N migrations back). Returns the ids
// undone, in the order undone.
RELATE_API std::vector<std::string> downgrade(const Engine& engine, const Migrations& migrations,
                                              std::string_view target);
// Sets the version table to `revision` ("base", "head" or an id) without running
// anything, and forgets an interrupted migration: for a database whose schema someone
// made by hand.
RELATE_API void stamp(const Engine& engine, const Migrations& migrations,
                      std::string_view revision);

// Offline: the SQL that upgrade (or downgrade) would run from `from` to `to` on
// `dialect`, with the version table's, without connecting. What the migrations before
// `from` did is played through to know the schema. A migration that works on the
// connection in C++ cannot be printed: MigrationError.
RELATE_API std::string upgrade_sql(const Dialect& dialect, const Migrations& migrations,
                                   std::string_view from, std::string_view to = "head");
RELATE_API std::string downgrade_sql(const Dialect& dialect, const Migrations& migrations,
                                     std::string_view from, std::string_view to);

}  // namespace relate::migrate
