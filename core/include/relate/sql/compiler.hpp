// Compiles statement trees and schema DDL into SQL text plus bound parameters for one
// Dialect.
#pragma once

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

CompiledStatement compile(const Statement& statement, const Dialect& dialect);

// CREATE TABLE (with its constraints) followed by CREATE INDEX statements. An
// on_delete/on_update action the dialect cannot enforce throws relate::ArgumentError
// naming table, column and backend.
std::vector<std::string> create_table_ddl(const Table& table, const Dialect& dialect);
std::string drop_table_ddl(const Table& table, const Dialect& dialect);

}  // namespace relate::sql
