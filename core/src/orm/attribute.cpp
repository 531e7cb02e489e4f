// Events of relationship members: changes and their history, back-population of the
// other side of a back_populates pair, and the save-update cascade into the session
// (loading, and what an unloaded member queues: attribute_queue.cpp).
#include <algorithm>
#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>

#include "demangled_name.hpp"
#include "loading.hpp"
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
  if (!rel || !item.session()) return nullptr;
  return held_target(*item.session(), *rel, item).value_or(nullptr);
}

// The child's foreign key along the many-to-one `rel` is NULL (in its members now).
bool no_foreign_key(const RelationshipProperty& rel, const InstanceState& child) {
  for (const auto& pair : rel.column_pairs()) {
    if (!rel.foreign_mapper().get(child.object(), pair.foreign).is_null()) return false;
  }
  return true;
}

}  // namespace

bool row_refers_to(const RelationshipProperty& rel, const InstanceState& child,
                   const InstanceState& parent) {
  if (parent.committed().empty()) return false;  // no row: nothing refers to it yet
  for (const auto& pair : rel.column_pairs()) {
    const Value v = rel.foreign_mapper().get(child.object(), pair.foreign);
    if (v.is_null() || !parent.committed().equals(pair.referenced, v)) return false;
  }
  return true;
}

namespace {

// `item` left `parent`'s one-to-many `rel`. Under delete-orphan, an item without a row
// and without another parent is an orphan: pending in the parent's Session (`session`,
// where the parent is once the operation is done), it leaves it at once; otherwise the
// flush of the Session it is pending in leaves it out (SQLAlchemy's cascade events).
// Orphans with a row are the flush's to delete.
void orphaned(const RelationshipProperty& rel, InstanceState& parent, InstanceState& item,
              SessionImpl* session) {
  if (rel.direction() != RelationshipDirection::one_to_many || !rel.cascade().delete_orphan) return;
  if (item.status() != ObjectStatus::pending && item.status() != ObjectStatus::transient) return;
  if (const RelationshipProperty* back = rel.back_populates()) {
    const RelationshipAttribute& b = back->attribute(item.object());
    if (b.is_loaded() && b.raw_size() && b.raw_at(0) != &parent) return;  // re-parented
  }
  if (session && item.session() == session) {
    session->expunge(item);
    return;
  }
  InstanceAccess::orphaned_outside_session(item) = true;
}

void orphaned(const RelationshipProperty& rel, InstanceState& parent, InstanceState& item) {
  orphaned(rel, parent, item, parent.session());
}

// `child` has a parent again along the one-to-many side `rel` of a pair.
void adopted(const RelationshipProperty* rel, InstanceState& child) {
  if (rel && rel->cascade().delete_orphan) InstanceAccess::orphaned_outside_session(child) = false;
}

}  // namespace

void RelationshipAttribute::raw_reserve(std::size_t) {}

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

RelationshipAttribute::~RelationshipAttribute() = default;

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
    // (Built only for a message: links run for every object a flush writes.)
    const auto through = [this] {
      return " through '" + (property_ ? property_->name() : std::string("a relationship")) + "'";
    };
    if (mine && gone) {
      throw InvalidRequestError("cannot link a " + std::string(item->mapper()->name()) +
                                " whose row was deleted" + through());
    }
    if (mine && owner_->status() == ObjectStatus::deleted) {
      throw InvalidRequestError("cannot link to a " + std::string(owner_->mapper()->name()) +
                                " whose row was deleted" + through());
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
    if (!property_) bind_owner_through(*item);
  } else if (detail::ObjectGraph* g = pinned()) {
    pin(detail::ObjectGraph::join(*g, item->graph()).shared_from_this());
  } else {
    pin(item->graph().shared_from_this());
  }
}

void RelationshipAttribute::bind(InstanceState* owner, const RelationshipProperty* property,
                                 bool loaded) {
  property_ = property;
  loaded_ = loaded;
  set_owner(owner);
}

void RelationshipAttribute::bind_owner_through(const InstanceState& item) {
  // An object relate::make made, linked to one a mapper has bound, takes that mapper's
  // MetaData: from here on its links sync both ways, as the item's do.
  if (item.mapper()) {
    if (const Mapper* m = item.mapper()->sibling_mapper(owner_->model_type())) {
      m->bind(*owner_, true);
      return;
    }
  }
  // Between two objects no MetaData maps, a link could not keep the other side in
  // sync, nor do what replacing an object does to the one it replaces; binding them
  // later could not replay that in order. Refused rather than written wrongly.
  const std::string type = demangled_name(owner_->model_type());
  throw InvalidRequestError(
      "cannot link this " + type + ": relate::make(" + type +
      "{...}) made it without a MetaData, and no MetaData maps what it is linked to. Make it "
      "with relate::make(metadata, " + type + "{...}), or add it to a Session first");
}

