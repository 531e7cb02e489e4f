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
}  // namespace relate

namespace relate::sql {

struct CompiledStatement {
  std::string sql;
  std::vector<Value> params;
};

RELATE_API CompiledStatement compile(const Statement& statement, const Dialect& dialect);

// The DDL of a whole schema, tables in dependency order (MetaData::sorted_tables()),
// one list of statements per table. A foreign key into a table created later (tables
// that refer to each other) is added by ALTER TABLE once every table exists where the
// dialect supports it, under its own name or fk_<table>_<columns>, and dropped before
// any table is. An on_delete / on_update action the dialect cannot enforce throws
// relate::ArgumentError naming table, column and backend, before any statement runs.
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
