// The rows of each action of a flush, in the order they are written: objects in the
// order they came into the session, self-referential rows parents first, updates that
// release a key before the inserts that take it.
#include <algorithm>
#include <functional>
#include <relate/schema.hpp>

#include "metadata_impl.hpp"
#include "unit_of_work.hpp"

namespace relate {

void UnitOfWork::group_rows() {
  for (InstanceState* s : s_.new_) {
    if (s->status() == ObjectStatus::pending) pending_[s->mapper()].push_back(s);
  }
  for (InstanceState* s : s_.identity_) {
    if (s->status() == ObjectStatus::persistent && !deleting(s)) {
      persistent_[s->mapper()].push_back(s);
    }
  }
  // The identity map is unordered; write in the order objects came into the session.
  for (auto& [m, states] : persistent_) {
    std::sort(states.begin(), states.end(), [](InstanceState* a, InstanceState* b) {
      return InstanceAccess::sequence(*a) < InstanceAccess::sequence(*b);
    });
  }
  for (InstanceState* d : deletes_) deleted_rows_[d->mapper()].push_back(d);
  switch_rows();
  find_rows_after_inserts();
}

void UnitOfWork::switch_rows() {
  for (auto& [m, deleted] : deleted_rows_) {
    auto pending = pending_.find(m);
    if (pending == pending_.end() || deleted.empty()) continue;
    std::unordered_map<IdentityKey, InstanceState*, IdentityKeyHash> by_key;
    for (InstanceState* d : deleted) by_key.emplace(s_.key_of(*d), d);
    for (InstanceState* taking : pending->second) {
      if (generated_key(*taking)) continue;
      IdentityKey key{m, {}};
      for (std::size_t i : m->primary_key()) key.values.push_back(m->get(taking->object(), i));
      auto same_key = by_key.find(key);
      if (same_key == by_key.end()) continue;
      switched_.emplace_back(taking, same_key->second);
      switching_.insert(taking);
      switching_.insert(same_key->second);
      by_key.erase(same_key);
    }
    const auto switches = [this](InstanceState* s) { return switching(s); };
    std::erase_if(deleted, switches);
    std::erase_if(pending->second, switches);
  }
}

void UnitOfWork::find_rows_after_inserts() {
  // Only along self-referential relationships: a parent in another table is inserted by
  // an earlier action of the flush plan, and an UPDATE held back behind the INSERTs of
  // its own table could meet a unique key that it was to free (a one-to-one moving).
  for (InstanceState* s : s_.new_) {
    for (const RelationshipProperty* rel : s->mapper()->written_relationships()) {
      if (rel->direction() != RelationshipDirection::one_to_many) continue;
      if (&rel->target() != s->mapper()) continue;
      const RelationshipAttribute& attr = rel->attribute(s->object());
      for (std::size_t i = 0; attr.is_loaded() && i < attr.raw_size(); ++i) {
        after_inserts_.insert(attr.raw_at(i));
      }
    }
  }
  for (const auto& [m, states] : persistent_) {
    for (InstanceState* s : states) {
      for (const RelationshipProperty* rel : m->written_relationships()) {
        if (rel->direction() != RelationshipDirection::many_to_one || &rel->target() != m) continue;
        const RelationshipAttribute& attr = rel->attribute(s->object());
        if (attr.is_loaded() && attr.raw_size() &&
            attr.raw_at(0)->status() == ObjectStatus::pending) {
          after_inserts_.insert(s);
        }
      }
    }
  }
}

namespace {

using Parents = std::unordered_map<InstanceState*, std::vector<InstanceState*>>;

// Each row's parents among `states` along the loaded links of the mapper's
// self-referential relationships; false when it has none.
bool add_linked_parents(const Mapper& m, const std::vector<InstanceState*>& states,
                        Parents& parents) {
  const std::unordered_set<InstanceState*> in(states.begin(), states.end());
  bool self_referential = false;
  for (const RelationshipProperty* rel : m.written_relationships()) {
    if (&rel->target() != &m || rel->post_update() ||
        rel->direction() == RelationshipDirection::many_to_many) {
      continue;
    }
    self_referential = true;
    for (InstanceState* s : states) {
      RelationshipAttribute& attr = rel->attribute(s->object());
      if (!attr.is_loaded()) continue;
      for (std::size_t i = 0; i < attr.raw_size(); ++i) {
        InstanceState* other = attr.raw_at(i);
        if (!in.count(other)) continue;
        if (rel->direction() == RelationshipDirection::many_to_one) {
          parents[s].push_back(other);
        } else {
          parents[other].push_back(s);
        }
      }
    }
  }
  return self_referential;
}

// Rows being deleted may have unloaded relationships: their committed foreign keys
// tell who their parent is. False when the table does not refer to itself.
bool add_committed_parents(const Mapper& m, const std::vector<InstanceState*>& states,
                           Parents& parents) {
  bool self_referential = false;
  for (const auto& fk : m.table().foreign_keys()) {
    if (fk.referred_table != &m.table()) continue;
    self_referential = true;
    std::unordered_map<IdentityKey, InstanceState*, IdentityKeyHash> by_key;
    for (InstanceState* s : states) {
      IdentityKey key{&m, {}};
      for (const Column* c : fk.referred_columns)
        key.values.push_back(s->committed()[c->position()]);
      by_key.emplace(std::move(key), s);
    }
    for (InstanceState* s : states) {
      IdentityKey key{&m, {}};
      for (const Column* c : fk.columns) key.values.push_back(s->committed()[c->position()]);
      if (auto it = by_key.find(key); it != by_key.end() && it->second != s) {
        parents[s].push_back(it->second);
      }
    }
  }
  return self_referential;
}

// `states` reordered so that every row comes after its parents (depth first, stable).
std::vector<InstanceState*> parents_before_children(const std::vector<InstanceState*>& states,
                                                    const Parents& parents) {
  std::unordered_set<InstanceState*> placed;
  std::vector<InstanceState*> out;
  out.reserve(states.size());
  std::function<void(InstanceState*)> visit = [&](InstanceState* s) {
    if (!placed.insert(s).second) return;
    if (auto it = parents.find(s); it != parents.end()) {
      for (InstanceState* p : it->second) visit(p);
    }
    out.push_back(s);
  };
  for (InstanceState* s : states) visit(s);
  return out;
}

}  // namespace

std::vector<InstanceState*> UnitOfWork::parent_first(const std::vector<InstanceState*>& states,
                                                     RowWrite write) const {
  if (states.size() < 2) return states;
  const Mapper& m = *states.front()->mapper();
  Parents parents;
  bool self_referential = add_linked_parents(m, states, parents);
  if (write == RowWrite::remove) self_referential |= add_committed_parents(m, states, parents);
  return self_referential ? parents_before_children(states, parents) : states;
}

}  // namespace relate