void RelationshipAttribute::set_owner(InstanceState* owner) {
  owner_ = owner;
  if (detail::ObjectGraph* g = pinned()) {
    detail::ObjectGraph::join(owner->graph(), *g);
    pin(nullptr);
  }
}

void detail::own_members(InstanceState& state, std::span<RelationshipAttribute* const> members,
                         bool bind_through_members) {
  const Mapper* bound = nullptr;
  for (RelationshipAttribute* member : members) {
    if (!member) continue;
    member->set_owner(&state);
    if (!bind_through_members) continue;
    for (std::size_t i = 0; i < member->raw_size() && !bound; ++i) {
      bound = member->raw_at(i)->mapper();
    }
  }
  if (!bound) return;
  if (const Mapper* m = bound->sibling_mapper(state.model_type())) m->bind(state, true);
}

void RelationshipAttribute::record_change(Change change, InstanceState* item) {
  modified_ = true;
  // History is net for many-to-many links (removed and appended again: no change). A
  // one-to-many keeps every removal, as delete-orphan needs to see it (an item back
  // again is no removal), and every append, so that added() tells what was not
  // there at the last flush.
  const bool link_history = property_->direction() == RelationshipDirection::many_to_many;
  // A one-to-many child without a row when it leaves (transient, or pending) has no
  // row to delete or null: orphaned() deals with it now. Kept, the removal would
  // outlive the child's own INSERT when the parent is outside the Session, and a later
  // flush would take the row the child was added for as an orphan's.
  const bool rowless_child =
      !link_history && property_->direction() == RelationshipDirection::one_to_many &&
      (item->status() == ObjectStatus::transient || item->status() == ObjectStatus::pending);
  if (change == Change::append || !rowless_child) add_to_history(change, item);
  note(owner_, *this);
}

void RelationshipAttribute::add_to_history(Change change, InstanceState* item) {
  const bool link_history = property_->direction() == RelationshipDirection::many_to_many;
  Changes& c = changes();
  if (change == Change::append) {
    if (std::erase(c.removed, item) == 0 || !link_history) c.added.push_back(item);
  } else if (!link_history || std::erase(c.added, item) == 0) {
    c.removed.push_back(item);
  }
}

void RelationshipAttribute::appended(InstanceState* item) {
  if (!owner_ || !property_) return;  // an unbound object: fixed up when it is bound
  // If the cascade would refuse an object, it says so before anything changes.
  check_cascade_into_session(item);
  record_change(Change::append, item);
  if (property_->direction() == RelationshipDirection::one_to_many) adopted(property_, *item);
  link_back(item);
  cascade_into_session(item);
}

void RelationshipAttribute::link_back(InstanceState* item) {
  RelationshipAttribute* back = back_attribute(*property_, *item);
  if (!back) return;
  const RelationshipProperty& b = *back->property();
  if (b.uselist()) {
    if (!back->loaded_) {
      back->defer(Change::append, owner_);
      // Back in a collection it left since the last flush: no removal any more (as a
      // loaded collection's record_change nets it).
      if (back->changes_) std::erase(back->changes_->removed, owner_);
    } else if (!back->raw_contains(owner_)) {
      back->raw_append(owner_);
      // Both sides keep the history: either may be changed next (the flush nets a
      // many-to-many's two), and the save-update cascade tells what a collection held
      // at the last flush from what it gained since.
      back->record_change(Change::append, owner_);
    }
    return;
  }
  // A one<> on the other side: it now points here, and leaves its old parent. (A
  // one-to-one parent's child was loaded by load_before_replace(): the child it had loses its
  // key, or under delete-orphan its row.)
  InstanceState* old = known_target(*back, *item);
  if (old == owner_ && back->loaded_) return;
  if (old && old != owner_) leave_old_owner(*back, item, old);
  back->raw_clear();
  back->raw_append(owner_);
  back->loaded_ = true;
  back->record_change(Change::append, owner_);
}

