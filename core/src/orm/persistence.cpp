// The statements that write an object's row (SQLAlchemy's orm/persistence.py):
// INSERT, UPDATE of the columns that changed, DELETE by the committed key. Each one
// checks how many rows it changed: a row that is not where the session believes it
// is fails the flush with StaleDataError instead of changing another row or nothing.
#include <algorithm>
#include <relate/errors.hpp>
#include <relate/schema.hpp>

#include "unit_of_work.hpp"

namespace relate {

void UnitOfWork::save_rows(const Mapper& m) {
  const auto& persistent = persistent_[&m];
  for (InstanceState* s : persistent) {
    if (!after_inserts_.count(s)) sync_self_referential_children(*s);
  }
  for (InstanceState* s : persistent) {
    if (!after_inserts_.count(s)) save_persistent(*s);
  }
  for (const auto& [taking, deleted] : switched_) {
    if (taking->mapper() == &m) switch_row(*taking, *deleted);
  }
  insert_all(m, parent_first(pending_[&m], RowWrite::insert));
  for (InstanceState* s : persistent) {
    if (after_inserts_.count(s)) save_persistent(*s);
  }
}

void UnitOfWork::save_persistent(InstanceState& state) {
  sync_many_to_one(state, RowWrite::update, SyncPhase::with_row);
  update(state);
  sync_one_to_many(state, RowWrite::update, SyncPhase::with_row);
}

void UnitOfWork::delete_rows(const Mapper& m) {
  const std::vector<InstanceState*>& deleted = deleted_rows_[&m];
  const auto& related = m.written_relationships();
  const bool self_referential =
      std::any_of(related.begin(), related.end(), [&m](const RelationshipProperty* r) {
        return &r->target() == &m && r->direction() != RelationshipDirection::many_to_many;
      });
  if (self_referential || deleted.size() < 2) {
    const auto rows = parent_first(deleted, RowWrite::remove);
    for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
      remove(**row);
      mirror_database_actions(**row);
    }
    return;
  }
  const std::size_t most = std::max<std::size_t>(
      1, conn().dialect().max_parameters() / std::max<std::size_t>(m.primary_key().size(), 1));
  for (std::size_t begin = 0; begin < deleted.size(); begin += most) {
    const std::size_t end = std::min(deleted.size(), begin + most);
    const std::vector<InstanceState*> batch(deleted.begin() + static_cast<std::ptrdiff_t>(begin),
                                            deleted.begin() + static_cast<std::ptrdiff_t>(end));
    if (batch.size() == 1) {
      remove(*batch.front());
    } else {
      remove_all(batch);
    }
    for (InstanceState* row : batch) mirror_database_actions(*row);
  }
}

void UnitOfWork::expect_rows(std::int64_t expected, std::string_view what, const Table& table) {
  const std::int64_t matched = conn().rows_affected();
  if (matched == expected) return;
  throw StaleDataError(std::string(what) + " of table '" + table.name() + "' expected to change " +
                       std::to_string(expected) + " row(s), changed " + std::to_string(matched) +
                       " (was the row deleted or its key changed outside this Session?)");
}

void UnitOfWork::before(MapperEvent event, InstanceState& state) {
  if (!s_.listens(event, *state.mapper())) return;
  touch_fields(state);  // a failed flush puts back what the listener changed
  s_.call(event, state);
}

void UnitOfWork::after(MapperEvent event, InstanceState& state) {
  if (s_.listens(event, *state.mapper())) s_.call(event, state);
}

std::optional<std::size_t> UnitOfWork::generated_key(InstanceState& state) const {
  const Mapper& m = *state.mapper();
  const auto& pk = m.primary_key();
  if (pk.size() != 1 || !m.columns()[pk[0]].column->autoincrement()) return std::nullopt;
  const Value v = m.get(state.object(), pk[0]);
  // A key of 0 (or null) asks the database to assign one.
  if (v.is_null() || (v.kind() == Value::Kind::integer && v.as_int() == 0)) return pk[0];
  return std::nullopt;
}

std::vector<Value> UnitOfWork::insert_values(InstanceState& state) {
  const Mapper& m = *state.mapper();
  std::vector<Value> values = m.values(state.object());
  // post_update foreign keys are written by a second UPDATE once both rows exist.
  for (const RelationshipProperty* rel : m.dependent_relationships()) {
    if (!rel->post_update()) continue;
    for (const auto& pair : rel->column_pairs()) values[pair.foreign] = Value();
  }
  return values;
}

