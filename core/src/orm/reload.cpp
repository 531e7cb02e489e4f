// Reloading objects from their rows, overwriting what they hold: refresh(), and, after
// a rollback, objects loaded while the transaction had written, which hold values the
// database no longer has. SQLAlchemy expires those; Relate reads their rows again at
// once, since a reference to such an object taken before the rollback would otherwise
// go on reading the rolled-back values (an expiry reaches only reads through a handle).
#include <algorithm>
#include <relate/engine/driver.hpp>
#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/schema.hpp>
#include <unordered_map>
#include <unordered_set>

#include "loading.hpp"
#include "session_impl.hpp"

namespace relate {

void SessionImpl::reload(const std::vector<InstanceState*>& states, Connection* within) {
  std::unordered_map<const Mapper*, std::vector<InstanceState*>> by_mapper;
  for (InstanceState* s : states) by_mapper[s->mapper()].push_back(s);
  if (within) {
    for (auto& [mapper, objects] : by_mapper) reload_rows(*within, *mapper, objects);
    return;
  }
  // Outside any transaction: the Session's next one starts when it is next used.
  Connection c = engine.connect();
  for (auto& [mapper, objects] : by_mapper) reload_rows(c, *mapper, objects);
}

void SessionImpl::refresh(InstanceState& s, const std::vector<MemberRef>& members) {
  check_usable();
  check_persistent(s, "refresh");
  const Mapper& m = *s.mapper();
  const NamedMembers named = named_members(m, members);
  const std::vector<InstanceState*> reached =
      members.empty() ? cascade_reach(s, &CascadeOptions::refresh_expire)
                      : std::vector<InstanceState*>{};
  // Its own changes go first, as SQLAlchemy's expiry of the object does: members as
  // last loaded or flushed, relationships unloaded with what they queued.
  discard_changes(s, named);
  expire_cascaded(reached);
  autoflush(AutoflushBefore::query);
  if (s.status() != ObjectStatus::persistent) {
    // The autoflush deleted its row (remove() had marked it): it stays deleted, for a
    // rollback to bring back, as SQLAlchemy's refresh leaves it.
    throw InvalidRequestError("could not refresh this " + std::string(m.name()) +
                              ": the flush before it deleted its row");
  }
  const std::vector<InstanceState*> missing =
      read_rows(connection(), m, {&s}, [&](InstanceState& state, std::vector<Value>& row) {
        auto& expired = InstanceAccess::expired(state);
        if (!expired) expired = std::make_unique<std::vector<bool>>(row.size(), false);
        for (std::size_t i = 0; i < row.size(); ++i) {
          if (named.columns[i]) (*expired)[i] = true;
        }
        fill_expired(state, m, row);
      });
  if (!missing.empty()) {
    leave_without_row(m, s);
    throw ObjectDeletedError("could not refresh this " + std::string(m.name()) +
                             ": its row is gone (the object left the Session)");
  }
  // Relationships named load at once, as a refresh of them means.
  if (!members.empty()) {
    for (const auto* f : named.relationships) load_relationship(s, *f->property);
  }
}

void SessionImpl::reload_rows(Connection& c, const Mapper& mapper,
                              const std::vector<InstanceState*>& objects) {
  const std::vector<InstanceState*> missing =
      read_rows(c, mapper, objects, [&](InstanceState& state, std::vector<Value>& row) {
        InstanceAccess::expired(state).reset();
        InstanceAccess::committed(state) = RowSnapshot(row);
        for (std::size_t i = 0; i < row.size(); ++i) {
          mapper.set(state.object(), i, std::move(row[i]));
        }
      });
  for (InstanceState* state : missing) leave_without_row(mapper, *state);
}

// No row any more (a statement of the transaction had inserted it, or a bulk write
// deleted it unsynchronized): the object leaves the Session with nothing to stand for,
// like a pending one rolled back. Its relationships that are not loaded hold nothing,
// as a new object's (SQLAlchemy loads nothing for an object without a row): a child
// linked to it since is in them, and goes where the object goes (seed 1404 of the bulk
// round).
void SessionImpl::leave_without_row(const Mapper& mapper, InstanceState& state) {
  identity_remove(key_of(state), &state);
  InstanceAccess::session(state) = nullptr;
  InstanceAccess::status(state) = ObjectStatus::transient;
  InstanceAccess::committed(state) = RowSnapshot();
  InstanceAccess::expired(state).reset();
  for (const auto& f : mapper.relationship_fields()) {
    RelationshipAttribute* attr = f.attribute(state.object());
    if (!attr->is_loaded()) attr->set_loaded({});
  }
}

std::vector<InstanceState*> SessionImpl::read_rows(
    Connection& c, const Mapper& mapper, const std::vector<InstanceState*>& objects,
    const std::function<void(InstanceState&, std::vector<Value>&)>& on_row) {
  const auto& pk = mapper.primary_key();
  std::vector<sql::Expr> key_columns;
  for (std::size_t i : pk) key_columns.push_back(sql::column(*mapper.columns()[i].column));
  const std::size_t batch = std::max<std::size_t>(1, c.dialect().max_parameters() / pk.size());
  std::unordered_map<IdentityKey, InstanceState*, IdentityKeyHash> waiting;
  for (std::size_t begin = 0; begin < objects.size(); begin += batch) {
    const std::size_t end = std::min(objects.size(), begin + batch);
    std::vector<std::vector<Value>> keys;
    for (std::size_t i = begin; i < end; ++i) {
      IdentityKey key = key_of(*objects[i]);
      keys.emplace_back(key.values.begin(), key.values.end());
      waiting.emplace(std::move(key), objects[i]);
    }
    sql::Select query = entity_select(mapper);
    query.where = sql::tuple_in(key_columns, std::move(keys));
    auto cursor = c.execute(query);
    while (cursor->next()) {
      std::vector<Value> row;
      for (std::size_t i = 0; i < mapper.columns().size(); ++i) {
        row.push_back(normalize(cursor->get(i), mapper.columns()[i].column->type()));
      }
      IdentityKey key{&mapper, {}};
      for (std::size_t i : pk) key.values.push_back(row[i]);
      auto it = waiting.find(key);
      if (it == waiting.end()) continue;
      InstanceState& state = *it->second;
      waiting.erase(it);
      on_row(state, row);
    }
  }
  if (waiting.empty()) return {};
  std::unordered_set<const InstanceState*> not_found;
  for (const auto& [key, state] : waiting) not_found.insert(state);
  // In the order given, so what follows (leaving the Session) is deterministic.
  std::vector<InstanceState*> missing;
  for (InstanceState* s : objects) {
    if (not_found.count(s)) missing.push_back(s);
  }
  return missing;
}

}  // namespace relate
