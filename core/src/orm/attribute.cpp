// Events of relationship members: loading on first access, back-population of the
// other side of a back_populates pair, and the save-update cascade into the session.
#include <algorithm>
#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>

#include "session_impl.hpp"

namespace relate {

namespace {

// The other side's attribute inside `item`, binding `item` to its mapper first if it
// is a new object that no session has seen yet.
RelationshipAttribute* back_attribute(const RelationshipProperty& prop, InstanceState& item) {
  const RelationshipProperty* back = prop.back_populates();
  if (!back) return nullptr;
  if (!item.mapper()) prop.target().bind(item, true);
  return &back->attribute(item.object());
}

}  // namespace

bool RelationshipAttribute::raw_contains(const InstanceState* item) const {
  for (std::size_t i = 0, n = raw_size(); i < n; ++i) {
    if (raw_at(i) == item) return true;
  }
  return false;
}

void RelationshipAttribute::bind(InstanceState* owner, const RelationshipProperty* property,
                                 bool loaded) {
  owner_ = owner;
  property_ = property;
  loaded_ = loaded;
  raise_ = false;
}

void RelationshipAttribute::set_loaded(std::vector<std::shared_ptr<InstanceState>> items) {
  raw_clear();
  if (pending_) {
    for (auto& [added, item] : *pending_) {
      auto it = std::find(items.begin(), items.end(), item);
      if (added && it == items.end()) items.push_back(item);
      if (!added && it != items.end()) items.erase(it);
    }
    pending_.reset();
  }
  for (auto& item : items) raw_append(std::move(item));
  loaded_ = true;
  raise_ = false;
}

void RelationshipAttribute::expire() {
  raw_clear();
  pending_.reset();
  loaded_ = false;
  clear_history();
}

void RelationshipAttribute::load_slow() const {
  if (raise_) {
    throw InvalidRequestError("'" + property_->name() +
                              "' is not available due to raiseload: it was not loaded by the "
                              "query's loader options");
  }
  if (!owner_ || !owner_->session()) {
    throw DetachedInstanceError("Parent instance of " + std::string(property_->parent().name()) +
                                " is not bound to a Session; lazy load of '" + property_->name() +
                                "' cannot proceed");
  }
  owner_->session()->load_relationship(*owner_, *property_);
}

void RelationshipAttribute::appended(InstanceState* item) {
  if (!owner_ || !property_) return;  // an unbound object: fixed up when it is added
  modified_ = true;
  std::erase_if(removed_, [item](const auto& r) { return r.get() == item; });
  if (owner_->session()) owner_->session()->note_modified(*this);
  if (RelationshipAttribute* back = back_attribute(*property_, *item)) {
    if (!back->property()->uselist()) {
      // A one<> on the other side: it now points here, and leaves its old parent.
      InstanceState* old = back->loaded_ && back->raw_size() ? back->raw_at(0) : nullptr;
      if (old != owner_) {
        if (old) {
          RelationshipAttribute& old_side = property_->attribute(old->object());
          if (old_side.loaded_ && old_side.raw_remove(item)) {
            old_side.removed_.push_back(item->shared_from_this());
            old_side.modified_ = true;
            if (old->session()) old->session()->note_modified(old_side);
          }
        }
        back->raw_clear();
        back->raw_append(owner_->shared_from_this());
        back->loaded_ = true;
        back->modified_ = true;
        if (item->session()) item->session()->note_modified(*back);
      }
    } else if (back->loaded_) {
      if (!back->raw_contains(owner_)) back->raw_append(owner_->shared_from_this());
    } else {
      if (!back->pending_) back->pending_ = std::make_unique<decltype(pending_)::element_type>();
      back->pending_->emplace_back(true, owner_->shared_from_this());
    }
  }
  if (owner_->session() && property_->cascade().save_update &&
      item->session() != owner_->session()) {
    owner_->session()->attach(item->shared_from_this(), property_->target());
  }
}

void RelationshipAttribute::removed(InstanceState* item) {
  if (!owner_ || !property_) return;
  modified_ = true;
  removed_.push_back(item->shared_from_this());
  if (owner_->session()) owner_->session()->note_modified(*this);
  RelationshipAttribute* back = back_attribute(*property_, *item);
  if (!back) return;
  if (!back->property()->uselist()) {
    if (back->loaded_ && back->raw_size() && back->raw_at(0) == owner_) {
      back->raw_clear();
      back->modified_ = true;
      if (item->session()) item->session()->note_modified(*back);
    }
  } else if (back->loaded_) {
    back->raw_remove(owner_);
  } else {
    if (!back->pending_) back->pending_ = std::make_unique<decltype(pending_)::element_type>();
    back->pending_->emplace_back(false, owner_->shared_from_this());
  }
}

void RelationshipAttribute::replaced(InstanceState* old_item, InstanceState* new_item) {
  if (!owner_ || !property_) return;
  modified_ = true;
  if (owner_->session()) owner_->session()->note_modified(*this);
  // A one<> on the referenced side (one-to-one parent): the old child loses its key.
  if (old_item && property_->direction() == RelationshipDirection::one_to_many) {
    removed_.push_back(old_item->shared_from_this());
  }
  if (property_->back_populates()) {
    if (old_item) {
      RelationshipAttribute* back = back_attribute(*property_, *old_item);
      if (back->loaded_) {
        back->raw_remove(owner_);
        if (!back->property()->uselist()) back->modified_ = true;
      } else if (back->property()->uselist()) {
        if (!back->pending_) back->pending_ = std::make_unique<decltype(pending_)::element_type>();
        back->pending_->emplace_back(false, owner_->shared_from_this());
      }
    }
    if (new_item) {
      RelationshipAttribute* back = back_attribute(*property_, *new_item);
      if (!back->property()->uselist()) {
        back->raw_clear();
        back->raw_append(owner_->shared_from_this());
        back->loaded_ = true;
        back->modified_ = true;
        if (new_item->session()) new_item->session()->note_modified(*back);
      } else if (back->loaded_) {
        if (!back->raw_contains(owner_)) back->raw_append(owner_->shared_from_this());
      } else {
        if (!back->pending_) back->pending_ = std::make_unique<decltype(pending_)::element_type>();
        back->pending_->emplace_back(true, owner_->shared_from_this());
      }
    }
  }
  if (new_item && owner_->session() && property_->cascade().save_update &&
      new_item->session() != owner_->session()) {
    owner_->session()->attach(new_item->shared_from_this(), property_->target());
  }
}

}  // namespace relate