std::size_t UnitOfWork::rows_per_insert(std::size_t columns) {
  constexpr std::size_t most = 500;  // a few statement shapes, each cached once
  return std::clamp<std::size_t>(
      conn().dialect().max_parameters() / std::max<std::size_t>(columns, 1), 1, most);
}

void UnitOfWork::insert_all(const Mapper& m, const std::vector<InstanceState*>& states) {
  if (states.empty()) return;
  // A self-referential mapper's children take their parent's key from the parent's
  // sync after its INSERT: those rows go one by one.
  const bool batches =
      std::none_of(m.written_relationships().begin(), m.written_relationships().end(),
                   [&m](const RelationshipProperty* r) { return &r->target() == &m; });
  const std::size_t most = rows_per_insert(m.columns().size());
  // Runs of rows that give their key, and runs whose key the database generates, each
  // in statements of many rows: the rows keep the order they were added in.
  std::vector<InstanceState*> batch;
  bool batch_generates = false;
  auto write_batch = [&] {
    if (batch.empty()) return;
    if (batch_generates) {
      insert_generating(m, batch);
    } else {
      insert_rows(m, batch);
    }
    for (InstanceState* s : batch) {
      after(MapperEvent::after_insert, *s);
      sync_one_to_many(*s, RowWrite::insert, SyncPhase::with_row);
    }
    batch.clear();
  };
  for (InstanceState* s : states) {
    sync_many_to_one(*s, RowWrite::insert, SyncPhase::with_row);
    before(MapperEvent::before_insert, *s);
    const bool generates = generated_key(*s).has_value();
    if (!batches) {
      batch_generates = generates;
      batch.push_back(s);
      write_batch();
      continue;
    }
    if (generates != batch_generates) write_batch();
    batch_generates = generates;
    batch.push_back(s);
    if (batch.size() == most) write_batch();
  }
  write_batch();
}

void UnitOfWork::insert_generating(const Mapper& m, const std::vector<InstanceState*>& states) {
  using Keys = Dialect::GeneratedKeys;
  const Keys how = conn().dialect().generated_keys();
  std::optional<std::int64_t> step;
  if (states.size() > 1 && how == Keys::stepped) step = conn().generated_key_step();
  // A row of nothing but its key has no VALUES list to order: DEFAULT VALUES, one by one.
  const bool only_key = m.columns().size() == 1;
  if (states.size() == 1 || only_key || how == Keys::one_per_row ||
      (how == Keys::stepped && !step)) {
    for (InstanceState* s : states) insert(*s);
    return;
  }
  const std::size_t key = m.primary_key().front();
  const Column* key_column = m.columns()[key].column;
  sql::Insert ins = sql::insert(m.table());
  for (const auto& c : m.columns()) {
    if (c.column != key_column) ins.columns.push_back(c.column);
  }
  std::vector<std::vector<Value>> values;
  values.reserve(states.size());
  ins.rows.reserve(states.size());
  for (InstanceState* s : states) {
    values.push_back(insert_values(*s));
    std::vector<Value>& row = ins.rows.emplace_back();
    for (std::size_t i = 0; i < values.back().size(); ++i) {
      if (i != key) row.push_back(values.back()[i]);
    }
  }
  const auto n = static_cast<std::int64_t>(states.size());
  std::vector<std::int64_t> keys;
  keys.reserve(states.size());
  if (how == Keys::stepped) {
    conn().execute(ins);
    expect_rows(n, "INSERT", m.table());
    const std::int64_t first = conn().last_insert_id();
    for (std::int64_t i = 0; i < n; ++i) keys.push_back(first + i * *step);
  } else {
    ins.in_order = true;
    ins.returning.push_back(key_column);
    auto cursor = conn().execute(ins);
    while (cursor->next()) keys.push_back(cursor->get(0).as_int());
    std::sort(keys.begin(), keys.end());
    check_generated_keys(keys, n, how == Keys::consecutive, m.table());
  }
  for (std::size_t i = 0; i < states.size(); ++i) {
    take_generated_key(*states[i], key, std::move(values[i]), Value(keys[i]));
  }
}

