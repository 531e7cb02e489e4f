// Dependency processing, SQLAlchemy's name for what the unit of work does along each
// relationship, by its direction:
//   presort  which objects a flush must also delete or change: a delete cascades to
//            children; a child taken out of a one-to-many (or whose many-to-one left
//            its parent) is an orphan, deleted under delete-orphan and otherwise
//            nulled; the children a deleted parent leaves behind are nulled;
//   sync     copying keys into foreign keys just before a row is written: a
//            many-to-one pulls its target's key, a one-to-many pushes the parent's key
//            into its children.
// An object deleted by an earlier flush is never written again, and no row may refer
// to it.
#include <algorithm>
#include <relate/errors.hpp>
#include <relate/schema.hpp>

#include "metadata_impl.hpp"
#include "unit_of_work.hpp"

namespace relate {

namespace {

std::string member_of(const Mapper& m, std::size_t column) {
  return std::string(m.name()) + "::" + std::string(m.columns()[column].member);
}

// The database would refuse a NULL there; say why before sending anything.
void check_nullable(const Mapper& m, std::size_t column, const RelationshipProperty& rel,
                    std::string_view why) {
  const Column& c = *m.columns()[column].column;
  if (c.nullable()) return;
  throw IntegrityError("cannot set " + member_of(m, column) + " (column '" + m.table().name() +
                           "." + c.name() + "') to NULL: " + std::string(why) + " '" + rel.name() +
                           "', but the column is NOT NULL. Use cascade(\"all, delete-orphan\") "
                           "on the one-to-many side, passive_deletes(\"all\"), or make the "
                           "member std::optional",
                       {}, "NOT NULL");
}

}  // namespace

// ---- presort ----

void UnitOfWork::presort() {
  // Pending orphans of parents outside the Session have no row to write (SQLAlchemy
  // expunges them at the flush); a failed flush brings them back.
  for (InstanceState* s : std::vector<InstanceState*>(s_.new_)) {
    if (s->status() == ObjectStatus::pending && s->orphaned_outside_session()) {
      s_.expunge(*s);
      expunged_.push_back(s);
    }
  }
  for (InstanceState* s : std::vector<InstanceState*>(s_.deleted_)) mark_for_delete(*s);
  // Changed collections in the order their owners came into the session, so that a
  // flush writes the same statements every time.
  std::vector<RelationshipAttribute*> changed(s_.modified_attributes_.begin(),
                                              s_.modified_attributes_.end());
  std::sort(changed.begin(), changed.end(), [](RelationshipAttribute* a, RelationshipAttribute* b) {
    const auto sa = InstanceAccess::sequence(*a->owner());
    const auto sb = InstanceAccess::sequence(*b->owner());
    return sa != sb ? sa < sb : a->property() < b->property();
  });
  for (RelationshipAttribute* attr : changed) {
    // Expunging a pending orphan takes its attributes out of the session's set.
    if (s_.modified_attributes_.count(attr)) presort_collection_changes(*attr);
  }
  // deletes_ grows while cascading: each deleted object's dependents once.
  for (std::size_t i = 0; i < deletes_.size(); ++i) presort_delete(*deletes_[i]);
  null_foreign_keys();
}

void UnitOfWork::mark_for_delete(InstanceState& state) {
  if (deleting(&state) || state.session() != &s_) return;
  if (state.status() == ObjectStatus::pending) {
    // No row to delete: the orphan leaves the session (SQLAlchemy expunges it). A
    // failed flush brings it back.
    s_.expunge(state);
    expunged_.push_back(&state);
    return;
  }
  // A row deleted by an earlier flush is gone: it is never deleted again.
  if (state.status() != ObjectStatus::persistent) return;
  deleting_.insert(&state);
  deletes_.push_back(&state);
}

void UnitOfWork::presort_delete(InstanceState& state) {
  for (const RelationshipProperty* rel : state.mapper()->written_relationships()) {
    if (rel->direction() == RelationshipDirection::one_to_many) {
      presort_one_to_many_delete(state, *rel);
      continue;
    }
    // A many-to-one's link goes with the row, a many-to-many's with the association
    // rows: only a delete cascade reaches their targets.
    if (!rel->cascade().delete_) continue;
    const RelationshipAttribute& attr = loaded_attribute(state, *rel);
    for (std::size_t i = 0; i < attr.raw_size(); ++i) mark_for_delete(*attr.raw_at(i));
  }
}

void UnitOfWork::presort_one_to_many_delete(InstanceState& parent,
                                            const RelationshipProperty& rel) {
  const RelationshipAttribute& attr = rel.attribute(parent.object());
  const bool leave_to_database = rel.passive_deletes() == PassiveDeletes::all ||
                                 (rel.passive_deletes() == PassiveDeletes::on && !attr.is_loaded());
  if (leave_to_database) return;
  loaded_attribute(parent, rel);
  const std::vector<InstanceState*>& added = attr.added();
  for (std::size_t i = 0; i < attr.raw_size(); ++i) {
    InstanceState& child = *attr.raw_at(i);
    if (rel.cascade().delete_) {
      mark_for_delete(child);
    } else if (row_refers_to(rel, child, parent) ||
               std::find(added.begin(), added.end(), &child) == added.end()) {
      // Only a row that names the parent is left behind; a child linked since the
      // last flush whose key names another row (or none) has nothing to null
      // (SQLAlchemy nulls the collection's unchanged history alone).
      to_null_.push_back({&child, &rel, true});
    }
  }
}

void UnitOfWork::presort_reference_change(RelationshipAttribute& reference) {
  // A child that left its parent through its own many-to-one, and has none now, is an
  // orphan whether or not the parent is in the Session (SQLAlchemy's hasparent).
  const RelationshipProperty* back = reference.property()->back_populates();
  InstanceState& child = *reference.owner();
  if (!back || !back->cascade().delete_orphan || reference.removed().empty()) return;
  if (!reference.is_loaded() || reference.raw_size() || child.status() != ObjectStatus::persistent) {
    return;
  }
  if (held_by_another_parent(child, *back, reference.removed())) return;
  mark_for_delete(child);
}

void UnitOfWork::presort_collection_changes(RelationshipAttribute& collection) {
  const RelationshipProperty* rel = collection.property();
  if (rel && rel->direction() == RelationshipDirection::many_to_one) {
    presort_reference_change(collection);
    return;
  }
  if (!rel || rel->direction() != RelationshipDirection::one_to_many) return;
  InstanceState& parent = *collection.owner();
  if (parent.status() == ObjectStatus::deleted) {
    // Its row is gone: nothing new may refer to it.
    for (InstanceState* child : collection.added()) {
      if (!collection.raw_contains(child)) continue;  // taken out again
      if (child->session() == &s_ && child->status() != ObjectStatus::deleted) {
        throw InvalidRequestError("a " + std::string(child->mapper()->name()) + " was added to '" +
                                  rel->name() + "' of a " + std::string(parent.mapper()->name()) +
                                  " deleted earlier in this transaction; its row is gone");
      }
    }
    return;
  }
  for (InstanceState* child : std::vector<InstanceState*>(collection.removed())) {
    // A pending child was dealt with when it left (an orphan left the Session then):
    // pending now, it was added again, and is saved.
    if (child->session() != &s_ || child->status() == ObjectStatus::pending) continue;
    if (deleting(child) || collection.raw_contains(child)) continue;
    if (has_other_parent(*child, *rel, parent)) continue;
    if (rel->cascade().delete_orphan) {
      mark_for_delete(*child);
    } else {
      to_null_.push_back({child, rel, false});
    }
  }
}

bool UnitOfWork::has_other_parent(InstanceState& child, const RelationshipProperty& rel,
                                  InstanceState& former_parent) {
  // Re-parented elsewhere: the new parent's sync sets its key.
  const RelationshipProperty* back = rel.back_populates();
  if (!back) return false;
  const RelationshipAttribute& b = back->attribute(child.object());
  if (b.is_loaded() && b.raw_size() && b.raw_at(0) != &former_parent) return true;
  if (held_by_another_parent(child, rel, {&former_parent})) return true;
  if (b.is_loaded()) return false;
  // Unloaded, the row tells: a child whose row refers elsewhere (or nowhere) is not
  // this parent's orphan.
  return !row_refers_to(rel, child, former_parent);
}

bool UnitOfWork::held_by_another_parent(const InstanceState& child, const RelationshipProperty& rel,
                                        const std::vector<InstanceState*>& former_parents) {
  // Another parent's loaded collection holds the child and its sync will write its
  // key: a parent this flush inserts (all it holds), or one whose collection changed.
  // The child has a parent, and is no orphan of the one it left, even when its own
  // reference was set to nothing (a transient parent kept it across a rollback):
  // SQLAlchemy's hasparent names the last parent that took the child, and its
  // presort registers a child added to a collection with cancel_delete.
  auto [found, first_time] = holders_.try_emplace(&rel);
  Holders& holders = found->second;
  if (first_time) {
    // Built once per relationship and flush: the presort asks for every child that
    // left a collection, and the flush may hold many.
    auto add = [&](InstanceState* parent) {
      const RelationshipAttribute& attr = rel.attribute(parent->object());
      if (!attr.is_loaded()) return;
      for (std::size_t i = 0; i < attr.raw_size(); ++i) holders.emplace(attr.raw_at(i), parent);
    };
    for (InstanceState* parent : s_.new_) {
      if (parent->mapper() == &rel.parent()) add(parent);
    }
    for (RelationshipAttribute* attr : s_.modified_attributes_) {
      InstanceState* parent = attr->owner();
      if (attr->property() == &rel && parent && parent->status() == ObjectStatus::persistent) {
        add(parent);
      }
    }
  }
  auto [begin, end] = holders.equal_range(&child);
  return std::any_of(begin, end, [&](const auto& entry) {
    InstanceState* parent = entry.second;
    return parent->session() == &s_ && !deleting(parent) &&
           std::find(former_parents.begin(), former_parents.end(), parent) == former_parents.end();
  });
}

void UnitOfWork::null_foreign_keys() {
  for (const ToNull& entry : to_null_) {
    const InstanceState* child = entry.child;
    if (deleting(child) || child->session() != &s_) continue;
    if (child->status() != ObjectStatus::persistent && child->status() != ObjectStatus::pending) {
      continue;
    }
    null_foreign_key(entry);
  }
}

void UnitOfWork::null_foreign_key(const ToNull& entry) {
  InstanceState& child = *entry.child;
  std::vector<std::size_t> columns;
  for (const auto& pair : entry.rel->column_pairs()) {
    check_nullable(*child.mapper(), pair.foreign, *entry.rel,
                   "the ORM nulls the foreign key of a child that leaves");
    columns.push_back(pair.foreign);
  }
  if (entry.parent_deleted) {
    for (std::size_t c : columns) record_session_set(child, c, Value());
  }
  set_columns(child, columns, std::vector<Value>(columns.size()));
}

// ---- sync ----

void UnitOfWork::check_target(const RelationshipProperty& rel, InstanceState& state,
                              const InstanceState& target) const {
  const char* why = nullptr;
  if (target.status() == ObjectStatus::deleted && target.session() == &s_) {
    why = "that was deleted earlier in this transaction";
  } else if (deleting(&target)) {
    // A link made since the last flush to an object marked by remove(): writing NULL
    // would drop the link silently, writing the key would fail on the foreign key.
    why = "that this flush deletes (remove() was called for it)";
  } else if (target.session() != &s_) {
    why =
        "that is not in this Session (add it, or give the relationship the save-update "
        "cascade)";
  }
  if (!why) return;
  throw InvalidRequestError("cannot write the " + std::string(state.mapper()->name()) + ": its '" +
                            rel.name() + "' refers to a " + std::string(target.mapper()->name()) +
                            " " + why);
}

void UnitOfWork::sync_many_to_one(InstanceState& state, RowWrite write, SyncPhase phase) {
  for (const RelationshipProperty* rel : state.mapper()->written_relationships()) {
    if (rel->direction() != RelationshipDirection::many_to_one) continue;
    if (rel->post_update() != (phase == SyncPhase::post_update)) continue;
    const RelationshipAttribute& attr = rel->attribute(state.object());
    const bool inserting = write == RowWrite::insert && attr.raw_size();
    if (!attr.is_loaded() || !(attr.modified() || inserting)) continue;
    InstanceState* target = attr.raw_size() ? attr.raw_at(0) : nullptr;
    if (target) check_target(*rel, state, *target);
    std::vector<std::size_t> columns;
    std::vector<Value> values;
    for (const auto& pair : rel->column_pairs()) {
      if (!target)
        check_nullable(*state.mapper(), pair.foreign, *rel, "it no longer refers through");
      columns.push_back(pair.foreign);
      values.push_back(target ? rel->target().get(target->object(), pair.referenced) : Value());
    }
    set_columns(state, columns, values);
  }
}

void UnitOfWork::sync_one_to_many(InstanceState& parent, RowWrite write, SyncPhase phase) {
  for (const RelationshipProperty* rel : parent.mapper()->written_relationships()) {
    if (rel->direction() != RelationshipDirection::one_to_many) continue;
    if (rel->post_update() != (phase == SyncPhase::post_update)) continue;
    const RelationshipAttribute& attr = rel->attribute(parent.object());
    if (!attr.is_loaded() || !(write == RowWrite::insert || attr.modified())) continue;
    sync_children(parent, *rel, attr);
  }
}

void UnitOfWork::sync_self_referential_children(InstanceState& parent) {
  for (const RelationshipProperty* rel : parent.mapper()->written_relationships()) {
    if (rel->direction() != RelationshipDirection::one_to_many || rel->post_update() ||
        &rel->target() != parent.mapper()) {
      continue;
    }
    const RelationshipAttribute& attr = rel->attribute(parent.object());
    if (attr.is_loaded() && attr.modified()) sync_children(parent, *rel, attr);
  }
}

void UnitOfWork::sync_children(InstanceState& parent, const RelationshipProperty& rel,
                               const RelationshipAttribute& attr) {
  std::vector<std::size_t> columns;
  std::vector<Value> values;
  for (const auto& pair : rel.column_pairs()) {
    columns.push_back(pair.foreign);
    values.push_back(parent.mapper()->get(parent.object(), pair.referenced));
  }
  for (std::size_t i = 0; i < attr.raw_size(); ++i) {
    // Objects outside the Session, and rows gone or going, are never written.
    InstanceState& child = *attr.raw_at(i);
    const bool saved =
        child.status() == ObjectStatus::pending || child.status() == ObjectStatus::persistent;
    if (saved && child.session() == &s_ && !deleting(&child)) set_columns(child, columns, values);
  }
}

}  // namespace relate
