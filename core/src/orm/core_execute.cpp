// ORM statements on a Connection, without a Session (relate/orm/core_execute.hpp).
#include <relate/engine/driver.hpp>
#include <relate/orm/core_execute.hpp>
#include <relate/schema.hpp>

#include "loading.hpp"
#include "query_compiler.hpp"
#include "read_rows.hpp"
#include "write_statements.hpp"

namespace relate {

std::vector<std::vector<Value>> read_rows(Cursor& cursor, const std::vector<ColumnType>& types) {
  std::vector<std::vector<Value>> rows;
  while (cursor.next()) {
    std::vector<Value> row;
    row.reserve(types.size());
    for (std::size_t i = 0; i < types.size(); ++i)
      row.push_back(normalize(cursor.get(i), types[i]));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::vector<Value>> read_rows(Cursor& cursor,
                                          const std::vector<const Column*>& columns) {
  std::vector<ColumnType> types;
  types.reserve(columns.size());
  for (const Column* c : columns) types.push_back(c->type());
  return read_rows(cursor, types);
}

namespace detail {

std::vector<std::vector<Value>> execute_rows(Connection& connection, const MetaData& metadata,
                                             const QuerySpec& spec) {
  metadata.configure();
  const sql::Select query = QueryCompiler(metadata).row_query(spec);
  return read_rows(*connection.execute(query), spec.column_types);
}

std::int64_t execute_bulk(Connection& connection, const MetaData& metadata, std::type_index type,
                          const BulkSpec& spec, BulkWrite write) {
  metadata.configure();
  const Mapper& mapper = metadata.mapper(type);
  if (write == BulkWrite::remove) {
    connection.execute(bulk_delete_statement(metadata, mapper, spec));
  } else {
    connection.execute(bulk_update_statement(metadata, mapper, spec));
  }
  return connection.rows_affected();
}

std::vector<std::vector<Value>> execute_bulk_returning(Connection& connection,
                                                       const MetaData& metadata,
                                                       std::type_index type, const BulkSpec& spec,
                                                       BulkWrite write) {
  metadata.configure();
  const Mapper& mapper = metadata.mapper(type);
  if (write == BulkWrite::remove) {
    const sql::Delete statement = bulk_delete_statement(metadata, mapper, spec);
    return read_rows(*connection.execute(statement), statement.returning);
  }
  const sql::Update statement = bulk_update_statement(metadata, mapper, spec);
  return read_rows(*connection.execute(statement), statement.returning);
}

void execute_upsert(Connection& connection, const MetaData& metadata, std::type_index type,
                    const std::vector<const void*>& rows, const UpsertSpec& spec) {
  if (rows.empty()) return;
  metadata.configure();
  connection.execute(upsert_statement(metadata.mapper(type), rows, spec));
}

}  // namespace detail

}  // namespace relate
