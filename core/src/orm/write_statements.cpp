// The statement trees of bulk UPDATE / DELETE and upsert (write_statements.hpp).
#include "write_statements.hpp"

#include <algorithm>
#include <relate/errors.hpp>
#include <relate/metadata.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/schema.hpp>

#include "query_compiler.hpp"

namespace relate {

namespace {

// `what` (e.g. "upsert of Book: on_conflict()") names the members, each a column of m.
std::vector<const Column*> member_columns(const Mapper& m, const std::vector<MemberRef>& members,
                                          const std::string& what) {
  std::vector<const Column*> out;
  for (const MemberRef& ref : members) {
    const auto column = ref.model == m.type() ? m.column_of_field(ref.field) : std::nullopt;
    if (!column) {
      throw ArgumentError(what + " names " + std::string(ref.model_name) +
                          "::" + std::string(ref.member_name) + ", which is not a column of " +
                          std::string(m.name()));
    }
    out.push_back(m.columns()[*column].column);
  }
  return out;
}

std::vector<const Column*> upsert_columns(const Mapper& m, const std::vector<MemberRef>& members,
                                          std::string_view what) {
  return member_columns(m, members,
                        "upsert of " + std::string(m.name()) + ": " + std::string(what));
}

// Whether the row leaves its single autoincrementing key to the database (0 or NULL).
bool generates_key(const Mapper& m, const std::vector<Value>& row) {
  const auto& pk = m.primary_key();
  if (pk.size() != 1 || !m.columns()[pk[0]].column->autoincrement()) return false;
  const Value& v = row[pk[0]];
  return v.is_null() || (v.kind() == Value::Kind::integer && v.as_int() == 0);
}

}  // namespace

sql::Update bulk_update_statement(const MetaData& metadata, const Mapper& mapper,
                                  const BulkSpec& spec) {
  QueryCompiler compiler(metadata);
  sql::Update statement = sql::update(mapper.table());
  statement.where = compiler.table_expression(mapper, spec.where);
  for (const auto& [member, value] : spec.values) {
    const auto column =
        member.model == mapper.type() ? mapper.column_of_field(member.field) : std::nullopt;
    if (!column) {
      throw ArgumentError("update<" + std::string(mapper.name()) + ">() sets " +
                          std::string(member.model_name) + "::" + std::string(member.member_name) +
                          ", which is not a column of " + std::string(mapper.name()));
    }
    statement.values.emplace_back(mapper.columns()[*column].column,
                                  compiler.table_expression(mapper, value));
  }
  if (statement.values.empty()) {
    throw ArgumentError("update<" + std::string(mapper.name()) + ">() sets nothing: call set()");
  }
  statement.returning = member_columns(mapper, spec.returning,
                                       "update<" + std::string(mapper.name()) + ">().returning()");
  return statement;
}

sql::Delete bulk_delete_statement(const MetaData& metadata, const Mapper& mapper,
                                  const BulkSpec& spec) {
  sql::Delete statement = sql::delete_from(mapper.table());
  statement.where = QueryCompiler(metadata).table_expression(mapper, spec.where);
  statement.returning = member_columns(mapper, spec.returning,
                                       "delete_<" + std::string(mapper.name()) + ">().returning()");
  return statement;
}

sql::Insert upsert_statement(const Mapper& mapper, const std::vector<const void*>& rows,
                             const UpsertSpec& spec) {
  sql::Insert statement = sql::insert(mapper.table());
  statement.on_conflict = sql::OnConflict{upsert_columns(mapper, spec.target, "on_conflict()"),
                                          upsert_columns(mapper, spec.update, "do_update()")};
  if (statement.on_conflict->target.empty()) {
    throw ArgumentError("upsert of " + std::string(mapper.name()) +
                        ": on_conflict() must name the unique key that decides");
  }
  std::vector<std::vector<Value>> values;
  for (const void* row : rows) values.push_back(mapper.values(row));
  const bool generated = generates_key(mapper, values.front());
  for (const auto& v : values) {
    if (generates_key(mapper, v) != generated) {
      throw ArgumentError("upsert of " + std::string(mapper.name()) +
                          ": either every row sets the key or none does");
    }
  }
  for (std::size_t i = 0; i < mapper.columns().size(); ++i) {
    if (generated && i == mapper.primary_key().front()) continue;
    statement.columns.push_back(mapper.columns()[i].column);
  }
  for (const Column* c : statement.on_conflict->target) {
    if (std::find(statement.columns.begin(), statement.columns.end(), c) ==
        statement.columns.end()) {
      throw ArgumentError("upsert of " + std::string(mapper.name()) + ": the conflict key '" +
                          c->name() +
                          "' is generated by the database, so no row can collide on it");
    }
  }
  for (auto& v : values) {
    std::vector<Value> row;
    for (const Column* c : statement.columns) row.push_back(std::move(v[c->position()]));
    statement.rows.push_back(std::move(row));
  }
  return statement;
}

}  // namespace relate
