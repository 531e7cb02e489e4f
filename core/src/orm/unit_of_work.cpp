// The unit of work: what a flush writes and in which order. Parents are inserted
// before children, children are updated (foreign key nulled) or deleted before their
// parents, and foreign keys are copied from related objects just before each row is
// written. Every change to an object is journaled so that a failed flush can put
// objects back exactly as they were before it.
#include "unit_of_work.hpp"

#include <algorithm>
#include <relate/orm/loading.hpp>
#include <relate/schema.hpp>

namespace relate {

void SessionImpl::restore_transaction_state() {
  // Two passes: every journaled object leaves the identity map under its current
  // key before any returns under its old one, so that a key deleted and reused in
  // the transaction ends up with the object that held it before.
  const std::vector<std::pair<InstanceState*, Saved>> entries(journal_.begin(), journal_.end());
  journal_.clear();
  for (const auto& [state, saved] : entries) {
    if (state->session() != this) continue;
    if (!state->committed().empty()) identity_remove(key_of(*state), state);
    InstanceAccess::status(*state) = saved.status;
    InstanceAccess::committed(*state) = saved.committed;
  }
  for (const auto& [state, saved] : entries) {
    if (state->session() != this) continue;
    if (saved.status == ObjectStatus::pending) {
      if (std::find(new_.begin(), new_.end(), state) == new_.end()) new_.push_back(state);
    } else {
      identity_put(key_of(*state), state);
      if (saved.status == ObjectStatus::deleted &&
          std::find(deleted_.begin(), deleted_.end(), state) == deleted_.end()) {
        deleted_.push_back(state);
      }
    }
  }
}

void SessionImpl::flush() {
  check_usable();
  UnitOfWork uow(*this);
  try {
    uow.run();
  } catch (...) {
    uow.restore();
    fail_transaction();
    throw;
  }
}

void UnitOfWork::journal(InstanceState& state) {
  // Objects this flush's cascades marked deleted were persistent before it.
  const bool cascaded = deleting_.count(&state) && !requested_deletes_.count(&state);
  s_.journal_.try_emplace(
      &state,
      SessionImpl::Saved{cascaded ? ObjectStatus::persistent : state.status(), state.committed()});
}

void UnitOfWork::touch_fields(InstanceState& state) {
  fields_before_.try_emplace(&state, state.mapper()->values(state.object()));
}

void UnitOfWork::restore() noexcept {
  for (const auto& d : deletes_) {
    if (d->status() == ObjectStatus::deleted && !requested_deletes_.count(d)) {
      InstanceAccess::status(*d) = ObjectStatus::persistent;
    }
  }
  for (auto& [state, values] : fields_before_) {
    const Mapper& m = *state->mapper();
    for (std::size_t i = 0; i < values.size(); ++i) {
      try {
        m.set(state->object(), i, Value(values[i]));
      } catch (...) {
        // The values came out of these members; putting them back cannot fail.
      }
    }
  }
}

void UnitOfWork::set_columns(InstanceState& target, const std::vector<std::size_t>& columns,
                             const std::vector<Value>& values) {
  const Mapper& m = *target.mapper();
  bool differs = false;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (m.get(target.object(), columns[i]) != values[i]) differs = true;
  }
  if (!differs) return;
  touch_fields(target);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    m.set(target.object(), columns[i], Value(values[i]));
  }
}