void RelationshipAttribute::leave_old_owner(RelationshipAttribute& back, InstanceState* item,
                                            InstanceState* old) {
  // `item`'s reference `back` pointed at `old`, an object of this attribute's model:
  // old lets go of item.
  const RelationshipProperty& b = *back.property();
  const bool one_to_one_parent = b.direction() == RelationshipDirection::one_to_many;
  RelationshipAttribute& old_side = property_->attribute(old->object());
  bool old_held_item = false;  // the old one pointed back at the item
  if (!old_side.loaded_) {
    old_held_item = one_to_one_parent && row_refers_to(*property_, *old, *item);
    if (old_held_item) {
      // The old child's row names the parent, which now holds another: its
      // reference is known to hold nothing, as it would if it had been loaded (no
      // load is needed later, which a detached child could not do).
      old_side.raw_clear();
      old_side.loaded_ = true;
      old_side.record_change(Change::remove, item);
    } else {
      // Cancels an append queued there when the item moved to it unloaded.
      old_side.defer(Change::remove, item);
    }
  } else if (old_side.raw_remove(item)) {
    old_held_item = true;
    // A collection lost the item, or a child its parent (its key is written); a
    // one-to-one parent whose child another parent took keeps no history of it.
    if (old_side.property()->uselist() ||
        old_side.property()->direction() == RelationshipDirection::many_to_one) {
      old_side.record_change(Change::remove, item);
    }
  }
  // A one-to-one parent lets go of its old child only if that child still pointed
  // back at it: one whose reference says otherwise (read again after a rollback, or
  // moved) was not its child any more, and is no orphan of it.
  if (one_to_one_parent && old_held_item) {
    back.record_change(Change::remove, old);
    // The parent the save-update cascade is bringing in is in this Session by then
    // (SQLAlchemy's cascade listener runs before its backref listener).
    orphaned(b, *item, *old, cascades_to(item) ? owner_->session() : item->session());
  }
}

void RelationshipAttribute::check_cascade_into_session(InstanceState* item) const {
  if (cascades_to(item)) {
    owner_->session()->check_cascade(*item, property_->target());
  }
}

bool RelationshipAttribute::cascades_to(const InstanceState* item) const {
  // An object whose row a flush deleted cascades nothing (SQLAlchemy's is out of its
  // Session by then).
  return owner_->session() && owner_->status() != ObjectStatus::deleted &&
         property_->cascade().save_update && item->session() != owner_->session();
}

void RelationshipAttribute::cascade_into_session(InstanceState* item) {
  if (cascades_to(item)) {
    owner_->session()->attach(*item, property_->target());
    InstanceAccess::orphaned_outside_session(*item) = false;  // as Session::add
  }
}

void RelationshipAttribute::removed(InstanceState* item) {
  if (!owner_ || !property_) return;
  record_change(Change::remove, item);
  unlink_back(item);
  orphaned(*property_, *owner_, *item);
}

void RelationshipAttribute::unlink_back(InstanceState* item) {
  RelationshipAttribute* back = back_attribute(*property_, *item);
  if (!back) return;
  const RelationshipProperty& b = *back->property();
  const bool many_to_many = b.direction() == RelationshipDirection::many_to_many;
  if (b.uselist()) {
    if (!back->loaded_) {
      back->defer(Change::remove, owner_);
      // The parent's collection lost a child all the same: the unit of work decides,
      // as for a remove() on it, whether the child is an orphan.
      if (!many_to_many) {
        back->record_change(Change::remove, owner_);
        orphaned(b, *item, *owner_);
      }
    } else if (back->raw_remove(owner_)) {
      back->record_change(Change::remove, owner_);
      if (!many_to_many) orphaned(b, *item, *owner_);
    } else if (!many_to_many) {
      // A loaded collection that does not hold the child (loaded after a rollback
      // expired the append that put it there): the child let go of its parent all
      // the same, and is an orphan if it has no other (SQLAlchemy's remove event
      // fires whether or not the list held it; seed 804353).
      orphaned(b, *item, *owner_);
    }
    return;
  }
  // Its one<> pointed here: loaded, if it holds this owner; unloaded, if the rows say
  // so (an object that kept a stale reference must not clear another's).
  const bool item_is_child = b.direction() == RelationshipDirection::many_to_one;
  const bool held = back->loaded_ ? back->raw_contains(owner_)
                                  : row_refers_to(b, item_is_child ? *item : *owner_,
                                                  item_is_child ? *owner_ : *item);
  if (!held) {
    // An unloaded reference whose foreign key is NULL is known to hold nothing: it is
    // set so, as a load would (SQLAlchemy's backref sets it without looking).
    if (!back->loaded_ && item_is_child && no_foreign_key(b, *item)) {
      back->raw_clear();
      back->loaded_ = true;
    }
    // A one-to-one parent's unloaded child stays as the rows say; a pending child that
    // let go of the parent is an orphan all the same, also when no flush wrote its key
    // for the rows to say so (seed 927450), as a collection's is (seed 804353).
    if (!back->loaded_ && !item_is_child) orphaned(b, *item, *owner_);
    return;
  }
  back->raw_clear();
  back->loaded_ = true;
  if (item_is_child) {
    // The child's own history says it left (a persistent orphan is found from it even
    // when its parent leaves the Session before the flush).
    back->record_change(Change::remove, owner_);
    return;
  }
  // A one-to-one parent lost its child: an orphan, as for a collection.
  back->record_change(Change::remove, owner_);
  orphaned(b, *item, *owner_);
}

