// Session::merge(): the state of an object from outside the Session (new, detached, or
// another Session's) copied onto the Session's object for the same row, which is
// found in the identity map, loaded, or made pending; the merge cascade does the same
// for what the object's relationships hold. The given objects are left as they are.
// As SQLAlchemy's merge(): autoflush first, none while merging, each source merged
// once, and a relationship not merged back to where the cascade came from.
#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "session_impl.hpp"

namespace relate {

struct SessionImpl::Merge {
  // Each source object's copy in the Session.
  std::unordered_map<const InstanceState*, InstanceState*> merged;
  // The copy made for each key, so that two sources of one row share it.
  std::unordered_map<IdentityKey, InstanceState*, IdentityKeyHash> by_key;
  // (object, relationship) pairs the cascade came through.
  std::set<std::pair<const InstanceState*, const RelationshipProperty*>> came_through;
  bool load = true;
};

InstanceState* SessionImpl::merge(InstanceState& source, const Mapper& mapper, bool load) {
  check_usable();
  // (The source is only read, through the Session's mapping of its type.)
  if (load) autoflush(AutoflushBefore::query);
  hold_autoflush();  // the copies are written by the next flush, whole
  try {
    Merge merge;
    merge.load = load;
    InstanceState* copy = merge_one(source, mapper, merge);
    release_autoflush();
    return copy;
  } catch (...) {
    release_autoflush();
    throw;
  }
}

std::optional<std::vector<Value>> SessionImpl::merge_key(const InstanceState& source,
                                                         const Mapper& m) {
  std::vector<Value> key;
  const auto& pk = m.primary_key();
  if (!source.committed().empty()) {
    for (std::size_t i : pk) key.push_back(source.committed()[i]);
    return key;
  }
  // A new object: its members' key, unless the database is to generate it.
  for (std::size_t i : pk) {
    Value v = m.get(source.object(), i);
    if (v.is_null()) return std::nullopt;
    if (pk.size() == 1 && m.columns()[i].column->autoincrement() &&
        v.kind() == Value::Kind::integer && v.as_int() == 0) {
      return std::nullopt;
    }
    key.push_back(std::move(v));
  }
  return key;
}

InstanceState* SessionImpl::merge_one(InstanceState& source, const Mapper& m, Merge& merge) {
  if (auto it = merge.merged.find(&source); it != merge.merged.end()) return it->second;
  if (source.session() == this && source.status() != ObjectStatus::deleted) {
    merge.merged.emplace(&source, &source);  // the Session's own: nothing to copy
    return &source;
  }
  if (!merge.load) return merge_without_load(source, m, merge);
  // (One a flush of this transaction deleted has no row: as SQLAlchemy's, its copy is
  // a new pending object.)
  const std::optional<std::vector<Value>> key = merge_key(source, m);
  InstanceState* copy = nullptr;
  if (key) {
    if (auto it = merge.by_key.find(IdentityKey{&m, *key}); it != merge.by_key.end()) {
      copy = it->second;
    } else {
      copy = get(m, *key);  // the identity map's, or loaded (null if no row)
    }
  }
  if (!copy) {
    copy = m.create_in(*graph_);
    join(*copy, m);  // pending
  }
  merge.merged.emplace(&source, copy);
  if (key) merge.by_key.emplace(IdentityKey{&m, *key}, copy);

  // Columns: every member, but those that expired in the source and have not loaded
  // (a plain member has no "never set": a new object's defaults are copied too).
  const auto* expired = InstanceAccess::expired(source).get();
  const std::vector<Value> before = m.values(copy->object());
  for (std::size_t i = 0; i < m.columns().size(); ++i) {
    if (expired && (*expired)[i]) continue;
    m.set(copy->object(), i, m.get(source.object(), i));
  }
  const std::set<const RelationshipProperty*> merged_relationships =
      merge_relationships(source, m, *copy, merge,
                          [](RelationshipAttribute& to, const std::vector<InstanceState*>& items) {
                            to.replace_items(items);
                          });
  // A many-to-one not merged whose foreign key the columns changed would show the old
  // object: it loads again, by the key copied (a new copy's holds nothing yet).
  for (const auto& f : m.relationship_fields()) {
    if (copy->committed().empty()) break;
    const RelationshipProperty* rel = f.property;
    if (!rel || rel->direction() != RelationshipDirection::many_to_one ||
        merged_relationships.count(rel)) {
      continue;
    }
    for (const auto& pair : rel->column_pairs()) {
      if (before[pair.foreign] == m.get(copy->object(), pair.foreign)) continue;
      RelationshipAttribute& attr = *f.attribute(copy->object());
      modified_attributes_.erase(&attr);
      attr.expire();
      break;
    }
  }
  return copy;
}

std::set<const RelationshipProperty*> SessionImpl::merge_relationships(
    InstanceState& source, const Mapper& m, InstanceState& copy, Merge& merge,
    const std::function<void(RelationshipAttribute&, const std::vector<InstanceState*>&)>&
        install) {
  std::set<const RelationshipProperty*> merged;
  // Relationships with the merge cascade, where the source holds a value: loaded, and
  // for a new object set (an untouched empty one of a new object holds nothing).
  for (const auto& f : m.relationship_fields()) {
    const RelationshipProperty* rel = f.property;
    if (!rel || !rel->cascade().merge) continue;
    if (rel->back_populates() && merge.came_through.count({&source, rel->back_populates()})) {
      continue;  // the cascade came from there
    }
    RelationshipAttribute& from = *f.attribute(source.object());
    if (!from.is_loaded()) continue;
    if (source.committed().empty() && from.raw_size() == 0 && !from.modified()) continue;
    // With load, the copy's collection loads first, so that the items merged below that
    // it holds are found in the identity map.
    RelationshipAttribute& to = *f.attribute(copy.object());
    if (merge.load && rel->uselist() && !to.is_loaded()) load_relationship(copy, *rel);
    std::vector<InstanceState*> items;
    for (std::size_t i = 0; i < from.raw_size(); ++i) {
      InstanceState* item = from.raw_at(i);
      merge.came_through.insert({item, rel});
      items.push_back(merge_one(*item, rel->target(), merge));
    }
    install(to, items);
    merged.insert(rel);
  }
  return merged;
}

InstanceState* SessionImpl::merge_without_load(InstanceState& source, const Mapper& m,
                                               Merge& merge) {
  const std::string name(m.name());
  if (source.committed().empty()) {
    throw InvalidRequestError("merge() without load takes an object with a row; this new " + name +
                              " has none (flush it first)");
  }
  bool changed = members_changed(source);
  for (const auto& f : m.relationship_fields()) {
    const RelationshipAttribute& attr = *f.attribute(source.object());
    changed = changed || (attr.is_loaded() && attr.modified());
  }
  if (changed) {
    throw InvalidRequestError("merge() without load takes an unchanged object; this " + name +
                              " has changes not flushed");
  }
  IdentityKey key{&m, {}};
  for (std::size_t i : m.primary_key()) key.values.push_back(source.committed()[i]);
  InstanceState* copy = nullptr;
  if (auto it = merge.by_key.find(key); it != merge.by_key.end()) {
    copy = it->second;
  } else {
    copy = lookup(m, std::vector<Value>(key.values.begin(), key.values.end()));
  }
  if (copy && copy->status() == ObjectStatus::deleted) {
    throw InvalidRequestError("cannot merge this " + name + " without load: a flush of this " +
                              "transaction deleted its row");
  }
  if (!copy) {
    // A persistent object as a query would load it, without the query.
    copy = m.create_in(*graph_);
    m.bind(*copy, false);
    InstanceAccess::committed(*copy) = source.committed();
    InstanceAccess::session(*copy) = this;
    InstanceAccess::status(*copy) = ObjectStatus::persistent;
    InstanceAccess::sequence(*copy) = ++next_sequence_;
    identity_put(key_of(*copy), copy);
    for (std::size_t i = 0; i < m.columns().size(); ++i) {
      m.set(copy->object(), i, copy->committed()[i]);
    }
  }
  merge.merged.emplace(&source, copy);
  merge.by_key.emplace(key, copy);
  // The source's values, as the row's: no history, nothing to write. (An expired member
  // of the source is not copied; one of the copy is loaded by this, as by a query.)
  const auto* source_expired = InstanceAccess::expired(source).get();
  auto& copy_expired = InstanceAccess::expired(*copy);
  std::vector<Value> row = copy->committed().values();
  for (std::size_t i = 0; i < m.columns().size(); ++i) {
    if (source_expired && (*source_expired)[i]) continue;
    row[i] = m.get(source.object(), i);
    m.set(copy->object(), i, Value(row[i]));
    if (copy_expired) (*copy_expired)[i] = false;
  }
  InstanceAccess::committed(*copy) = RowSnapshot(row);
  if (copy_expired &&
      std::find(copy_expired->begin(), copy_expired->end(), true) == copy_expired->end()) {
    copy_expired.reset();
  }
  merge_relationships(source, m, *copy, merge,
                      [this](RelationshipAttribute& to, const std::vector<InstanceState*>& items) {
                        modified_attributes_.erase(&to);
                        to.expire();
                        to.set_loaded(items);
                      });
  return copy;
}

}  // namespace relate
