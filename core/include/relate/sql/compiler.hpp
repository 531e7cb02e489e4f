// Compiles statement trees and schema DDL into SQL text plus bound parameters for one
// Dialect.
#pragma once

#include <relate/export.hpp>
#include <relate/sql/statement.hpp>
#include <relate/value.hpp>
#include <string>
#include <vector>

namespace relate {
class Dialect;
class Table;
struct TableDef;
}  // namespace relate

namespace relate::sql {

// Whether running a statement gives rows back. A backend is told, never guesses from
// the SQL text: the compiler knows it from the statement (a SELECT, or RETURNING), text()
// from what its user declared. `unknown` (SQL written by hand) leaves it to the backend
// to read from the database's answer, as a DBAPI cursor's description does.
enum class Returns : unsigned char { unknown, rows, no_rows };

struct CompiledStatement {
  std::string sql;
  std::vector<Value> params;
  Returns returns = Returns::unknown;
};

RELATE_API CompiledStatement compile(const Statement& statement, const Dialect& dialect);

// `table` as create_all makes it on `dialect`, described by names: each column's type
// as the dialect writes it, a column's unique() as an unnamed unique constraint, a key
// column never nullable, Relate's index names fitted to the dialect's identifier limit.
// An on_delete / on_update action the dialect cannot enforce throws
// relate::ArgumentError naming table, column and backend.
RELATE_API TableDef describe(const Table& table, const Dialect& dialect);

// The DDL of a whole schema, tables in dependency order (MetaData::sorted_tables()),
// one list of statements per table. A foreign key into a table created later (tables
// that refer to each other) is added by ALTER TABLE once every table exists where the
// dialect supports it, under its own name or fk_<table>_<columns>, and dropped before
// any table is. Errors of describe() are thrown before any statement runs.
struct CreateDdl {
  std::vector<std::vector<std::string>> create;            // CREATE TABLE, CREATE INDEX...
  std::vector<std::vector<std::string>> add_foreign_keys;  // once every table exists
};
RELATE_API CreateDdl create_ddl(const std::vector<const Table*>& tables, const Dialect& dialect);
// ALTER TABLE ... DROP for the foreign keys create_ddl added by ALTER TABLE.
RELATE_API std::vector<std::vector<std::string>> drop_foreign_keys_ddl(
    const std::vector<const Table*>& tables, const Dialect& dialect);
RELATE_API std::string drop_table_ddl(const Table& table, const Dialect& dialect);

}  // namespace relate::sql
