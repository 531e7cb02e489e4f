// The statements that carry out one migration operation on one dialect, given the
// schema as it stands before it: each backend's ALTER TABLE where it has one, and
// where its ALTER TABLE is limited (SQLite), the rebuild of the table.
#pragma once

#include <relate/migrate/operations.hpp>
#include <relate/schema_def.hpp>
#include <string>
#include <vector>

namespace relate {
class Dialect;
}  // namespace relate

namespace relate::migrate {

// `before` is the schema the operation meets (reflected, or what the migrations so far
// make of it); it names what the operation leaves out (an index's table, the columns
// a rebuild copies). An operation on what `before` lacks is a relate::ArgumentError.
//
// A rebuild (Dialect::limited_alter_table) creates the table as the operation leaves it
// under a new name, copies the rows of every column the two share, drops the old table
// and renames the new one, then makes its indexes again. It must run with foreign keys
// unenforced (SQLite's PRAGMA foreign_keys=OFF, set before the transaction) and be
// followed by a check of every foreign key: the migration runner does both.
std::vector<std::string> operation_sql(const Operation& operation, const SchemaDef& before,
                                       const Dialect& d);

// The table an operation changes (empty: none, or one it creates).
std::string changed_table(const Operation& operation);

// Whether operation_sql(operation, ...) rebuilds a table on `d`.
bool rebuilds_table(const Operation& operation, const SchemaDef& before, const Dialect& d);

}  // namespace relate::migrate
