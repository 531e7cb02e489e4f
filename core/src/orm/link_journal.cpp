#include "link_journal.hpp"

#include <algorithm>
#include <functional>
#include <relate/orm/attributes.hpp>
#include <relate/orm/relationship.hpp>

#include "session_impl.hpp"

namespace relate {

std::size_t LinkJournal::RowKeyHash::operator()(const RowKey& k) const noexcept {
  const IdentityKeyHash h;
  return std::hash<const void*>()(k.rel) ^ (h(k.parent) * 31) ^ (h(k.target) * 1000003);
}

void LinkJournal::record(const RelationshipProperty& rel, InstanceState* parent,
                         IdentityKey parent_key, InstanceState* target, IdentityKey target_key,
                         bool existed) {
  RowKey key{&rel, parent_key, target_key};
  auto [it, added] = index_.try_emplace(std::move(key), rows_.size());
  if (added) {
    rows_.push_back({&rel, std::move(parent_key), std::move(target_key), existed, {}, {}});
  }
  Row& row = rows_[it->second];
  if (std::find(row.parents.begin(), row.parents.end(), parent) == row.parents.end()) {
    row.parents.push_back(parent);
  }
  if (std::find(row.targets.begin(), row.targets.end(), target) == row.targets.end()) {
    row.targets.push_back(target);
  }
}

void LinkJournal::absorb(LinkJournal&& later) {
  for (Row& row : later.rows_) {
    for (InstanceState* parent : row.parents) {
      for (InstanceState* target : row.targets) {
        record(*row.rel, parent, row.parent_key, target, row.target_key, row.existed_before);
      }
    }
  }
  later.clear();
}

namespace {

// The objects that stand for one end of a row: those that wrote it, and the one the
// Session holds for the row's key now; each once, none another Session holds.
std::vector<InstanceState*> ends(const SessionImpl& session, std::vector<InstanceState*> wrote,
                                 const IdentityKey& key) {
  const std::vector<Value> values(key.values.begin(), key.values.end());
  if (InstanceState* held = session.lookup(*key.mapper, values)) {
    if (std::find(wrote.begin(), wrote.end(), held) == wrote.end()) wrote.push_back(held);
  }
  std::erase_if(wrote, [&session](const InstanceState* end) {
    return end->session() && end->session() != &session;
  });
  return wrote;
}

}  // namespace

void LinkJournal::undo(const SessionImpl& session) {
  for (const Row& row : rows_) {
    const auto parents = ends(session, row.parents, row.parent_key);
    const auto targets = ends(session, row.targets, row.target_key);
    if (parents.empty() || targets.empty()) continue;  // another Session's now
    for (InstanceState* parent : parents) {
      row.rel->attribute(parent->object()).restore_link(targets.front(), row.existed_before);
    }
    if (const RelationshipProperty* back = row.rel->back_populates()) {
      for (InstanceState* target : targets) {
        back->attribute(target->object()).restore_link(parents.front(), row.existed_before);
      }
    }
  }
  clear();
}

}  // namespace relate