bool RelationshipAttribute::load_before_replace(InstanceState* new_item) {
  if (!owner_ || !property_ || !new_item) return false;
  RelationshipAttribute* back = back_attribute(*property_, *new_item);
  if (back && !back->loaded_ && !back->property()->uselist() &&
      back->property()->direction() == RelationshipDirection::one_to_many && new_item->session()) {
    back->load();
    return true;
  }
  return false;
}

void RelationshipAttribute::replaced(InstanceState* old_item, InstanceState* new_item) {
  if (!owner_ || !property_) return;
  // What may fail comes first, so that nothing has changed when it does (the load of
  // a one-to-one parent's child came before, load_before_replace): the cascade's
  // refusals.
  if (new_item) check_cascade_into_session(new_item);
  // History as for a collection (a one-to-one parent's old child loses its key).
  if (old_item) record_change(Change::remove, old_item);
  if (new_item) record_change(Change::append, new_item);
  modified_ = true;
  note(owner_, *this);
  const bool one_to_one_parent = property_->direction() == RelationshipDirection::one_to_many;
  if (new_item) {
    if (one_to_one_parent) {
      adopted(property_, *new_item);
    } else {
      adopted(property_->back_populates(), *owner_);
    }
  }
  if (property_->back_populates()) {
    if (old_item) unlink_back(old_item);
    if (new_item) link_back(new_item);
  }
  if (old_item) orphaned(*property_, *owner_, *old_item);
  if (new_item) cascade_into_session(new_item);
}

namespace {

// What no change of a relationship may do: write a viewonly one, or happen inside a
// mapper event.
void refuse_change(const InstanceState* owner, const RelationshipProperty* property) {
  if (property && property->viewonly()) {
    throw InvalidRequestError("cannot change " + property->name() +
                              ": it is viewonly (loaded, never written); change the "
                              "relationships it reads");
  }
  if (owner && owner->session() && owner->session()->in_mapper_event()) {
    throw InvalidRequestError("cannot change " + (property ? property->name() : "a relationship") +
                              " inside a mapper event's listener: the flush running would not "
                              "write it (change relationships in before_flush)");
  }
}

}  // namespace

void RelationshipAttribute::set_reference(InstanceState* target) {
  refuse_change(owner_, property_);
  load();
  if ((raw_size() ? raw_at(0) : nullptr) == target) return;
  if (target) link(target);                       // its refusals come before any statement
  if (load_before_replace(target)) link(target);  // ... and after the autoflush's
  // (read after that autoflush, which may have taken a deleted object out)
  InstanceState* old = raw_size() ? raw_at(0) : nullptr;
  if (old == target) return;
  raw_clear();
  if (target) raw_append(target);
  try {
    replaced(old, target);
  } catch (...) {
    raw_clear();  // refused by the cascade: the member keeps its value
    if (old) raw_append(old);
    throw;
  }
}

void RelationshipAttribute::append_item(InstanceState* item) {
  refuse_change(owner_, property_);
  load();
  if (!item || raw_contains(item)) return;
  link(item);
  raw_append(item);
  try {
    appended(item);
  } catch (...) {
    raw_remove(item);  // refused by the cascade: the collection is as it was
    throw;
  }
}

bool RelationshipAttribute::remove_item(InstanceState* item) {
  refuse_change(owner_, property_);
  load();
  if (!item || !raw_remove(item)) return false;
  removed(item);
  return true;
}

void RelationshipAttribute::clear_items() {
  refuse_change(owner_, property_);
  load();
  std::vector<InstanceState*> held;
  for (std::size_t i = 0; i < raw_size(); ++i) held.push_back(raw_at(i));
  raw_clear();
  for (InstanceState* item : held) removed(item);
}

void RelationshipAttribute::replace_items(const std::vector<InstanceState*>& items) {
  if (property_ && !property_->uselist()) {
    set_reference(items.empty() ? nullptr : items.front());
    return;
  }
  load();
  std::vector<InstanceState*> held;
  for (std::size_t i = 0; i < raw_size(); ++i) held.push_back(raw_at(i));
  for (InstanceState* item : held) {
    if (std::find(items.begin(), items.end(), item) == items.end()) remove_item(item);
  }
  for (InstanceState* item : items) append_item(item);
}

}  // namespace relate