RelationshipAttribute& UnitOfWork::loaded_attribute(InstanceState& parent,
                                                    const RelationshipProperty& rel) {
  RelationshipAttribute& attr = rel.attribute(parent.object());
  if (!attr.is_loaded()) s_.load_relationship(parent, rel);
  return attr;
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
  // A self-referential mapper's children take their parent's key from the parent's
  // push after its INSERT: those rows go one by one.
  const bool batches =
      std::none_of(m.relationships().begin(), m.relationships().end(),
                   [&m](const RelationshipProperty* r) { return &r->target() == &m; });
  const std::size_t most = rows_per_insert(m.columns().size());
  std::vector<InstanceState*> batch;
  auto write_batch = [&] {
    if (batch.empty()) return;
    insert_rows(m, batch);
    for (InstanceState* s : batch) push_one_to_many(*s, true, false);
    batch.clear();
  };
  for (InstanceState* s : states) {
    pull_many_to_one(*s, true, false);
    if (batches && !generated_key(*s)) {
      batch.push_back(s);
      if (batch.size() == most) write_batch();
      continue;
    }
    write_batch();
    insert(*s);
    push_one_to_many(*s, true, false);
  }
  write_batch();
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
  const auto& written = std::get<sql::Insert>(statement).rows;
  for (std::size_t i = 0; i < states.size(); ++i) mark_inserted(*states[i], written[i]);
}

void UnitOfWork::mark_inserted(InstanceState& state, const std::vector<Value>& written) {
  journal(state);
  InstanceAccess::committed(state) = RowSnapshot(written);
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
  if (generated) {
    Value id;
    if (returning) {
      cursor->next();
      id = cursor->get(0);
    } else {
      id = Value(conn().last_insert_id());
    }
    touch_fields(state);
    m.set(state.object(), *generated, Value(id));
    values[*generated] = m.get(state.object(), *generated);
  }
  mark_inserted(state, values);
}

void UnitOfWork::update(InstanceState& state) {
  const Mapper& m = *state.mapper();
  std::vector<Value> values = m.values(state.object());
  const auto& committed = state.committed();
  sql::Update up = sql::update(m.table());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!committed.equals(i, values[i])) up.values.emplace_back(m.columns()[i].column, values[i]);
  }
  if (up.values.empty()) return;
  for (std::size_t i : m.primary_key()) {
    up.where =
        sql::and_(up.where, sql::binary(sql::BinaryOp::eq, sql::column(*m.columns()[i].column),
                                        sql::param(committed[i])));
  }
  conn().execute(up);
  if (conn().rows_affected() != 1) {
    throw InvalidRequestError("UPDATE of table '" + m.table().name() + "' for a " +
                              std::string(m.name()) + " expected to match 1 row, matched " +
                              std::to_string(conn().rows_affected()) +
                              " (was the row deleted or its key changed elsewhere?)");
  }
  journal(state);
  const IdentityKey old_key = s_.key_of(state);
  InstanceAccess::committed(state) = RowSnapshot(values);
  IdentityKey new_key = s_.key_of(state);
  if (!(old_key == new_key)) {
    s_.identity_remove(old_key, &state);
    s_.identity_put(std::move(new_key), &state);
  }
}

void UnitOfWork::remove(InstanceState& state) {
  const Mapper& m = *state.mapper();
  sql::Delete del = sql::delete_from(m.table());
  for (std::size_t i : m.primary_key()) {
    del.where =
        sql::and_(del.where, sql::binary(sql::BinaryOp::eq, sql::column(*m.columns()[i].column),
                                         sql::param(state.committed()[i])));
  }
  conn().execute(del);
  journal(state);
  s_.identity_remove(s_.key_of(state), &state);
}

