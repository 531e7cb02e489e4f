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

}  // namespace

void LeftRelationships::put_back(const SessionImpl& session) {
  for (auto it = left_.rbegin(); it != left_.rend(); ++it) {
    RelationshipAttribute& attr = *it->attr;
    InstanceState* item = it->item;
    if (!ours(session, *attr.owner()) || !ours(session, *item)) continue;
    if (item->status() == ObjectStatus::deleted || item->was_deleted()) continue;
    if (!attr.is_loaded() || attr.raw_contains(item)) continue;
    const bool scalar = !attr.property()->uselist();
    if (scalar && attr.raw_size() != 0) continue;
    std::vector<InstanceState*> items;
    for (std::size_t i = 0; i < attr.raw_size(); ++i) items.push_back(attr.raw_at(i));
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(std::min(it->index, items.size())),
                 item);
    attr.raw_clear();
    for (InstanceState* x : items) attr.raw_append(x);
  }
  clear();
}

}  // namespace relate
