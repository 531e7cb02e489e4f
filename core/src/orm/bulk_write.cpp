// Bulk UPDATE and DELETE (relate/orm/bulk.hpp) as a unit of work of one statement:
// the Session flushes first, the statement runs, and with SynchronizeSession::fetch the
// objects the Session holds for the matched rows (read before, or returned by the
// statement where the backend has RETURNING) follow the database, journaled so that
// rollback() restores them. A failure is a failed flush: the transaction is rolled
// back, the objects come back, and the Session wants rollback().
#include <algorithm>
#include <cmath>
#include <relate/engine/driver.hpp>
#include <relate/errors.hpp>
#include <relate/schema.hpp>

#include "evaluate.hpp"
#include "loading.hpp"
#include "read_rows.hpp"
#include "unit_of_work.hpp"
#include "write_statements.hpp"

namespace relate {

namespace {

bool holds_any(const IdentityMap& identity, const Mapper& mapper) {
  return std::any_of(identity.begin(), identity.end(),
                     [&mapper](const InstanceState* s) { return s->mapper() == &mapper; });
}

std::vector<const Column*> key_columns(const Mapper& mapper) {
  std::vector<const Column*> out;
  for (std::size_t i : mapper.primary_key()) out.push_back(mapper.columns()[i].column);
  return out;
}

}  // namespace

std::vector<InstanceState*> UnitOfWork::objects_matching(const Mapper& mapper,
                                                         const sql::Expr& where) {
  std::vector<InstanceState*> out;
  if (!holds_any(s_.identity_, mapper)) return out;
  sql::Select keys;
  keys.from.table = &mapper.table();
  for (const Column* c : key_columns(mapper)) keys.columns.push_back(sql::column(*c));
  keys.where = where;
  auto cursor = conn().execute(keys);
  while (cursor->next()) {
    std::vector<Value> key;
    for (std::size_t i = 0; i < mapper.primary_key().size(); ++i) {
      key.push_back(
          normalize(cursor->get(i), mapper.columns()[mapper.primary_key()[i]].column->type()));
    }
    if (InstanceState* s = s_.lookup(mapper, key)) out.push_back(s);
  }
  return out;
}

namespace {

// `v`, computed in memory, as the column stores it; nothing where the database may
// store something else (a real into an integer column, an integer beyond the column's
// range, single precision).
std::optional<Value> stored_as(const Value& v, const Column& column) {
  const ColumnType type = column.type();
  switch (v.kind()) {
    case Value::Kind::null:
      return v;
    case Value::Kind::integer: {
      const std::int64_t i = v.as_int();
      if (type == ColumnType::small_integer) {
        if (i < INT16_MIN || i > INT16_MAX) return std::nullopt;
        return v;
      }
      if (type == ColumnType::integer) {
        if (i < INT32_MIN || i > INT32_MAX) return std::nullopt;
        return v;
      }
      if (type == ColumnType::big_integer) return v;
      if (type == ColumnType::double_precision && i >= -(std::int64_t{1} << 53) &&
          i <= (std::int64_t{1} << 53)) {
        return Value(v.as_double());
      }
      return std::nullopt;
    }
    case Value::Kind::real:
      // (-0.0: SQLite and MySQL keep 0, PostgreSQL -0.)
      if (type == ColumnType::double_precision &&
          !(v.as_double() == 0 && std::signbit(v.as_double()))) {
        return v;
      }
      return std::nullopt;
    default: {
      // Other kinds go only into the column type of their own kind.
      const bool same = (v.kind() == Value::Kind::boolean && type == ColumnType::boolean) ||
                        (v.kind() == Value::Kind::text && type == ColumnType::text) ||
                        (v.kind() == Value::Kind::blob && type == ColumnType::blob) ||
                        (v.kind() == Value::Kind::timestamp && type == ColumnType::timestamp);
      if (same) return v;
      return std::nullopt;
    }
  }
}

std::size_t column_index(const Mapper& mapper, const Column& column) {
  std::size_t i = 0;
  while (mapper.columns()[i].column != &column) ++i;  // (the statement set a column of it)
  return i;
}

}  // namespace

UnitOfWork::Matched UnitOfWork::held_matching(const Mapper& mapper, const sql::Expr& where,
                                              SynchronizeSession synchronize) {
  if (synchronize == SynchronizeSession::none) return {};
  if (synchronize == SynchronizeSession::evaluate) {
    const InMemoryEvaluator evaluator(mapper, s_.engine.dialect());
    Matched out{{}, true};
    for (InstanceState* s : s_.identity_) {
      if (s->mapper() != &mapper || s->status() != ObjectStatus::persistent) continue;
      const auto match = InMemoryEvaluator::matches(evaluator.evaluate(where, s->committed()));
      if (!match) {
        out.evaluated = false;  // memory cannot tell for this row: the database says
        break;
      }
      if (*match) out.objects.push_back(s);
    }
    if (out.evaluated) return out;
  }
  return {objects_matching(mapper, where), false};
}

std::vector<InstanceState*> UnitOfWork::set_evaluated(const Mapper& mapper,
                                                      const sql::Update& statement,
                                                      const std::vector<InstanceState*>& held) {
  // Every SET sees the row as it was, as in SQL (on MySQL, as the SETs before it left
  // it); what memory cannot compute is read from the database instead (returned).
  const Dialect& dialect = s_.engine.dialect();
  const InMemoryEvaluator evaluator(mapper, dialect);
  bool computable = true;
  for (const auto& [column, expr] : statement.values) {
    computable = computable && !evaluator.unevaluatable(expr);
  }
  if (!computable) return held;
  std::vector<InstanceState*> unknown;
  for (InstanceState* s : held) {
    std::vector<Value> row = s->committed().values();
    std::vector<std::pair<std::size_t, Value>> changes;
    for (const auto& [column, expr] : statement.values) {
      std::optional<Value> value;
      try {
        // MySQL: the row as the SETs so far left it.
        value = dialect.update_reads_old_row() || changes.empty()
                    ? evaluator.evaluate(expr, s->committed())
                    : evaluator.evaluate(expr, RowSnapshot(row));
      } catch (const Error&) {
        value.reset();  // a value of a kind memory did not expect: the row says
      }
      const auto stored = value ? stored_as(*value, *column) : std::nullopt;
      if (!stored) break;
      const std::size_t i = column_index(mapper, *column);
      changes.emplace_back(i, *stored);
      if (!dialect.update_reads_old_row()) row[i] = *stored;
    }
    if (changes.size() != statement.values.size()) {
      unknown.push_back(s);
      continue;
    }
    for (auto& [i, value] : changes) {
      row[i] = value;
      record_session_set(*s, i, value);
      mapper.set(s->object(), i, std::move(value));
    }
    InstanceAccess::committed(*s) = RowSnapshot(row);
  }
  return unknown;
}

bool UnitOfWork::fetches_by_returning(const Mapper& mapper, SynchronizeSession synchronize) const {
  return synchronize == SynchronizeSession::fetch && s_.engine.dialect().supports_returning() &&
         holds_any(s_.identity_, mapper);
}

template <class Statement>
SessionImpl::BulkResult UnitOfWork::run_bulk(const Statement& statement) {
  if (statement.returning.empty()) {
    conn().execute(statement);
    return {conn().rows_affected(), {}};
  }
  std::vector<std::vector<Value>> rows = read_rows(*conn().execute(statement), statement.returning);
  return {static_cast<std::int64_t>(rows.size()), std::move(rows)};
}

std::vector<std::pair<InstanceState*, std::vector<Value>>> UnitOfWork::take_fetched(
    const Mapper& mapper, std::vector<std::vector<Value>>& rows, std::size_t fetched) {
  const auto keys = static_cast<std::ptrdiff_t>(mapper.primary_key().size());
  std::vector<std::pair<InstanceState*, std::vector<Value>>> held;
  for (std::vector<Value>& row : rows) {
    const auto end = row.begin() + static_cast<std::ptrdiff_t>(fetched);
    if (InstanceState* s = s_.lookup(mapper, std::vector<Value>(row.begin(), row.begin() + keys))) {
      held.emplace_back(s, std::vector<Value>(row.begin() + keys, end));
    }
    row.erase(row.begin(), end);
  }
  return held;
}

SessionImpl::BulkResult UnitOfWork::bulk_update(const Mapper& mapper, sql::Update statement,
                                                SynchronizeSession synchronize) {
  if (fetches_by_returning(mapper, synchronize)) {
    // The keys and the SET columns first, then what returning() asked for.
    std::vector<const Column*> fetched = key_columns(mapper);
    for (const auto& [column, value] : statement.values) fetched.push_back(column);
    statement.returning.insert(statement.returning.begin(), fetched.begin(), fetched.end());
    SessionImpl::BulkResult result = run_bulk(statement);
    for (const auto& [s, values] : take_fetched(mapper, result.rows, fetched.size())) {
      journal(*s);
      std::vector<Value> row = s->committed().values();
      for (std::size_t c = 0; c < values.size(); ++c) {
        const std::size_t i = column_index(mapper, *statement.values[c].first);
        row[i] = values[c];
        record_session_set(*s, i, values[c]);
        mapper.set(s->object(), i, Value(values[c]));
      }
      InstanceAccess::committed(*s) = RowSnapshot(std::move(row));
    }
    return result;
  }
  const Matched held = held_matching(mapper, statement.where, synchronize);
  SessionImpl::BulkResult result = run_bulk(statement);
  if (held.objects.empty()) return result;
  for (InstanceState* s : held.objects) journal(*s);
  const std::vector<InstanceState*> reload =
      held.evaluated ? set_evaluated(mapper, statement, held.objects) : held.objects;
  if (!reload.empty()) reload_synchronized(mapper, reload);
  return result;
}

SessionImpl::BulkResult UnitOfWork::bulk_delete(const Mapper& mapper, sql::Delete statement,
                                                SynchronizeSession synchronize) {
  std::vector<InstanceState*> held;
  SessionImpl::BulkResult result;
  if (fetches_by_returning(mapper, synchronize)) {
    const std::vector<const Column*> keys = key_columns(mapper);
    statement.returning.insert(statement.returning.begin(), keys.begin(), keys.end());
    result = run_bulk(statement);
    for (const auto& [s, values] : take_fetched(mapper, result.rows, keys.size())) {
      held.push_back(s);
    }
  } else {
    held = held_matching(mapper, statement.where, synchronize).objects;
    result = run_bulk(statement);
  }
  for (InstanceState* s : held) {
    if (s->status() != ObjectStatus::persistent) continue;
    journal(*s);
    InstanceAccess::status(*s) = ObjectStatus::deleted;
    deleting_.insert(s);
    deletes_.push_back(s);
    s_.identity_remove(s_.key_of(*s), s);
    std::erase(s_.deleted_, s);
  }
  for (InstanceState* s : held) mirror_database_actions(*s);
  finish_bulk();
  return result;
}

SessionImpl::BulkResult SessionImpl::bulk_write(const Mapper& mapper, const BulkSpec& spec,
                                                detail::BulkWrite write) {
  // The statement, and whether memory can follow it, are checked before anything runs.
  std::optional<sql::Update> update;
  std::optional<sql::Delete> remove;
  if (write == detail::BulkWrite::remove) {
    remove = bulk_delete_statement(metadata, mapper, spec);
  } else {
    update = bulk_update_statement(metadata, mapper, spec);
  }
  if (!spec.returning.empty() && !engine.dialect().supports_returning()) {
    throw ArgumentError(std::string(update ? "update<" : "delete_<") + std::string(mapper.name()) +
                        ">().returning(): RETURNING is not supported by the " +
                        std::string(engine.dialect().name()) + " backend");
  }
  if (update && spec.synchronize != SynchronizeSession::none) {
    for (const auto& [column, value] : update->values) {
      if (!column->is_primary_key()) continue;
      throw ArgumentError("update<" + std::string(mapper.name()) +
                          ">() sets the primary key column '" + column->name() +
                          "': the objects the Session holds could not follow their rows to "
                          "new keys; change the objects and flush, or use "
                          "synchronize_session(SynchronizeSession::none)");
    }
  }
  if (spec.synchronize == SynchronizeSession::evaluate) {
    const sql::Expr& where = update ? update->where : remove->where;
    if (const auto why = InMemoryEvaluator(mapper, engine.dialect()).unevaluatable(where)) {
      throw InvalidRequestError(
          std::string(update ? "update<" : "delete_<") + std::string(mapper.name()) +
          ">() with synchronize_session(evaluate): its WHERE cannot be evaluated in memory (" +
          *why + "); use SynchronizeSession::fetch");
    }
  }
  flush();
  UnitOfWork uow(*this);
  try {
    BulkResult result = remove ? uow.bulk_delete(mapper, *remove, spec.synchronize)
                               : uow.bulk_update(mapper, *update, spec.synchronize);
    if (spec.synchronize == SynchronizeSession::none) {
      for (InstanceState* s : identity_) unsynchronized_.insert(s);
    }
    return result;
  } catch (...) {
    uow.restore();
    fail_transaction();
    throw;
  }
}

}  // namespace relate
