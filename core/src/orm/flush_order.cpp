// The order of a flush: mappers in foreign-key dependency order (referenced tables
// first, post_update foreign keys left out so that mutual references have an order),
// and inside one mapper, self-referential rows parents first.
#include <functional>
#include <relate/schema.hpp>

#include "metadata_impl.hpp"
#include "unit_of_work.hpp"

namespace relate {

std::vector<const Mapper*> UnitOfWork::mapper_order() const {
  const auto& mappers = s_.metadata.impl().mappers;
  std::unordered_set<const ForeignKeyConstraint*> deferred;
  for (const auto& r : s_.metadata.impl().relationships) {
    if (r->post_update() && r->foreign_key()) deferred.insert(r->foreign_key());
  }
  std::unordered_map<const Table*, const Mapper*> by_table;
  for (const auto& m : mappers) by_table[&m->table()] = m.get();

  // Kahn's algorithm, declaration order among equals; a remaining cycle is broken in
  // declaration order (the database then reports the violation).
  std::vector<const Mapper*> out;
  std::unordered_set<const Mapper*> done;
  while (out.size() < mappers.size()) {
    bool progressed = false;
    for (const auto& m : mappers) {
      if (done.count(m.get())) continue;
      bool ready = true;
      for (const auto& fk : m->table().foreign_keys()) {
        if (deferred.count(&fk)) continue;
        auto it = by_table.find(fk.referred_table);
        if (it != by_table.end() && it->second != m.get() && !done.count(it->second)) ready = false;
      }
      if (ready) {
        out.push_back(m.get());
        done.insert(m.get());
        progressed = true;
      }
    }
    if (!progressed) {
      for (const auto& m : mappers) {
        if (done.insert(m.get()).second) {
          out.push_back(m.get());
          break;
        }
      }
    }
  }
  return out;
}

std::vector<InstanceState*> UnitOfWork::parent_first(const std::vector<InstanceState*>& states,
                                                     bool deleting) const {
  if (states.size() < 2) return states;
  const Mapper& m = *states.front()->mapper();
  std::unordered_set<InstanceState*> in(states.begin(), states.end());
  std::unordered_map<InstanceState*, std::vector<InstanceState*>> parents;
  bool self_referential = false;

  for (const RelationshipProperty* rel : m.relationships()) {
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
  // Rows being deleted may have unloaded relationships: their committed foreign keys
  // tell who their parent is.
  if (deleting) {
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
  }
  if (!self_referential) return states;

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

}  // namespace relate
