// The unit of work: what a flush writes and in which order. Parents are inserted
// before children, children are updated (foreign key nulled) or deleted before their
// parents, and foreign keys are copied from related objects just before each row is
// written. Every change to an object is journaled so that a failed flush can put
// objects back exactly as they were before it.
#include <algorithm>
#include <functional>
#include <relate/orm/attributes.hpp>
#include <relate/orm/loading.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>
#include <unordered_map>
#include <unordered_set>

#include "metadata_impl.hpp"
#include "session_impl.hpp"

namespace relate {

class UnitOfWork {
 public:
  explicit UnitOfWork(SessionImpl& session) : s_(session) {}

  void run();
  // Puts back what this flush changed in memory: member values (generated keys,
  // synced foreign keys) and the status of objects its cascades marked deleted.
  void restore() noexcept;

 private:
  Connection& conn() { return s_.connection(); }
  void touch_fields(InstanceState& state);
  void set_columns(InstanceState& target, const std::vector<std::size_t>& columns,
                   const std::vector<Value>& values);
  RelationshipAttribute& loaded_attribute(InstanceState& parent, const RelationshipProperty& rel);

  void collect_deletes();
  void delete_dependents(InstanceState& parent);
  void process_removed_children();
  void null_foreign_key(InstanceState& child, const RelationshipProperty& rel);
  void mark_for_delete(InstanceState& state);

  void pull_many_to_one(InstanceState& state, bool inserting);
  void push_one_to_many(InstanceState& parent, bool inserted);
  void insert(InstanceState& state);
  void update(InstanceState& state);
  void remove(InstanceState& state);
  std::vector<const Mapper*> mapper_order() const;
  void finish();

