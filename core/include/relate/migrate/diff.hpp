// The diff between the tables a MetaData declares and those a database holds: the
// operations that would make the database's schema the MetaData's (what autogenerate
// writes, what `check` reports), and notes on what the comparison cannot know.
//
//   relate::migrate::Diff diff =
//       relate::migrate::compare(metadata, relate::migrate::inspect(engine),
//                                engine.dialect());
//   if (!diff.operations.empty()) ... // the database is behind the models
//
// Compared: tables and columns added and dropped; a column's type (as its ColumnType:
// the spellings of one type across backends are the same type), nullability and
// default (as the value the literal stands for: 'draft'::text is 'draft'); unique
// constraints (by name where the MetaData names them, else by columns; on MySQL, where
// a unique constraint is a unique index, against those), indexes (by name) and foreign
// keys (by their columns and the columns they refer to; then their actions, MySQL's
// RESTRICT being its NO ACTION). Not compared, and said in a note where they differ:
// primary keys, autoincrement, and a type Relate does not write against its own. A
// rename cannot be told from a drop and an add: the note says where one may be.
#pragma once

#include <relate/export.hpp>
#include <relate/migrate/operations.hpp>
#include <relate/schema_def.hpp>
#include <set>
#include <string>
#include <vector>

namespace relate {
class Dialect;
class MetaData;
}  // namespace relate

namespace relate::migrate {

struct Diff {
  // In an order that runs: new tables first (a foreign key between new tables that
  // refer to each other added after both), then each table's changes (what goes away
  // before what comes), dropped tables last.
  std::vector<Operation> operations{};
  std::vector<std::string> notes{};
};

// The table where migrations keep the revision a database is at.
inline constexpr const char* version_table = "relate_version";

struct CompareOptions {
  // Tables of the database that are not the MetaData's business (never dropped). The
  // version table of migrations is always left out.
  std::set<std::string, std::less<>> ignore_tables{};
};

RELATE_API Diff compare(const MetaData& metadata, const SchemaDef& database, const Dialect& dialect,
                        const CompareOptions& options = {});

}  // namespace relate::migrate
