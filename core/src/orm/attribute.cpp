// Events of relationship members: loading on first access, back-population of the
// other side of a back_populates pair, and the save-update cascade into the session.
#include <algorithm>
#include <relate/orm/attributes.hpp>
#include <relate/orm/loading.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>

#include "session_impl.hpp"

namespace relate {

namespace {

// The other side's attribute inside `item`, or null without back_populates.
RelationshipAttribute* back_attribute(const RelationshipProperty& prop, InstanceState& item) {
  const RelationshipProperty* back = prop.back_populates();
  if (!back) return nullptr;
  if (!item.mapper()) prop.target().bind(item, true);
  return &back->attribute(item.object());
}

void note(InstanceState* owner, RelationshipAttribute& attr) {
  if (owner && owner->session()) owner->session()->note_modified(attr);
}

// What a one<> of `item` points at, found without a statement: its loaded value or,
// unloaded, the identity map's object for the item's foreign key.
InstanceState* known_target(RelationshipAttribute& scalar, InstanceState& item) {
  if (scalar.is_loaded()) return scalar.raw_size() ? scalar.raw_at(0) : nullptr;
  const RelationshipProperty* rel = scalar.property();
  if (!rel || rel->direction() != RelationshipDirection::many_to_one || !item.session()) {
    return nullptr;
  }
  const std::vector<Value> key = foreign_key_target(*rel, item);
  for (const Value& v : key) {
    if (v.is_null()) return nullptr;
  }
  return key.empty() ? nullptr : item.session()->lookup(rel->target(), key);
}

// A pending object taken out of a delete-orphan collection has no parent left and no
// row: it leaves the session at once, as in SQLAlchemy.
void expunge_if_pending_orphan(const RelationshipProperty& rel, InstanceState& parent,
                               InstanceState& item) {
  if (rel.direction() != RelationshipDirection::one_to_many || !rel.cascade().delete_orphan) return;
  SessionImpl* session = item.session();
  if (!session || item.status() != ObjectStatus::pending || session != parent.session()) return;
  if (const RelationshipProperty* back = rel.back_populates()) {
    const RelationshipAttribute& b = back->attribute(item.object());
    if (b.is_loaded() && b.raw_size() && b.raw_at(0) != &parent) return;  // re-parented
  }
  session->expunge(item);
}

}  // namespace

bool RelationshipAttribute::raw_contains(const InstanceState* item) const {
  for (std::size_t i = 0, n = raw_size(); i < n; ++i) {
    if (raw_at(i) == item) return true;
  }
  return false;
}

const std::vector<InstanceState*>& RelationshipAttribute::no_items() {
  static const std::vector<InstanceState*> none;
  return none;
}

RelationshipAttribute::Changes& RelationshipAttribute::changes() {
  if (!changes_) changes_ = std::make_unique<Changes>();
  return *changes_;
}

void RelationshipAttribute::trim_changes() {
  if (changes_ && changes_->added.empty() && changes_->removed.empty() &&
      changes_->pending.empty() && !changes_->pin) {
    changes_.reset();
  }
}

void RelationshipAttribute::pin(std::shared_ptr<detail::ObjectGraph> graph) {
  if (graph) {
    changes().pin = std::move(graph);
  } else if (changes_) {
    changes_->pin.reset();
    trim_changes();
  }
}

void RelationshipAttribute::clear_history() {
  modified_ = false;
  if (!changes_) return;
  changes_->added.clear();
  changes_->removed.clear();
  trim_changes();
}

std::shared_ptr<detail::ObjectGraph> RelationshipAttribute::pinned_graph() const {
  if (detail::ObjectGraph* g = pinned()) return g->shared_from_this();
  if (owner_ && raw_size()) return owner_->graph().shared_from_this();
  return nullptr;
}

std::shared_ptr<detail::ObjectGraph> RelationshipAttribute::home_graph() const {
  return owner_ ? owner_->graph().shared_from_this() : nullptr;
}

void RelationshipAttribute::throw_out_of_range(std::size_t index, std::size_t size) const {
  const std::string name = property_ ? "'" + property_->name() + "'" : "a collection";
  if (size == 0) throw InvalidRequestError(name + " is empty: there is no item to take from it");
  throw InvalidRequestError("no item " + std::to_string(index) + " in " + name + ", which holds " +
                            std::to_string(size));
}

void RelationshipAttribute::link(InstanceState* item) {
  if (owner_) {
    SessionImpl* mine = owner_->session();
    SessionImpl* theirs = item->session();
    const bool gone = item->was_deleted() || (theirs && item->status() == ObjectStatus::deleted);
    if (mine && gone) {
      throw InvalidRequestError("cannot link a " + std::string(item->mapper()->name()) +
                                " whose row was deleted through '" +
                                (property_ ? property_->name() : std::string("a relationship")) +
                                "'");
    }
    // save-update would take the item into this session: refuse before any change.
    if (mine && !theirs && property_ && property_->cascade().save_update) {
      mine->check_attachable(*item, property_->target());
    }
    if (mine && theirs && mine != theirs) {
      throw InvalidRequestError("cannot link objects of two different Sessions through '" +
                                (property_ ? property_->name() : std::string("a relationship")) +
                                "'; expunge one of them first");
    }
    detail::ObjectGraph::join(owner_->graph(), item->graph());
  } else if (detail::ObjectGraph* g = pinned()) {
    pin(detail::ObjectGraph::join(*g, item->graph()).shared_from_this());
  } else {
    pin(item->graph().shared_from_this());
  }
}

void RelationshipAttribute::bind(InstanceState* owner, const RelationshipProperty* property,
                                 bool loaded) {
  owner_ = owner;
  property_ = property;
  loaded_ = loaded;
  if (detail::ObjectGraph* g = pinned()) {
    detail::ObjectGraph::join(owner->graph(), *g);
    pin(nullptr);
  }
}

void RelationshipAttribute::set_loaded(const std::vector<InstanceState*>& loaded) {
  raw_clear();
  if (!changes_ || changes_->pending.empty()) {
    for (InstanceState* item : loaded) raw_append(item);
    loaded_ = true;
    return;
  }
  std::vector<InstanceState*> items = loaded;
  for (auto& [added, item] : changes_->pending) {
    auto it = std::find(items.begin(), items.end(), item);
    if (added && it == items.end()) items.push_back(item);
    if (!added && it != items.end()) items.erase(it);
  }
  changes_->pending.clear();
  trim_changes();
  for (InstanceState* item : items) raw_append(item);
  loaded_ = true;
}

void RelationshipAttribute::expire() {
  raw_clear();
  if (changes_) changes_->pending.clear();
  loaded_ = false;
  clear_history();
}

void RelationshipAttribute::defer(bool appended, InstanceState* item) {
  changes().pending.emplace_back(appended, item);
}

void RelationshipAttribute::load_slow() const {
  if (!owner_ || !owner_->session()) {
    throw DetachedInstanceError("Parent instance of " + std::string(property_->parent().name()) +
                                " is not bound to a Session; lazy load of '" + property_->name() +
                                "' cannot proceed");
  }
  owner_->session()->load_relationship(*owner_, *property_);
}

void RelationshipAttribute::appended(InstanceState* item) {
  if (!owner_ || !property_) return;  // an unbound object: fixed up when it is bound
  modified_ = true;
  // History is net for many-to-many links (removed and appended again: no change); a
  // one-to-many keeps each event, as delete-orphan needs to see every removal.
  const bool link_history = property_->direction() == RelationshipDirection::many_to_many;
  Changes& c = changes();
  if (std::erase(c.removed, item) == 0 || !link_history) c.added.push_back(item);
  note(owner_, *this);
  link_back(item);
  cascade_into_session(item);
}

void RelationshipAttribute::link_back(InstanceState* item) {
  RelationshipAttribute* back = back_attribute(*property_, *item);
  if (!back) return;
  if (back->property()->uselist()) {
    if (!back->loaded_) {
      back->defer(true, owner_);
    } else if (!back->raw_contains(owner_)) {
      back->raw_append(owner_);
    }
    return;
  }
  // A one<> on the other side: it now points here, and leaves its old parent.
  InstanceState* old = known_target(*back, *item);
  if (old == owner_ && back->loaded_) return;
  if (old && old != owner_) {
    RelationshipAttribute& old_side = property_->attribute(old->object());
    if (!old_side.loaded_) {
      // Cancels an append queued there when the item moved to it unloaded.
      old_side.defer(false, item);
    } else if (old_side.raw_remove(item)) {
      old_side.changes().removed.push_back(item);
      old_side.modified_ = true;
      note(old, old_side);
    }
  }
  back->raw_clear();
  back->raw_append(owner_);
  back->loaded_ = true;
  back->modified_ = true;
  note(item, *back);
}

void RelationshipAttribute::cascade_into_session(InstanceState* item) {
  if (owner_->session() && property_->cascade().save_update &&
      item->session() != owner_->session()) {
    owner_->session()->attach(*item, property_->target());
  }
}

void RelationshipAttribute::removed(InstanceState* item) {
  if (!owner_ || !property_) return;
  modified_ = true;
  const bool link_history = property_->direction() == RelationshipDirection::many_to_many;
  Changes& c = changes();
  if (std::erase(c.added, item) == 0 || !link_history) c.removed.push_back(item);
  note(owner_, *this);
  unlink_back(item);
  expunge_if_pending_orphan(*property_, *owner_, *item);
}

void RelationshipAttribute::unlink_back(InstanceState* item) {
  RelationshipAttribute* back = back_attribute(*property_, *item);
  if (!back) return;
  if (back->property()->uselist()) {
    if (!back->loaded_) {
      back->defer(false, owner_);
    } else if (back->raw_remove(owner_) &&
               back->property()->direction() == RelationshipDirection::one_to_many) {
      // The parent's collection lost a child: the unit of work decides, as for a
      // remove() on the collection, whether the child is an orphan.
      back->changes().removed.push_back(owner_);
      back->modified_ = true;
      note(item, *back);
      expunge_if_pending_orphan(*back->property(), *item, *owner_);
    }
    return;
  }
  // Its one<> pointed here (the item was linked to this owner), loaded or not.
  if (!back->loaded_ || back->raw_contains(owner_)) {
    const bool was_loaded = back->loaded_;
    back->raw_clear();
    back->loaded_ = true;
    back->modified_ = true;
    if (was_loaded && back->property()->direction() == RelationshipDirection::one_to_many) {
      // A one-to-one parent lost its child: an orphan, as for a collection.
      back->changes().removed.push_back(owner_);
      expunge_if_pending_orphan(*back->property(), *item, *owner_);
    }
    note(item, *back);
  }
}

void RelationshipAttribute::replaced(InstanceState* old_item, InstanceState* new_item) {
  if (!owner_ || !property_) return;
  modified_ = true;
  note(owner_, *this);
  // A one<> on the referenced side (one-to-one parent): the old child loses its key.
  if (old_item && property_->direction() == RelationshipDirection::one_to_many) {
    changes().removed.push_back(old_item);
  }
  if (property_->back_populates()) {
    if (old_item) unlink_back(old_item);
    if (new_item) link_back(new_item);
  }
  if (old_item) expunge_if_pending_orphan(*property_, *owner_, *old_item);
  if (new_item) cascade_into_session(new_item);
}

}  // namespace relate
