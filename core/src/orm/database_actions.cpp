// What the database's ON DELETE did, mirrored on the objects of the session: rows it
// deleted by CASCADE leave the session (so no later flush writes them back), and
// foreign keys it set to NULL or to their default read so in memory. What the Session
// sets itself this way, and what bulk writes and upserts bring from the rows, the
// transaction's undo takes back.
#include <relate/schema.hpp>

#include "metadata_impl.hpp"
#include "unit_of_work.hpp"

namespace relate {

void UnitOfWork::mirror_database_actions(InstanceState& deleted) {
  const Table& table = deleted.mapper()->table();
  for (const auto& m : s_.metadata.impl().mappers) {
    for (const auto& fk : m->table().foreign_keys()) {
      const ReferentialAction action = fk.delete_action();
      if (fk.referred_table != &table || action == ReferentialAction::no_action ||
          action == ReferentialAction::restrict) {
        continue;
      }
      for (InstanceState* child : objects_referring(deleted, fk, *m)) {
        if (child == &deleted || deleting(child) || child->status() != ObjectStatus::persistent) {
          continue;
        }
        follow_on_delete(*child, fk);
      }
    }
  }
}

std::vector<InstanceState*> UnitOfWork::objects_referring(const InstanceState& deleted,
                                                          const ForeignKeyConstraint& fk,
                                                          const Mapper& m) {
  // Index the session's objects of that table by this foreign key, once a flush.
  auto [index, fresh] = by_foreign_key_.try_emplace(&fk);
  if (fresh) {
    for (InstanceState* s : s_.identity_) {
      if (s->mapper() != &m || s->status() != ObjectStatus::persistent) continue;
      IdentityKey fk_key{nullptr, {}};
      for (const Column* c : fk.columns) fk_key.values.push_back(s->committed()[c->position()]);
      index->second.emplace(std::move(fk_key), s);
    }
  }
  IdentityKey referred{nullptr, {}};
  for (const Column* c : fk.referred_columns) {
    referred.values.push_back(deleted.committed()[c->position()]);
  }
  std::vector<InstanceState*> out;
  auto [first, last] = index->second.equal_range(referred);
  for (auto it = first; it != last; ++it) {
    // The flush may have re-pointed or nulled it since the index was made.
    InstanceState* child = it->second;
    bool still_refers = true;
    for (std::size_t i = 0; i < fk.columns.size(); ++i) {
      if (child->committed()[fk.columns[i]->position()] != referred.values[i]) still_refers = false;
    }
    if (still_refers) out.push_back(child);
  }
  return out;
}

void UnitOfWork::follow_on_delete(InstanceState& child, const ForeignKeyConstraint& fk) {
  const ReferentialAction action = fk.delete_action();
  journal(child);
  if (action == ReferentialAction::cascade) {
    InstanceAccess::status(child) = ObjectStatus::deleted;
    deleting_.insert(&child);
    deleted_by_database_.push_back(&child);
    s_.identity_remove(s_.key_of(child), &child);
    mirror_database_actions(child);
    return;
  }
  // SET NULL / SET DEFAULT: the row changed under the object; so does the object, and
  // its committed state, so the next flush has nothing to write.
  touch_fields(child);
  auto& committed = InstanceAccess::committed(child);
  for (const Column* c : fk.columns) {
    Value v = action == ReferentialAction::set_default && c->default_value() ? *c->default_value()
                                                                             : Value();
    committed.set(c->position(), v);
    record_session_set(child, c->position(), v);
    child.mapper()->set(child.object(), c->position(), std::move(v));
  }
}

void UnitOfWork::record_session_set(InstanceState& state, std::size_t column, const Value& set) {
  s_.log_.session_set.push_back({&state, column, state.mapper()->get(state.object(), column), set});
}

void UnitOfWork::reload_synchronized(const Mapper& mapper,
                                     const std::vector<InstanceState*>& objects) {
  std::vector<std::vector<Value>> before;
  before.reserve(objects.size());
  for (const InstanceState* s : objects) before.push_back(mapper.values(s->object()));
  s_.reload_rows(conn(), mapper, objects);
  for (std::size_t o = 0; o < objects.size(); ++o) {
    InstanceState& s = *objects[o];
    if (s.status() == ObjectStatus::transient) continue;  // no row any more
    for (std::size_t c = 0; c < before[o].size(); ++c) {
      Value now = mapper.get(s.object(), c);
      if (now != before[o][c]) s_.log_.session_set.push_back({&s, c, before[o][c], std::move(now)});
    }
  }
}

void SessionImpl::undo_session_set() {
  for (auto it = log_.session_set.rbegin(); it != log_.session_set.rend(); ++it) {
    InstanceState& s = *it->state;
    if (s.session() && s.session() != this) continue;  // another Session's now
    const Mapper& m = *s.mapper();
    if (m.get(s.object(), it->column) == it->set) m.set(s.object(), it->column, Value(it->before));
  }
  log_.session_set.clear();
}

}  // namespace relate
