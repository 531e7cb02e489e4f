// Reloading objects from their rows, overwriting what they hold: refresh(), and, after
// a rollback, objects loaded while the transaction had written, which hold values the
// database no longer has. SQLAlchemy expires them; Relate cannot intercept a read of a plain member, so it
// reads their rows again at once.
#include <algorithm>
#include <relate/engine/driver.hpp>
#include <relate/orm/attributes.hpp>
#include <relate/orm/loading.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/schema.hpp>
#include <unordered_map>

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

void SessionImpl::refresh(InstanceState& s) {
  check_usable();
  const std::string name(s.mapper() ? s.mapper()->name() : "object");
  if (s.session() != this || s.status() != ObjectStatus::persistent) {
    throw InvalidRequestError("cannot refresh this " + name +
                              ": it is not persistent in this Session");
  }
  // Its own changes go first, as SQLAlchemy's expiry of the object does: members as
  // last loaded or flushed, relationships unloaded with what they queued.
  const Mapper& m = *s.mapper();
  for (std::size_t i = 0; i < m.columns().size(); ++i) m.set(s.object(), i, s.committed()[i]);
  for (const auto& f : m.relationship_fields()) {
    RelationshipAttribute* attr = f.attribute(s.object());
    modified_attributes_.erase(attr);
    attr->expire();
  }
  autoflush(AutoflushBefore::query);
  reload_rows(connection(), m, {&s});
  if (s.status() != ObjectStatus::persistent) {
    throw InvalidRequestError("could not refresh this " + name +
                              ": its row is gone (the object left the Session)");
  }
  // Read now: if the transaction wrote before, rollback() reads it again.
  InstanceAccess::sequence(s) = ++next_sequence_;
}

void SessionImpl::reload_rows(Connection& c, const Mapper& mapper,
                              const std::vector<InstanceState*>& objects) {
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
      InstanceAccess::committed(state) = RowSnapshot(row);
      for (std::size_t i = 0; i < row.size(); ++i) mapper.set(state.object(), i, std::move(row[i]));
    }
  }
  // No row any more (a statement of the transaction had inserted it, or a bulk write
  // deleted it unsynchronized): the object
  // leaves the Session with nothing to stand for, like a pending one rolled back.
  // Its relationships that are not loaded hold nothing, as a new object's (SQLAlchemy
  // loads nothing for an object without a row): a child linked to it since is in them,
  // and goes where the object goes (seed 1404 of the bulk round).
  for (auto& [key, state] : waiting) {
    identity_remove(key, state);
    InstanceAccess::session(*state) = nullptr;
    InstanceAccess::status(*state) = ObjectStatus::transient;
    InstanceAccess::committed(*state) = RowSnapshot();
    for (const auto& f : mapper.relationship_fields()) {
      RelationshipAttribute* attr = f.attribute(state->object());
      if (!attr->is_loaded()) attr->set_loaded({});
    }
  }
}

}  // namespace relate
