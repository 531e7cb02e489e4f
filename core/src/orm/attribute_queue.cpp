// Relationship members while unloaded, and their loading: the changes back-population
// queues on an unloaded member, the load that merges them with the rows (and its undo
// by a failed flush), expiry, and what a flush's writes and a transaction's undo tell
// the queue and the history.
#include <algorithm>
#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>

#include "loading.hpp"
#include "session_impl.hpp"

namespace relate {

namespace {

// A flush deleted the object's row (committed since, or not).
bool row_deleted(const InstanceState& item) {
  return item.was_deleted() || item.status() == ObjectStatus::deleted;
}

// Two objects stand for one row: same mapper, and both have a row with the same key.
bool same_row(const InstanceState& a, const InstanceState& b) {
  if (a.mapper() != b.mapper() || a.committed().empty() || b.committed().empty()) return false;
  for (std::size_t i : a.mapper()->primary_key()) {
    if (!a.committed().equals(i, b.committed()[i])) return false;
  }
  return true;
}

}  // namespace

bool RelationshipAttribute::left_since_flush(InstanceState& child) const {
  // The child's reference, when loaded, says where its row will point after the next
  // flush: a child that names another parent (or none) has left this one.
  if (!owner_ || !property_ || property_->direction() != RelationshipDirection::one_to_many) {
    return false;
  }
  const RelationshipProperty* back = property_->back_populates();
  if (!back) return false;
  const RelationshipAttribute& b = back->attribute(child.object());
  if (!b.is_loaded() || b.raw_contains(owner_)) return false;
  // A detached copy of the parent's row is the same parent: the row will not change.
  return !(b.raw_size() && same_row(*b.raw_at(0), *owner_));
}

struct RelationshipAttribute::Unloaded {
  bool modified = false;
  Changes changes;
};

std::shared_ptr<const RelationshipAttribute::Unloaded> RelationshipAttribute::unloaded_state()
    const {
  auto saved = std::make_shared<Unloaded>();
  saved->modified = modified_;
  if (changes_) {
    saved->changes.added = changes_->added;
    saved->changes.removed = changes_->removed;
    saved->changes.pending = changes_->pending;
  }
  return saved;
}

void RelationshipAttribute::unload(const Unloaded& before) {
  raw_clear();
  loaded_ = false;
  modified_ = before.modified;
  if (!changes_ && before.changes.added.empty() && before.changes.removed.empty() &&
      before.changes.pending.empty()) {
    return;
  }
  Changes& c = changes();
  c.added = before.changes.added;
  c.removed = before.changes.removed;
  c.pending = before.changes.pending;
  trim_changes();
}

void RelationshipAttribute::set_loaded(std::span<InstanceState* const> rows) {
  if (!loaded_ && owner_ && owner_->session()) owner_->session()->note_load(*this);
  raw_clear();
  raw_reserve(rows.size());
  for (InstanceState* item : rows) {
    if (!left_since_flush(*item)) raw_append(item);
  }
  loaded_ = true;
  if (!changes_ || changes_->pending.empty()) return;
  // A many-to-many keeps the history of both sides (the flush nets them): what was
  // queued and changes the loaded rows is history here too, so that a later change on
  // this side nets with it.
  const bool link_history =
      property_ && property_->direction() == RelationshipDirection::many_to_many;
  // The objects the load brought, kept apart: a queued removal takes one out of the
  // collection (and a later queued append may put it back).
  std::vector<InstanceState*> loaded_rows;
  loaded_rows.reserve(raw_size());
  for (std::size_t i = 0; i < raw_size(); ++i) loaded_rows.push_back(raw_at(i));
  auto row_loaded_as_another = [&](const InstanceState& item) {
    return std::any_of(loaded_rows.begin(), loaded_rows.end(), [&](const InstanceState* row) {
      return row != &item && same_row(*row, item);
    });
  };
  for (auto& [change, item, deleted_before, written] : changes_->pending) {
    // A queued append of an object whose row a flush deleted since is void (one
    // linked after its row was deleted stays, as in a loaded collection); so is one
    // of an object the collection holds (the load brought its row: a flush wrote it),
    // and one a flush wrote whose row the load brought through another object (the
    // queued one was expunged since): what the flush wrote, the rows show. An append
    // no flush wrote (of an object outside the Session, say a detached copy of a row
    // the load brings) stays, as it would in a loaded collection. An object a queued
    // removal took out and a later append put back is there.
    const bool gone = !deleted_before && row_deleted(*item);
    const bool shown_by_rows = written && row_loaded_as_another(*item);
    if (change == Change::append && !gone && !raw_contains(item) && !shown_by_rows) {
      raw_append(item);
      if (link_history) record_change(Change::append, item);
    }
    if (change == Change::remove && raw_remove(item) && link_history) {
      record_change(Change::remove, item);
    }
  }
  changes_->pending.clear();
  trim_changes();
}

void RelationshipAttribute::settle_without_row() {
  if (loaded_ || !changes_ || changes_->pending.empty()) return;
  if (property_ && property_->direction() == RelationshipDirection::many_to_one) return;
  set_loaded({});
}

void RelationshipAttribute::expire() {
  raw_clear();
  if (changes_) changes_->pending.clear();
  loaded_ = false;
  clear_history();
}

void RelationshipAttribute::defer(Change change, InstanceState* item) {
  changes().pending.push_back({change, item, row_deleted(*item), false});
}

void RelationshipAttribute::mark_written(const std::vector<InstanceState*>& appended,
                                         bool written) {
  if (!owner_ || !property_ || !property_->back_populates()) return;
  for (InstanceState* item : appended) {
    RelationshipAttribute* back = &property_->back_populates()->attribute(item->object());
    if (back->loaded_ || !back->changes_) continue;
    for (Changes::Queued& queued : back->changes_->pending) {
      if (queued.change == Change::append && queued.item == owner_) queued.written = written;
    }
  }
}

void RelationshipAttribute::restore_link(InstanceState* item, bool row_exists) {
  if (!loaded_) return;
  // Any object of the item's row stands for it (one expunged, and a copy loaded since).
  const auto of_row = [item](const InstanceState* x) { return x == item || same_row(*x, *item); };
  if (changes_) {
    std::erase_if(changes_->added, of_row);
    std::erase_if(changes_->removed, of_row);
    trim_changes();
  }
  InstanceState* shown = nullptr;
  for (std::size_t i = 0, n = raw_size(); i < n && !shown; ++i) {
    if (of_row(raw_at(i))) shown = raw_at(i);
  }
  if (shown && !row_exists) record_change(Change::append, shown);
  if (!shown && row_exists) record_change(Change::remove, item);
}

void RelationshipAttribute::load_slow() const {
  if (!owner_ || !owner_->session()) {
    throw DetachedInstanceError("Parent instance of " + std::string(property_->parent().name()) +
                                " is not bound to a Session; lazy load of '" + property_->name() +
                                "' cannot proceed");
  }
  owner_->session()->load_relationship(*owner_, *property_);
}

}  // namespace relate