void UnitOfWork::check_generated_keys(const std::vector<std::int64_t>& sorted, std::int64_t rows,
                                      bool consecutive, const Table& table) {
  const std::string what =
      "INSERT of " + std::to_string(rows) + " rows into table '" + table.name() + "' returned ";
  if (static_cast<std::int64_t>(sorted.size()) != rows) {
    throw StaleDataError(what + std::to_string(sorted.size()) + " generated keys");
  }
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const bool in_step = consecutive ? sorted[i] - sorted[i - 1] == 1 : sorted[i] > sorted[i - 1];
    if (!in_step) {
      throw StaleDataError(what + "keys " + std::to_string(sorted[i - 1]) + " and " +
                           std::to_string(sorted[i]) + ", which do not tell which row has which " +
                           "(the database did not number the rows in order)");
    }
  }
}

void UnitOfWork::insert_rows(const Mapper& m, const std::vector<InstanceState*>& states) {
  if (states.size() == 1) {
    insert(*states.front());
    return;
  }
  sql::Insert ins = sql::insert(m.table());
  for (const auto& c : m.columns()) ins.columns.push_back(c.column);
  ins.rows.reserve(states.size());
  for (InstanceState* s : states) ins.rows.push_back(insert_values(*s));
  sql::Statement statement = std::move(ins);
  conn().execute(statement);
  expect_rows(static_cast<std::int64_t>(states.size()), "INSERT", m.table());
  const auto& written = std::get<sql::Insert>(statement).rows;
  for (std::size_t i = 0; i < states.size(); ++i) mark_inserted(*states[i], written[i]);
}

void UnitOfWork::mark_inserted(InstanceState& state, const std::vector<Value>& written) {
  journal(state);
  // The first row of the object: in its graph's memory (a later one is a snapshot of
  // its own, so that rewriting rows does not grow the graph).
  InstanceAccess::committed(state) = state.committed().empty() ? RowSnapshot(written, state.graph())
                                                               : RowSnapshot(written);
  InstanceAccess::status(state) = ObjectStatus::persistent;
  s_.identity_put(s_.key_of(state), &state);
  inserted_.insert(&state);
}

void UnitOfWork::insert(InstanceState& state) {
  const Mapper& m = *state.mapper();
  const std::optional<std::size_t> generated = generated_key(state);
  std::vector<Value> values = insert_values(state);
  sql::Insert ins = sql::insert(m.table());
  ins.rows.emplace_back();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (generated && i == *generated) continue;
    ins.columns.push_back(m.columns()[i].column);
    ins.rows.back().push_back(values[i]);
  }
  const bool returning = generated && conn().dialect().supports_returning();
  if (returning) ins.returning.push_back(m.columns()[*generated].column);
  auto cursor = conn().execute(std::move(ins));
  if (!returning) expect_rows(1, "INSERT", m.table());
  if (generated) {
    Value id;
    if (returning) {
      if (!cursor->next()) {
        throw StaleDataError("INSERT into table '" + m.table().name() +
                             "' returned no generated key");
      }
      id = cursor->get(0);
    } else {
      id = Value(conn().last_insert_id());
    }
    take_generated_key(state, *generated, std::move(values), std::move(id));
    return;
  }
  mark_inserted(state, values);
}

void UnitOfWork::take_generated_key(InstanceState& state, std::size_t column,
                                    std::vector<Value> values, Value key) {
  const Mapper& m = *state.mapper();
  touch_fields(state);
  Value before = m.get(state.object(), column);
  m.set(state.object(), column, std::move(key));
  values[column] = m.get(state.object(), column);
  mark_inserted(state, values);
  // A rollback of the transaction makes it pending again, with the key it had.
  s_.log_.journal.at(&state).key_before = std::move(before);
}

sql::Update UnitOfWork::update_of(const Mapper& m, const RowSnapshot& committed,
                                  const std::vector<Value>& values) {
  sql::Update up = sql::update(m.table());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!committed.equals(i, values[i])) {
      up.values.emplace_back(m.columns()[i].column, sql::param(values[i]));
    }
  }
  for (std::size_t i : m.primary_key()) {
    up.where =
        sql::and_(up.where, sql::binary(sql::BinaryOp::eq, sql::column(*m.columns()[i].column),
                                        sql::param(committed[i])));
  }
  return up;
}