  SessionImpl& s_;
  std::unordered_map<InstanceState*, std::vector<Value>> fields_before_;
  std::vector<InstanceState*> deletes_;
  std::unordered_set<InstanceState*> deleting_;
  std::unordered_set<InstanceState*> inserted_;
};

void SessionImpl::remember(InstanceState& state) {
  journal_.try_emplace(&state, Saved{state.status(), state.committed()});
}

void SessionImpl::restore_transaction_state() {
  for (auto& [state, saved] : journal_) {
    InstanceState& s = *state;
    if (!s.committed().empty()) identity_.erase(key_of(s));
    InstanceAccess::status(s) = saved.status;
    InstanceAccess::committed(s) = saved.committed;
    if (saved.status == ObjectStatus::pending) {
      if (std::find(new_.begin(), new_.end(), state) == new_.end()) new_.push_back(state);
    } else {
      identity_.insert_or_assign(key_of(s), state);
      if (saved.status == ObjectStatus::deleted &&
          std::find(deleted_.begin(), deleted_.end(), state) == deleted_.end()) {
        deleted_.push_back(state);
      }
    }
  }
  journal_.clear();
}

void SessionImpl::flush() {
  check_usable();
  UnitOfWork uow(*this);
  try {
    uow.run();
  } catch (...) {
    uow.restore();
    if (connection_) {
      try {
        connection_->rollback();
      } catch (...) {
      }
      connection_.reset();
    }
    restore_transaction_state();
    failed_ = true;
    throw;
  }
}

void UnitOfWork::touch_fields(InstanceState& state) {
  fields_before_.try_emplace(&state, state.mapper()->values(state.object()));
}

void UnitOfWork::restore() noexcept {
  for (const auto& d : deletes_) {
    if (d->status() == ObjectStatus::deleted &&
        std::find(s_.deleted_.begin(), s_.deleted_.end(), d) == s_.deleted_.end()) {
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

void UnitOfWork::mark_for_delete(InstanceState& state) {
  if (deleting_.count(&state)) return;
  if (state.status() == ObjectStatus::pending) {
    s_.expunge(state);
    return;
  }
  if (state.status() != ObjectStatus::persistent && state.status() != ObjectStatus::deleted) return;
  InstanceAccess::status(state) = ObjectStatus::deleted;
  deleting_.insert(&state);
  deletes_.push_back(&state);
}

void UnitOfWork::null_foreign_key(InstanceState& child, const RelationshipProperty& rel) {
  std::vector<std::size_t> columns;
  const Mapper& m = *child.mapper();
  for (const auto& pair : rel.column_pairs()) {
    columns.push_back(pair.foreign);
    const Column& c = *m.columns()[pair.foreign].column;
    if (!c.nullable()) {
      // The database would refuse the UPDATE; say why before sending it.
      throw IntegrityError("cannot set " + std::string(m.name()) +
                               "::" + std::string(m.columns()[pair.foreign].member) + " (column '" +
                               m.table().name() + "." + c.name() + "') to NULL: '" + rel.name() +
                               "' has no delete cascade, so the ORM nulls the foreign key of "
                               "its children, but the column is NOT NULL. Use "
                               "cascade(\"all, delete-orphan\"), passive_deletes(\"all\"), or "
                               "make the member std::optional",
                           {}, "NOT NULL");
    }
  }
  set_columns(child, columns, std::vector<Value>(columns.size()));
}

void UnitOfWork::delete_dependents(InstanceState& parent) {
  for (const RelationshipProperty* rel : parent.mapper()->relationships()) {
    if (rel->direction() != RelationshipDirection::one_to_many) continue;
    RelationshipAttribute& attr = rel->attribute(parent.object());
    const bool leave_to_database =
        rel->passive_deletes() == PassiveDeletes::all ||
        (rel->passive_deletes() == PassiveDeletes::on && !attr.is_loaded());
    if (leave_to_database) continue;
    loaded_attribute(parent, *rel);
    for (std::size_t i = 0; i < attr.raw_size(); ++i) {
      InstanceState& child = *attr.raw_at(i);
      if (rel->cascade().delete_) {
        mark_for_delete(child);
      } else if (!deleting_.count(&child)) {
        null_foreign_key(child, *rel);
      }
    }
  }
}

void UnitOfWork::collect_deletes() {
  for (const auto& d : s_.deleted_) {
    deleting_.insert(d);
    deletes_.push_back(d);
  }
  // deletes_ grows while cascading.
  for (std::size_t i = 0; i < deletes_.size(); ++i) delete_dependents(*deletes_[i]);
}

void UnitOfWork::process_removed_children() {
  for (RelationshipAttribute* attr : s_.modified_attributes_) {
    const RelationshipProperty* rel = attr->property();
    if (!rel || rel->direction() != RelationshipDirection::one_to_many) continue;
    InstanceState& parent = *attr->owner();
    for (const auto& child : attr->removed()) {
      if (child->session() != &s_ || deleting_.count(child)) continue;
      if (attr->raw_contains(child)) continue;
      // Re-parented elsewhere: the new parent's sync sets its key.
      if (const RelationshipProperty* back = rel->back_populates()) {
        RelationshipAttribute& b = back->attribute(child->object());
        if (b.is_loaded() && b.raw_size() && b.raw_at(0) != &parent) continue;
      }
      if (rel->cascade().delete_orphan) {
        mark_for_delete(*child);
        if (deleting_.count(child)) delete_dependents(*child);
      } else {
        null_foreign_key(*child, *rel);
      }
    }
  }
}

void UnitOfWork::pull_many_to_one(InstanceState& state, bool inserting) {
  for (const RelationshipProperty* rel : state.mapper()->relationships()) {
    if (rel->direction() != RelationshipDirection::many_to_one) continue;
    RelationshipAttribute& attr = rel->attribute(state.object());
    if (!attr.is_loaded() || !(attr.modified() || (inserting && attr.raw_size()))) continue;
    std::vector<std::size_t> columns;
    std::vector<Value> values;
    InstanceState* target = attr.raw_size() ? attr.raw_at(0) : nullptr;
    if (target && deleting_.count(target)) target = nullptr;
    for (const auto& pair : rel->column_pairs()) {
      columns.push_back(pair.foreign);
      values.push_back(target ? rel->target().get(target->object(), pair.referenced) : Value());
    }
    set_columns(state, columns, values);
  }
}

void UnitOfWork::push_one_to_many(InstanceState& parent, bool inserted) {
  for (const RelationshipProperty* rel : parent.mapper()->relationships()) {
    if (rel->direction() != RelationshipDirection::one_to_many) continue;
    RelationshipAttribute& attr = rel->attribute(parent.object());
    if (!attr.is_loaded() || !(inserted || attr.modified())) continue;
    std::vector<std::size_t> columns;
    std::vector<Value> values;
    for (const auto& pair : rel->column_pairs()) {
      columns.push_back(pair.foreign);
      values.push_back(parent.mapper()->get(parent.object(), pair.referenced));
    }
    for (std::size_t i = 0; i < attr.raw_size(); ++i) {
      InstanceState& child = *attr.raw_at(i);
      if (!deleting_.count(&child)) set_columns(child, columns, values);
    }
  }
}

void UnitOfWork::insert(InstanceState& state) {
  const Mapper& m = *state.mapper();
  std::vector<Value> values = m.values(state.object());
  const auto& pk = m.primary_key();
  std::optional<std::size_t> generated;
  if (pk.size() == 1 && m.columns()[pk[0]].column->autoincrement()) {
    const Value& v = values[pk[0]];
    // A key of 0 (or null) asks the database to assign one.
    if (v.is_null() || (v.kind() == Value::Kind::integer && v.as_int() == 0)) generated = pk[0];
  }
  sql::Insert ins = sql::insert(m.table());
  ins.rows.emplace_back();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (generated && i == *generated) continue;
    ins.columns.push_back(m.columns()[i].column);
    ins.rows.back().push_back(values[i]);
  }
  const bool returning = generated && conn().dialect().supports_returning();
  if (returning) ins.returning.push_back(m.columns()[*generated].column);
  auto cursor = conn().execute(ins);
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
  s_.remember(state);
  InstanceAccess::committed(state) = std::move(values);
  InstanceAccess::status(state) = ObjectStatus::persistent;
  s_.identity_.insert_or_assign(s_.key_of(state), &state);
  inserted_.insert(&state);
}

void UnitOfWork::update(InstanceState& state) {
  const Mapper& m = *state.mapper();
  std::vector<Value> values = m.values(state.object());
  const auto& committed = state.committed();
  sql::Update up = sql::update(m.table());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] != committed[i]) up.values.emplace_back(m.columns()[i].column, values[i]);
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
  s_.remember(state);
  const IdentityKey old_key = s_.key_of(state);
  InstanceAccess::committed(state) = std::move(values);
  IdentityKey new_key = s_.key_of(state);
  if (!(old_key == new_key)) {
    s_.identity_.erase(old_key);
    s_.identity_.insert_or_assign(std::move(new_key), &state);
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
  // Journal the object as it was before this flush: persistent, or marked deleted.
  const bool marked =
      std::find(s_.deleted_.begin(), s_.deleted_.end(), &state) != s_.deleted_.end();
  s_.journal_.try_emplace(
      &state, SessionImpl::Saved{marked ? ObjectStatus::deleted : ObjectStatus::persistent,
                                 state.committed()});
  s_.identity_.erase(s_.key_of(state));
}

std::vector<const Mapper*> UnitOfWork::mapper_order() const {
  std::vector<const Mapper*> out;
  for (const Table* t : s_.metadata.sorted_tables()) {
    for (const auto& m : s_.metadata.impl().mappers) {
      if (&m->table() == t) out.push_back(m.get());
    }
  }
  return out;
}

namespace {

// Pending objects of one mapper, each after the pending objects of the same mapper
// it refers to (self-referential many-to-one: parent rows first).
std::vector<InstanceState*> parent_first(std::vector<InstanceState*> states) {
  std::unordered_set<InstanceState*> in(states.begin(), states.end());
  std::unordered_set<InstanceState*> placed;
  std::vector<InstanceState*> out;
  std::function<void(InstanceState*)> visit = [&](InstanceState* s) {
    if (placed.count(s)) return;
    placed.insert(s);
    for (const RelationshipProperty* rel : s->mapper()->relationships()) {
      if (rel->direction() != RelationshipDirection::many_to_one || &rel->target() != s->mapper()) {
        continue;
      }
      RelationshipAttribute& attr = rel->attribute(s->object());
      if (attr.is_loaded() && attr.raw_size() && in.count(attr.raw_at(0))) visit(attr.raw_at(0));
    }
    out.push_back(s);
  };
  for (InstanceState* s : states) visit(s);
  return out;
}

}  // namespace

void UnitOfWork::run() {
  collect_deletes();
  process_removed_children();

  const auto order = mapper_order();
  std::unordered_map<const Mapper*, std::vector<InstanceState*>> pending, persistent;
  for (const auto& s : s_.new_) {
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

  for (const Mapper* m : order) {
    for (InstanceState* s : parent_first(pending[m])) {
      pull_many_to_one(*s, true);
      insert(*s);
      push_one_to_many(*s, true);
    }
    for (InstanceState* s : persistent[m]) {
      pull_many_to_one(*s, false);
      update(*s);
      push_one_to_many(*s, false);
    }
  }
  // Children before parents.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    for (const auto& d : deletes_) {
      if (d->mapper() == *it) remove(*d);
    }
  }
  finish();
}

void UnitOfWork::finish() {
  std::erase_if(s_.new_, [](const auto& s) { return s->status() != ObjectStatus::pending; });
  s_.deleted_.clear();
  for (RelationshipAttribute* attr : s_.modified_attributes_) attr->clear_history();
  s_.modified_attributes_.clear();
  // Deleted objects leave the loaded relationships of the objects that remain. A
  // parent not loaded through the child's one<> is found by the child's foreign key.
  for (InstanceState* d : deletes_) {
    for (const RelationshipProperty* rel : d->mapper()->relationships()) {
      const RelationshipProperty* back = rel->back_populates();
      if (!back) continue;
      RelationshipAttribute& attr = rel->attribute(d->object());
      std::vector<InstanceState*> others;
      if (attr.is_loaded()) {
        for (std::size_t i = 0; i < attr.raw_size(); ++i) others.push_back(attr.raw_at(i));
      } else if (rel->direction() == RelationshipDirection::many_to_one) {
        std::vector<Value> key;
        for (std::size_t pk : rel->target().primary_key()) {
          for (const auto& pair : rel->column_pairs()) {
            if (pair.referenced == pk) key.push_back(d->committed()[pair.foreign]);
          }
        }
        if (InstanceState* parent = s_.lookup(rel->target(), key)) others.push_back(parent);
      }
      for (InstanceState* other : others) {
        if (deleting_.count(other)) continue;
        RelationshipAttribute& b = back->attribute(other->object());
        if (b.is_loaded()) b.raw_remove(d);
      }
    }
  }
}

}  // namespace relate
