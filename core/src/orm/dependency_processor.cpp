// Dependency processing, SQLAlchemy's name for what the unit of work does along each
// relationship: cascading deletes, nulling or deleting children a parent leaves
// behind, copying keys into foreign keys, and post_update's extra UPDATEs.
#include <algorithm>
#include <relate/errors.hpp>
#include <relate/schema.hpp>

#include "metadata_impl.hpp"
#include "unit_of_work.hpp"

namespace relate {

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
    // Other directions matter only with a delete cascade; their links go with the row
    // (many-to-one) or with the association rows (many-to-many).
    if (rel->direction() != RelationshipDirection::one_to_many && !rel->cascade().delete_) {
      continue;
    }
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
  cascade_deletes();
}

void UnitOfWork::cascade_deletes() {
  // deletes_ grows while cascading; each object's dependents are processed once.
  for (; cascaded_ < deletes_.size(); ++cascaded_) delete_dependents(*deletes_[cascaded_]);
}

void UnitOfWork::process_removed_children() {
  // A copy: expunging a pending orphan takes its attributes out of the set.
  const std::vector<RelationshipAttribute*> attributes(s_.modified_attributes_.begin(),
                                                       s_.modified_attributes_.end());
  for (RelationshipAttribute* attr : attributes) {
    if (!s_.modified_attributes_.count(attr)) continue;
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
      } else {
        null_foreign_key(*child, *rel);
      }
    }
  }
  // An orphan's own children follow it, however deep.
  cascade_deletes();
}

void UnitOfWork::pull_many_to_one(InstanceState& state, bool inserting, bool post_update) {
  for (const RelationshipProperty* rel : state.mapper()->relationships()) {
    if (rel->direction() != RelationshipDirection::many_to_one) continue;
    if (rel->post_update() != post_update) continue;
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

void UnitOfWork::push_one_to_many(InstanceState& parent, bool inserted, bool post_update) {
  for (const RelationshipProperty* rel : parent.mapper()->relationships()) {
    if (rel->direction() != RelationshipDirection::one_to_many) continue;
    if (rel->post_update() != post_update) continue;
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

namespace {

bool has_post_update(const Mapper& m) {
  for (const RelationshipProperty* rel : m.dependent_relationships()) {
    if (rel->post_update()) return true;
  }
  for (const RelationshipProperty* rel : m.relationships()) {
    if (rel->post_update()) return true;
  }
  return false;
}

}  // namespace

void UnitOfWork::post_updates() {
  // Rows are written; now the foreign keys that post_update held back. (Most
  // mappings have none: no pass over the session then.)
  const auto& all = s_.metadata.impl().relationships;
  if (std::none_of(all.begin(), all.end(), [](const auto& r) { return r->post_update(); })) {
    return;
  }
  std::vector<InstanceState*> states;
  for (const auto& [key, s] : s_.identity_) {
    if (s->status() == ObjectStatus::persistent && has_post_update(*s->mapper())) {
      states.push_back(s);
    }
  }
  if (states.empty()) return;
  std::sort(states.begin(), states.end(), [](InstanceState* a, InstanceState* b) {
    return InstanceAccess::sequence(*a) < InstanceAccess::sequence(*b);
  });
  for (InstanceState* s : states) {
    pull_many_to_one(*s, inserted_.count(s) != 0, true);
    push_one_to_many(*s, inserted_.count(s) != 0, true);
  }
  for (InstanceState* s : states) update(*s);
}

void UnitOfWork::break_cycles_before_deletes() {
  // A row about to be deleted that refers, through a post_update foreign key, to
  // another row about to be deleted: null the reference first, so that neither
  // DELETE violates the other's foreign key.
  std::vector<InstanceState*> nulled;
  for (InstanceState* d : deletes_) {
    const Mapper& m = *d->mapper();
    for (const RelationshipProperty* rel : m.dependent_relationships()) {
      if (!rel->post_update()) continue;
      std::vector<Value> key;
      for (std::size_t pk : rel->referenced_mapper().primary_key()) {
        for (const auto& pair : rel->column_pairs()) {
          if (pair.referenced == pk) key.push_back(d->committed()[pair.foreign]);
        }
      }
      InstanceState* target = s_.lookup(rel->referenced_mapper(), key);
      if (!target || !deleting_.count(target)) continue;
      std::vector<std::size_t> columns;
      for (const auto& pair : rel->column_pairs()) columns.push_back(pair.foreign);
      set_columns(*d, columns, std::vector<Value>(columns.size()));
      nulled.push_back(d);
    }
  }
  for (InstanceState* d : nulled) update(*d);
}

}  // namespace relate
