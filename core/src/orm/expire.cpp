// Expiry (Session::expire(), expire_all(), and refresh()'s cascade): members that
// load from the row at their object's next access through a handle. A plain member
// cannot notice its own read, so the handle does: ptr<T>::get() (and ->, *) and
// one<T>'s -> check the object's expired columns and call load_expired() first. Until
// then an expired member holds its value as last loaded or flushed (its unflushed
// change is discarded, as SQLAlchemy's expiry discards it), so a flush finds nothing
// to write in it.
#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <string>

#include "session_impl.hpp"

namespace relate {

namespace detail {

void load_expired(InstanceState& state) {
  SessionImpl* session = state.session();
  if (!session) {
    throw DetachedInstanceError(
        "this " + std::string(state.mapper() ? state.mapper()->name() : "object") +
        " has expired members and is in no Session to load them from (it was expunged, "
        "or its Session closed, after expire())");
  }
  session->load_expired(state);
}

}  // namespace detail

void SessionImpl::check_persistent(const InstanceState& s, std::string_view verb) const {
  if (s.session() == this && s.status() == ObjectStatus::persistent) return;
  throw InvalidRequestError("cannot " + std::string(verb) + " this " +
                            std::string(s.mapper() ? s.mapper()->name() : "object") +
                            ": it is not persistent in this Session");
}

SessionImpl::NamedMembers SessionImpl::named_members(const Mapper& m,
                                                     const std::vector<MemberRef>& members) {
  NamedMembers named;
  named.columns.assign(m.columns().size(), members.empty());
  if (members.empty()) {
    for (const auto& f : m.relationship_fields()) named.relationships.push_back(&f);
    return named;
  }
  for (const MemberRef& ref : members) {
    const std::string name = std::string(ref.model_name) + "::" + std::string(ref.member_name);
    if (ref.model != m.type()) {
      throw ArgumentError(name + " is not a member of " + std::string(m.name()));
    }
    if (auto column = m.column_of_field(ref.field)) {
      named.columns[*column] = true;
    } else if (const auto* f = m.relationship_field(ref.field)) {
      named.relationships.push_back(f);
    } else {
      throw ArgumentError(name + " is neither a column nor a relationship of " +
                          std::string(m.name()));
    }
  }
  return named;
}

void SessionImpl::discard_changes(InstanceState& s, const NamedMembers& named) {
  const Mapper& m = *s.mapper();
  for (std::size_t i = 0; i < named.columns.size(); ++i) {
    if (named.columns[i]) m.set(s.object(), i, s.committed()[i]);
  }
  for (const auto* f : named.relationships) {
    RelationshipAttribute* attr = f->attribute(s.object());
    modified_attributes_.erase(attr);
    attr->expire();
  }
}

void SessionImpl::expire_members(InstanceState& s, const NamedMembers& named) {
  discard_changes(s, named);
  auto& expired = InstanceAccess::expired(s);
  if (!expired) {
    if (std::find(named.columns.begin(), named.columns.end(), true) == named.columns.end()) return;
    expired = std::make_unique<std::vector<bool>>(named.columns);
    return;
  }
  for (std::size_t i = 0; i < named.columns.size(); ++i) {
    if (named.columns[i]) (*expired)[i] = true;
  }
}

void SessionImpl::expire(InstanceState& s, const std::vector<MemberRef>& members) {
  check_usable();
  check_persistent(s, "expire");
  const NamedMembers named = named_members(*s.mapper(), members);
  // What the cascade reaches is found first: the expiry unloads the relationships it
  // goes through.
  const std::vector<InstanceState*> reached =
      members.empty() ? cascade_reach(s, &CascadeOptions::refresh_expire)
                      : std::vector<InstanceState*>{};
  expire_members(s, named);
  expire_cascaded(reached);
}

void SessionImpl::expire_cascaded(const std::vector<InstanceState*>& reached) {
  // As SQLAlchemy's: a persistent object reached expires, a pending one leaves the
  // Session (it has no row to load from).
  for (InstanceState* o : reached) {
    if (o->session() != this) continue;
    if (o->status() == ObjectStatus::persistent) {
      expire_members(*o, named_members(*o->mapper(), {}));
    } else if (o->status() == ObjectStatus::pending) {
      expunge(*o);
    }
  }
}

void SessionImpl::expire_all() {
  check_usable();
  expire_persistent();
}

void SessionImpl::expire_persistent() {
  for (InstanceState* s : identity_) {
    if (s->status() == ObjectStatus::persistent)
      expire_members(*s, named_members(*s->mapper(), {}));
  }
}

void SessionImpl::settle_expired(InstanceState& s) {
  auto& expired = InstanceAccess::expired(s);
  if (!expired) return;
  if (s.committed().empty()) {
    expired.reset();  // no row: nothing to load, and nothing it held is stale
    return;
  }
  const Mapper& m = *s.mapper();
  for (std::size_t i = 0; i < expired->size(); ++i) {
    if ((*expired)[i]) m.set(s.object(), i, s.committed()[i]);
  }
}

void SessionImpl::settle_unloaded(InstanceState& s) {
  for (const auto& f : s.mapper()->relationship_fields()) {
    f.attribute(s.object())->settle_without_row();
  }
}

void SessionImpl::load_expired(InstanceState& s) {
  check_usable();
  const Mapper& m = *s.mapper();
  if (s.committed().empty()) {
    throw InvalidRequestError("cannot load the expired members of this " + std::string(m.name()) +
                              ": it has no row");
  }
  // As SQLAlchemy's load of expired attributes, after an autoflush; as for a lazy load,
  // without a pass over every object for changed members (only this one's).
  autoflush(members_changed(s) ? AutoflushBefore::query : AutoflushBefore::lazy_load);
  if (!s.expired()) return;
  const std::vector<InstanceState*> missing = read_rows(
      connection(), m, {&s},
      [&](InstanceState& state, std::vector<Value>& row) { fill_expired(state, m, row); });
  if (!missing.empty()) {
    throw ObjectDeletedError("the row of this " + std::string(m.name()) +
                             " is gone (deleted, or its insert rolled back): its expired "
                             "members cannot load");
  }
}

void SessionImpl::fill_expired(InstanceState& s, const Mapper& m, std::vector<Value>& row) {
  auto& expired = InstanceAccess::expired(s);
  if (!expired) return;
  // The members first: a value that does not convert (DataError) leaves the object as it
  // was, still expired, and its committed values untouched.
  std::vector<std::pair<std::size_t, Value>> before;
  try {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (!(*expired)[i]) continue;
      before.emplace_back(i, m.get(s.object(), i));
      m.set(s.object(), i, Value(row[i]));
    }
  } catch (...) {
    for (auto& [i, value] : before) m.set(s.object(), i, std::move(value));
    throw;
  }
  RowSnapshot& committed = InstanceAccess::committed(s);
  if (before.size() == row.size()) {
    committed = RowSnapshot(row);
  } else {
    for (const auto& [i, value] : before) committed.set(i, row[i]);
  }
  expired.reset();
  // Read now: if the transaction wrote before, rollback() reads it again.
  InstanceAccess::sequence(s) = ++next_sequence_;
}

}  // namespace relate