void UnitOfWork::run() {
  requested_deletes_.insert(s_.deleted_.begin(), s_.deleted_.end());
  collect_deletes();
  process_removed_children();

  const auto order = mapper_order();
  std::unordered_map<const Mapper*, std::vector<InstanceState*>> pending, persistent, deleted;
  for (InstanceState* s : s_.new_) {
    if (s->status() == ObjectStatus::pending) pending[s->mapper()].push_back(s);
  }
  for (const auto& [key, s] : s_.identity_) {
    if (s->status() == ObjectStatus::persistent) persistent[s->mapper()].push_back(s);
  }
  // The identity map is unordered; write in the order objects came into the session.
  for (auto& [m, states] : persistent) {
    std::sort(states.begin(), states.end(), [](InstanceState* a, InstanceState* b) {
      return InstanceAccess::sequence(*a) < InstanceAccess::sequence(*b);
    });
  }
  for (InstanceState* d : deletes_) deleted[d->mapper()].push_back(d);

  // Rows of a table no foreign key refers to can be deleted before that table's
  // inserts: a one-to-one child replaced under delete-orphan must leave before its
  // successor takes the unique foreign key.
  std::unordered_set<const Table*> referenced;
  for (const Table* t : s_.metadata.tables()) {
    for (const auto& fk : t->foreign_keys()) referenced.insert(fk.referred_table);
  }
  std::unordered_set<InstanceState*> deleted_early;
  // Persistent rows whose new foreign key comes from a row inserted in this flush are
  // updated after the inserts; the others before, so that a key a new row takes
  // (a unique one-to-one key) is released first.
  std::unordered_set<InstanceState*> after_inserts;
  for (InstanceState* s : s_.new_) {
    for (const RelationshipProperty* rel : s->mapper()->relationships()) {
      if (rel->direction() != RelationshipDirection::one_to_many) continue;
      RelationshipAttribute& attr = rel->attribute(s->object());
      for (std::size_t i = 0; attr.is_loaded() && i < attr.raw_size(); ++i) {
        after_inserts.insert(attr.raw_at(i));
      }
    }
  }
  for (const auto& [m, states] : persistent) {
    for (InstanceState* s : states) {
      for (const RelationshipProperty* rel : m->relationships()) {
        if (rel->direction() != RelationshipDirection::many_to_one) continue;
        RelationshipAttribute& attr = rel->attribute(s->object());
        if (attr.is_loaded() && attr.raw_size() &&
            attr.raw_at(0)->status() == ObjectStatus::pending) {
          after_inserts.insert(s);
        }
      }
    }
  }

  // Parents before children.
  for (const Mapper* m : order) {
    auto save = [this](InstanceState* s) {
      pull_many_to_one(*s, false, false);
      update(*s);
      push_one_to_many(*s, false, false);
    };
    for (InstanceState* s : persistent[m]) {
      if (!after_inserts.count(s)) save(s);
    }
    if (!referenced.count(&m->table())) {
      auto rows = parent_first(deleted[m], true);
      for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
        remove(**row);
        mirror_database_actions(**row);
        deleted_early.insert(*row);
      }
    }
    insert_all(*m, parent_first(pending[m], false));
    for (InstanceState* s : persistent[m]) {
      if (after_inserts.count(s)) save(s);
    }
  }
  post_updates();
  write_associations();
  break_cycles_before_deletes();
  // Children before parents.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    auto rows = parent_first(deleted[*it], true);
    for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
      if (deleted_early.count(*row)) continue;
      remove(**row);
      mirror_database_actions(**row);
    }
  }
  finish();
}

void UnitOfWork::finish() {
  std::erase_if(s_.new_, [](const auto& s) { return s->status() != ObjectStatus::pending; });
  s_.deleted_.clear();
  for (RelationshipAttribute* attr : s_.modified_attributes_) attr->clear_history();
  s_.modified_attributes_.clear();
  // Deleted objects (by the flush or by the database's ON DELETE) leave the loaded
  // relationships of the objects that remain. One pass over the session.
  std::unordered_set<InstanceState*> gone(deletes_.begin(), deletes_.end());
  gone.insert(deleted_by_database_.begin(), deleted_by_database_.end());
  if (gone.empty()) return;
  for (const auto& [key, s] : s_.identity_) {
    for (const RelationshipProperty* rel : s->mapper()->relationships()) {
      RelationshipAttribute& attr = rel->attribute(s->object());
      if (!attr.is_loaded()) continue;
      for (std::size_t i = attr.raw_size(); i-- > 0;) {
        if (gone.count(attr.raw_at(i))) attr.raw_remove(attr.raw_at(i));
      }
    }
  }
}

}  // namespace relate
