// The pieces of DDL written from a schema described by names (relate/schema_def.hpp):
// create_all writes its tables with them, and migrations their operations.
#pragma once

#include <relate/schema_def.hpp>
#include <set>
#include <string>
#include <vector>

namespace relate {
class Dialect;
}  // namespace relate

namespace relate::sql {

// The columns of `table` that take part in its key, a unique constraint, an index or a
// foreign key (Dialect::column_type's `keyed`).
std::set<std::string, std::less<>> keyed_columns(const TableDef& table);

// `"name" TYPE [NOT NULL] [DEFAULT ...]`: the type as the column spells it, else as the
// dialect writes its column_type (neither: no type, as SQLite allows). A default that is
// not a literal is written in parentheses.
std::string column_definition(const std::string& table, const ColumnDef& column, bool keyed,
                              const Dialect& d);

// [CONSTRAINT "name"] FOREIGN KEY (...) REFERENCES "t" (...) [ON DELETE ...] [ON UPDATE ...]
std::string foreign_key_definition(const ForeignKeyDef& fk, const Dialect& d);
// [CONSTRAINT "name"] UNIQUE (...)
std::string unique_definition(const KeyDef& unique, const Dialect& d);

// CREATE TABLE with its columns, key, unique constraints and the foreign keys whose
// `inline_foreign_key[i]` is true (all of them when the vector is empty).
std::string create_table_statement(const TableDef& table, const Dialect& d,
                                   const std::vector<bool>& inline_foreign_key = {});
std::string create_index_statement(const std::string& table, const IndexDef& index,
                                   const Dialect& d);
// "col", "col2"
std::string column_list(const std::vector<std::string>& columns, const Dialect& d);

}  // namespace relate::sql