void UnitOfWork::execute_update(const Mapper& m, const sql::Update& up) {
  conn().execute(up);
  expect_rows(1, "UPDATE", m.table());
}

void UnitOfWork::update(InstanceState& state, bool events) {
  const Mapper& m = *state.mapper();
  std::vector<Value> values = m.values(state.object());
  sql::Update up = update_of(m, state.committed(), values);
  if (up.values.empty()) return;
  if (events && s_.listens(MapperEvent::before_update, m)) {
    // What the listener changes is written by this UPDATE.
    before(MapperEvent::before_update, state);
    values = m.values(state.object());
    up = update_of(m, state.committed(), values);
    if (up.values.empty()) return;
  }
  execute_update(m, up);
  journal(state);
  const IdentityKey old_key = s_.key_of(state);
  InstanceAccess::committed(state) = RowSnapshot(values);
  IdentityKey new_key = s_.key_of(state);
  if (!(old_key == new_key)) {
    s_.identity_remove(old_key, &state);
    s_.identity_put(std::move(new_key), &state);
  }
  if (events) after(MapperEvent::after_update, state);
}

void UnitOfWork::switch_row(InstanceState& taking, InstanceState& deleted) {
  sync_many_to_one(taking, RowWrite::insert, SyncPhase::with_row);
  // As SQLAlchemy's row switch: the new object's before_insert, then after_update.
  before(MapperEvent::before_insert, taking);
  const Mapper& m = *taking.mapper();
  const std::vector<Value> values = insert_values(taking);
  sql::Update up = update_of(m, deleted.committed(), values);
  if (up.values.empty()) {
    // Nothing to change, but the new object's row is the deleted one's: the row count
    // of setting its key to itself proves the row is still there to take over (a row
    // deleted by another transaction meanwhile would leave the new object without one).
    for (std::size_t i : m.primary_key()) {
      up.values.emplace_back(m.columns()[i].column, sql::param(values[i]));
    }
  }
  execute_update(m, up);
  journal(deleted);
  InstanceAccess::status(deleted) = ObjectStatus::deleted;
  s_.identity_remove(s_.key_of(deleted), &deleted);
  mark_inserted(taking, values);
  after(MapperEvent::after_update, taking);
  sync_one_to_many(taking, RowWrite::insert, SyncPhase::with_row);
}

void UnitOfWork::remove(InstanceState& state) {
  const Mapper& m = *state.mapper();
  before(MapperEvent::before_delete, state);
  sql::Delete del = sql::delete_from(m.table());
  for (std::size_t i : m.primary_key()) {
    del.where =
        sql::and_(del.where, sql::binary(sql::BinaryOp::eq, sql::column(*m.columns()[i].column),
                                         sql::param(state.committed()[i])));
  }
  conn().execute(del);
  expect_rows(1, "DELETE", m.table());
  mark_removed(state);
  after(MapperEvent::after_delete, state);
}

void UnitOfWork::remove_all(const std::vector<InstanceState*>& states) {
  const Mapper& m = *states.front()->mapper();
  // As SQLAlchemy's batched DELETE: the listeners of every row first, then the
  // statement.
  for (InstanceState* state : states) before(MapperEvent::before_delete, *state);
  std::vector<sql::Expr> key;
  for (std::size_t i : m.primary_key()) key.push_back(sql::column(*m.columns()[i].column));
  std::vector<std::vector<Value>> keys;
  keys.reserve(states.size());
  for (const InstanceState* state : states) {
    std::vector<Value>& row = keys.emplace_back();
    for (std::size_t i : m.primary_key()) row.push_back(state->committed()[i]);
  }
  sql::Delete del = sql::delete_from(m.table());
  del.where = sql::tuple_in(std::move(key), std::move(keys));
  conn().execute(del);
  expect_rows(static_cast<std::int64_t>(states.size()), "DELETE", m.table());
  for (InstanceState* state : states) mark_removed(*state);
  for (InstanceState* state : states) after(MapperEvent::after_delete, *state);
}

void UnitOfWork::mark_removed(InstanceState& state) {
  journal(state);
  InstanceAccess::status(state) = ObjectStatus::deleted;
  s_.identity_remove(s_.key_of(state), &state);
}

}  // namespace relate
