#include "left_relationships.hpp"

#include <algorithm>
#include <relate/orm/attributes.hpp>
#include <relate/orm/relationship.hpp>

#include "session_impl.hpp"

namespace relate {

void LeftRelationships::take_out(RelationshipAttribute& attr, InstanceState* item) {
  for (std::size_t i = 0; i < attr.raw_size(); ++i) {
    if (attr.raw_at(i) != item) continue;
    attr.raw_remove(item);
    left_.push_back({&attr, item, i});
    return;
  }
}

namespace {

bool ours(const SessionImpl& session, const InstanceState& s) {
  return !s.session() || s.session() == &session;
}

// Whether the foreign key of `rel` (not a many-to-many) refers from one end to the
// other, as the members of both ends show: either may have no row (the undo made an
// object the transaction inserted transient, with the key its flush gave it).
bool key_refers(const RelationshipProperty& rel, const InstanceState& holder,
                const InstanceState& item) {
  const bool holder_is_child = rel.direction() == RelationshipDirection::many_to_one;
  const InstanceState& child = holder_is_child ? holder : item;
  const InstanceState& parent = holder_is_child ? item : holder;
  for (const auto& pair : rel.column_pairs()) {
    const Value v = rel.foreign_mapper().get(child.object(), pair.foreign);
    if (v.is_null() || v != parent.mapper()->get(parent.object(), pair.referenced)) return false;
  }
  return true;
}

void put_in_place(RelationshipAttribute& attr, InstanceState* item, std::size_t index) {
  std::vector<InstanceState*> items;
  for (std::size_t i = 0; i < attr.raw_size(); ++i) items.push_back(attr.raw_at(i));
  items.insert(items.begin() + static_cast<std::ptrdiff_t>(std::min(index, items.size())), item);
  attr.raw_clear();
  for (InstanceState* x : items) attr.raw_append(x);
}

}  // namespace

void LeftRelationships::put_back(const SessionImpl& session,
                                 const std::vector<InstanceState*>& undeleted) {
  for (auto it = left_.rbegin(); it != left_.rend(); ++it) {
    RelationshipAttribute& attr = *it->attr;
    InstanceState* item = it->item;
    if (!ours(session, *attr.owner()) || !ours(session, *item)) continue;
    if (item->status() == ObjectStatus::deleted || item->was_deleted()) continue;
    if (!attr.is_loaded() || attr.raw_contains(item)) continue;
    const RelationshipProperty& rel = *attr.property();
    if (rel.viewonly()) {
      // (what it read is back, and nothing it holds is written)
      if (rel.uselist() || attr.raw_size() == 0) put_in_place(attr, item, it->index);
      continue;
    }
    if (rel.direction() == RelationshipDirection::many_to_many) {
      put_in_place(attr, item, it->index);  // (the link journal reconciles the row)
      continue;
    }
    const bool refers = key_refers(rel, *attr.owner(), *item);
    // A reference whose key says otherwise now (the database's ON DELETE SET NULL,
    // mirrored, or another reference set since) stays as it is.
    if (!rel.uselist() && (attr.raw_size() != 0 ||
                           (rel.direction() == RelationshipDirection::many_to_one && !refers))) {
      continue;
    }
    put_in_place(attr, item, it->index);
    // A link no flush wrote (made before the flush that deleted the item): written
    // by the next one.
    if (!refers) attr.restore_link(item, false);
  }
  clear();
  // The references the undeleted objects hold that no flush wrote (their rows went
  // first) are unflushed again.
  for (InstanceState* s : undeleted) {
    if (!ours(session, *s)) continue;
    for (const RelationshipProperty* rel : s->mapper()->written_relationships()) {
      if (rel->direction() != RelationshipDirection::many_to_one) continue;
      RelationshipAttribute& attr = rel->attribute(s->object());
      if (!attr.is_loaded() || attr.raw_size() == 0) continue;
      InstanceState* target = attr.raw_at(0);
      if (ours(session, *target) && !row_refers_to(*rel, *s, *target)) {
        attr.restore_link(target, false);
      }
    }
  }
}

}  // namespace relate
