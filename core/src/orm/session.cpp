// Session and SessionImpl: identity map, attaching objects, cascades. Queries live in
// session_query.cpp, the flush in unit_of_work.cpp, the transaction's end (commit,
// rollback, a failure, close) in transaction_end.cpp.
#include <algorithm>
#include <relate/orm/attributes.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>

#include "loading.hpp"
#include "metadata_impl.hpp"
#include "query_compiler.hpp"
#include "read_rows.hpp"
#include "session_impl.hpp"

namespace relate {

// ---- Session (the typed API's non-template half) ----

Session::Session(Engine engine, MetaData metadata, SessionOptions options)
    : impl_(std::make_unique<SessionImpl>(std::move(engine), std::move(metadata), options)) {
  impl_->owner = this;
}

Session::~Session() {
  try {
    impl_->close();
  } catch (...) {
    // Destructors must not throw; close() only fails if the connection is broken.
  }
}

const std::shared_ptr<detail::ObjectGraph>& Session::graph() const { return impl_->graph(); }

std::vector<InstanceState*> Session::states_of(std::type_index type, Pending which) const {
  const Mapper& m = impl_->metadata.mapper(type);
  std::vector<InstanceState*> out;
  switch (which) {
    case Pending::new_objects:
      for (InstanceState* s : impl_->new_) {
        if (s->mapper() == &m) out.push_back(s);
      }
      break;
    case Pending::deleted:
      for (InstanceState* s : impl_->deleted_) {
        if (s->mapper() == &m) out.push_back(s);
      }
      break;
    case Pending::dirty: {
      std::unordered_set<const InstanceState*> relationship_changed;
      for (const RelationshipAttribute* attr : impl_->modified_attributes_) {
        if (attr->owner()) relationship_changed.insert(attr->owner());
      }
      const std::unordered_set<const InstanceState*> deleting(impl_->deleted_.begin(),
                                                              impl_->deleted_.end());
      for (InstanceState* s : impl_->identity_) {
        if (s->mapper() != &m || s->status() != ObjectStatus::persistent) continue;
        if (deleting.count(s)) continue;  // deleted<T>()'s
        if (relationship_changed.count(s) || impl_->members_changed(*s)) out.push_back(s);
      }
      // In the order the objects came into the Session, as the flush takes them.
      std::sort(out.begin(), out.end(), [](const InstanceState* a, const InstanceState* b) {
        return InstanceAccess::sequence(*a) < InstanceAccess::sequence(*b);
      });
      break;
    }
  }
  return out;
}

void Session::add_state(InstanceState& state, std::type_index type) {
  impl_->refuse_in_mapper_event("add()");
  impl_->check_usable();
  impl_->attach(state, impl_->metadata.mapper(type));
  // Added on purpose: an orphan no longer (SQLAlchemy's _save_or_update_state).
  InstanceAccess::orphaned_outside_session(state) = false;
}

InstanceState* Session::get_state(std::type_index type, std::vector<Value> key) {
  return impl_->get(impl_->metadata.mapper(type), std::move(key));
}

void Session::remove_state(InstanceState& state) {
  impl_->refuse_in_mapper_event("remove()");
  impl_->mark_deleted(state);
}

void Session::refresh_state(InstanceState& state, const std::vector<MemberRef>& members) {
  impl_->refuse_in_mapper_event("refresh()");
  impl_->refresh(state, members);
}
void Session::expire_state(InstanceState& state, const std::vector<MemberRef>& members) {
  impl_->refuse_in_mapper_event("expire()");
  impl_->expire(state, members);
}
void Session::expire_all() {
  impl_->refuse_in_mapper_event("expire_all()");
  impl_->expire_all();
}
InstanceState* Session::merge_state(InstanceState& state, std::type_index type, bool load) {
  impl_->refuse_in_mapper_event("merge()");
  return impl_->merge(state, impl_->metadata.mapper(type), load);
}

void Session::expunge_state(InstanceState* state) {
  if (!state) return;
  impl_->refuse_in_mapper_event("expunge()");
  if (state->session() != impl_.get()) {
    throw InvalidRequestError("cannot expunge this " +
                              std::string(state->mapper() ? state->mapper()->name() : "object") +
                              ": it is not in this Session");
  }
  // What the expunge cascade reaches is found before the object leaves.
  const std::vector<InstanceState*> reached = cascade_reach(*state, &CascadeOptions::expunge);
  impl_->expunge(*state);
  for (InstanceState* o : reached) impl_->expunge(*o);  // those of other Sessions stay
}

std::vector<InstanceState*> Session::execute_query(std::type_index type, const QuerySpec& spec) {
  return impl_->query(impl_->metadata.mapper(type), spec);
}

std::vector<InstanceState*> Session::execute_statement(std::type_index type, const QuerySpec& spec,
                                                       const sql::Text& statement) {
  return impl_->query_statement(impl_->metadata.mapper(type), spec, statement);
}

std::int64_t Session::execute_bulk(std::type_index type, const BulkSpec& spec,
                                   detail::BulkWrite write) {
  impl_->check_usable();
  return impl_->bulk_write(impl_->metadata.mapper(type), spec, write).matched;
}

std::vector<std::vector<Value>> Session::execute_bulk_returning(std::type_index type,
                                                                const BulkSpec& spec,
                                                                detail::BulkWrite write) {
  impl_->check_usable();
  return impl_->bulk_write(impl_->metadata.mapper(type), spec, write).rows;
}

void Session::execute_upsert(std::type_index type, const std::vector<const void*>& rows,
                             const UpsertSpec& spec) {
  impl_->check_usable();
  impl_->upsert(impl_->metadata.mapper(type), rows, spec);
}

std::vector<std::pair<InstanceState*, std::vector<Value>>> Session::execute_entity_rows(
    std::type_index type, const QuerySpec& spec) {
  const Mapper& mapper = impl_->metadata.mapper(type);
  const std::size_t first = mapper.columns().size();
  std::vector<std::pair<InstanceState*, std::vector<Value>>> rows;
  impl_->query(mapper, spec, [&](InstanceState& object, Cursor& cursor) {
    std::vector<Value> row;
    row.reserve(spec.column_types.size());
    for (std::size_t i = 0; i < spec.column_types.size(); ++i) {
      row.push_back(normalize(cursor.get(first + i), spec.column_types[i]));
    }
    rows.emplace_back(&object, std::move(row));
  });
  return rows;
}

std::vector<std::vector<Value>> Session::execute_rows(const QuerySpec& spec) {
  impl_->check_usable();
  // Compiled first: a query refused here opens no transaction. (The Session's
  // MetaData is configured already.)
  const sql::Select query = QueryCompiler(impl_->metadata).row_query(spec);
  impl_->autoflush(SessionImpl::AutoflushBefore::query);
  return read_rows(*impl_->connection().execute(query), spec.column_types);
}

void Session::flush() { impl_->flush(); }
void Session::commit() {
  impl_->refuse_in_mapper_event("commit()");
  impl_->refuse_in_flush_event("commit()");
  impl_->commit();
}
void Session::rollback() {
  impl_->refuse_in_mapper_event("rollback()");
  impl_->refuse_in_flush_event("rollback()");
  impl_->rollback();
}
void Session::close() {
  impl_->refuse_in_mapper_event("close()");
  impl_->refuse_in_flush_event("close()");
  impl_->close();
}
std::int64_t Session::execute(const sql::Text& statement) {
  Connection& c = connection();
  auto cursor = c.execute(statement);
  if (cursor->column_count() == 0) return c.rows_affected();
  std::int64_t returned = 0;
  while (cursor->next()) ++returned;
  return returned;
}

Connection& Session::connection() {
  // What the application runs on it may write.
  Connection& c = impl_->connection();
  impl_->note_write();
  return c;
}
const Engine& Session::engine() const { return impl_->engine; }
const MetaData& Session::metadata() const { return impl_->metadata; }

// ---- SessionImpl ----

SessionImpl::SessionImpl(Engine e, MetaData m, SessionOptions options)
    : engine(std::move(e)),
      metadata(std::move(m)),
      options_(options),
      graph_(std::make_shared<detail::ObjectGraph>()) {
  metadata.configure();
  graph_->anchor();
  graph_->keep(metadata.impl().shared_from_this());
}

void SessionImpl::check_usable() const {
  if (failed_) {
    throw PendingRollbackError(
        "This Session's transaction has been rolled back due to a previous exception during "
        "flush; call rollback() before using the Session again");
  }
}

Connection& SessionImpl::connection() {
  check_usable();
  if (!connection_) {
    connection_.emplace(engine.connect());
    connection_->begin();
  }
  return *connection_;
}

IdentityKey SessionImpl::key_of(const InstanceState& s) const {
  IdentityKey k{s.mapper(), {}};
  for (std::size_t i : s.mapper()->primary_key()) k.values.push_back(s.committed()[i]);
  return k;
}

InstanceState* SessionImpl::lookup(const Mapper& mapper, const std::vector<Value>& key) const {
  return identity_.find(mapper, key);
}

void SessionImpl::identity_put(IdentityKey key, InstanceState* state) {
  const std::span<const Value> values = key.span();
  InstanceState* displaced =
      identity_.put(*key.mapper, values, IdentityMap::hash(*key.mapper, values), *state);
  if (!displaced) return;
  InstanceAccess::session(*displaced) = nullptr;
  InstanceAccess::status(*displaced) = ObjectStatus::detached;
  // Its journal entry stays, as an expunged object's: outside the Session, the undo
  // gives it its state before the transaction (transient, if the transaction
  // inserted it) and never puts it back under the key (seed 2548 of the bulk round).
}

void SessionImpl::identity_remove(const IdentityKey& key, const InstanceState* state) {
  identity_.remove(*key.mapper, key.span(), *state);
}

void SessionImpl::attach(InstanceState& s, const Mapper& mapper) {
  if (s.session() == this) {
    refuse_deleted(s, mapper);
    // add() after remove() before a flush undoes the removal; add() cascades again,
    // to objects linked since.
    std::erase(deleted_, &s);
    cascade_save_update(s, mapper);
    return;
  }
  join(s, mapper);
  cascade_save_update(s, mapper);
}

void SessionImpl::refuse_deleted(const InstanceState& s, const Mapper& mapper) const {
  if (s.status() != ObjectStatus::deleted) return;
  throw InvalidRequestError("cannot add this " + std::string(mapper.name()) +
                            ": a flush of this transaction deleted its row");
}

void SessionImpl::join(InstanceState& s, const Mapper& mapper) {
  check_attachable(s, mapper);
  if (s.mapper() != &mapper) mapper.bind(s, true);  // a new object takes this mapping
  if (s.status() == ObjectStatus::transient) {
    InstanceAccess::status(s) = ObjectStatus::pending;
    new_.push_back(&s);
  } else {
    identity_put(key_of(s), &s);
    InstanceAccess::status(s) = ObjectStatus::persistent;
  }
  InstanceAccess::session(s) = this;
  InstanceAccess::sequence(s) = ++next_sequence_;
  // The session's graph owns its objects (and whatever they are linked to).
  detail::ObjectGraph::join(*graph_, s.graph());
}

void SessionImpl::check_attachable(const InstanceState& s, const Mapper& mapper) const {
  // (The name is built only for a message: this runs for every object a flush adds.)
  const std::string_view name = mapper.name();
  if (s.session()) {
    throw InvalidRequestError("this " + std::string(name) +
                              " is already attached to another Session; expunge it there first");
  }
  if (s.was_deleted()) {
    throw InvalidRequestError("cannot add this " + std::string(name) +
                              ": its row was deleted (by a flush of this transaction, or "
                              "committed)");
  }
  if (s.mapper() != &mapper && s.status() != ObjectStatus::transient && s.mapper()) {
    throw InvalidRequestError("cannot add a " + std::string(s.mapper()->name()) +
                              " mapped by another MetaData to this Session");
  }
  if (s.status() == ObjectStatus::detached && identity_.find(mapper, key_of(s).span())) {
    throw InvalidRequestError("cannot add this " + std::string(name) +
                              ": another object with the same primary key is already in the "
                              "Session");
  }
  if (s.status() != ObjectStatus::transient && s.status() != ObjectStatus::detached) {
    throw InvalidRequestError("cannot add a " + std::string(name) +
                              " that was deleted; it has no row to return to");
  }
  if (s.status() != ObjectStatus::transient) return;
  // A new object's members may have been set before the mapping bound them.
  for (const RelationshipProperty* rel : mapper.relationships()) {
    if (rel->viewonly() && rel->attribute(s.object()).raw_size()) {
      throw InvalidRequestError("cannot add this " + std::string(name) + ": it holds objects in " + rel->name() +
                                ", which is viewonly (loaded, never written)");
    }
  }
}

void SessionImpl::cascade_save_update(InstanceState& s, const Mapper& mapper) {
  for (const RelationshipProperty* rel : mapper.written_relationships()) {
    RelationshipAttribute& attr = rel->attribute(s.object());
    if (!attr.is_loaded()) continue;
    if (attr.raw_size() || attr.modified()) note_modified(attr);
    if (!rel->cascade().save_update) continue;
    for (std::size_t i = 0; i < attr.raw_size(); ++i) {
      InstanceState* item = attr.raw_at(i);
      if (item->session() != this) {
        attach(*item, rel->target());
      } else {
        refuse_deleted(*item, rel->target());  // as SQLAlchemy's cascade does
      }
    }
  }
}

void SessionImpl::check_cascade(InstanceState& s, const Mapper& mapper) const {
  std::unordered_set<const InstanceState*> seen;
  std::vector<std::pair<InstanceState*, const Mapper*>> todo{{&s, &mapper}};
  while (!todo.empty()) {
    const auto [o, m] = todo.back();
    todo.pop_back();
    if (!seen.insert(o).second) continue;
    if (o->session() == this) {
      refuse_deleted(*o, *m);  // the cascade stops at objects already here
      continue;
    }
    check_attachable(*o, *m);
    if (o->mapper() != m) continue;  // a new object not bound yet holds nothing
    for (const RelationshipProperty* rel : m->relationships()) {
      const RelationshipAttribute& attr = rel->attribute(o->object());
      if (!rel->cascade().save_update || !attr.is_loaded()) continue;
      for (std::size_t i = 0; i < attr.raw_size(); ++i)
        todo.emplace_back(attr.raw_at(i), &rel->target());
    }
  }
}

void SessionImpl::mark_deleted(InstanceState& s) {
  check_usable();
  if (s.session() != this && s.status() != ObjectStatus::detached) {
    throw InvalidRequestError("cannot delete this " +
                              std::string(s.mapper() ? s.mapper()->name() : "object") +
                              ": it is not persisted in this Session");
  }
  // A detached object joins the Session to be deleted, as in SQLAlchemy: by itself,
  // without the save-update cascade (an object with the same key already there is an
  // error, nothing changed).
  const bool joined_here = s.session() != this;
  // Marked already: as SQLAlchemy's delete() of an object in its deleted set, a second
  // remove() does nothing. Its cascade ran at the first; an object taken out of the
  // Session since (expunge()) stays out, and nothing loads again.
  if (!joined_here && std::find(deleted_.begin(), deleted_.end(), &s) != deleted_.end()) return;
  if (joined_here) join(s, *s.mapper());
  if (s.status() == ObjectStatus::pending) {
    // A pending object has no row: deleting it just forgets it (SQLAlchemy expunges).
    expunge(s);
    return;
  }
  // It stays persistent until the flush deletes its row (SQLAlchemy's order).
  if (s.status() != ObjectStatus::persistent) return;
  // The cascade first: if it refuses an object, the remove() has not happened.
  try {
    follow_delete_cascade(s);
  } catch (...) {
    if (joined_here) expunge(s);
    throw;
  }
  if (std::find(deleted_.begin(), deleted_.end(), &s) == deleted_.end()) deleted_.push_back(&s);
}

void SessionImpl::follow_delete_cascade(InstanceState& s) {
  // The flush cascades the delete through the Session's objects; a detached object
  // the cascade reaches now must join, or its row would outlive its parent's. As in
  // SQLAlchemy, the relationships the cascade follows load now (passive_deletes
  // leaves unloaded ones to the database). A refusal leaves the objects as they were.
  std::unordered_set<InstanceState*> seen{&s};
  std::vector<InstanceState*> todo{&s};
  std::vector<InstanceState*> joined;
  try {
    while (!todo.empty()) {
      InstanceState& parent = *todo.back();
      todo.pop_back();
      for (const RelationshipProperty* rel : parent.mapper()->relationships()) {
        if (!rel->cascade().delete_) continue;
        const RelationshipAttribute& attr = rel->attribute(parent.object());
        if (!attr.is_loaded() && rel->passive_deletes() == PassiveDeletes::off) {
          load_relationship(parent, *rel);
        }
        for (std::size_t i = 0; attr.is_loaded() && i < attr.raw_size(); ++i) {
          InstanceState& item = *attr.raw_at(i);
          if (!seen.insert(&item).second) continue;
          if (item.session() != this && item.status() == ObjectStatus::detached) {
            join(item, rel->target());
            joined.push_back(&item);
          }
          if (item.session() == this) todo.push_back(&item);
        }
      }
    }
  } catch (...) {
    for (InstanceState* o : joined) expunge(*o);
    throw;
  }
}

void SessionImpl::expunge(InstanceState& s) {
  if (s.session() != this) return;
  unsynchronized_.erase(&s);
  std::erase(new_, &s);
  std::erase(deleted_, &s);
  if (s.status() == ObjectStatus::persistent || s.status() == ObjectStatus::deleted) {
    if (!s.committed().empty()) identity_remove(key_of(s), &s);
  }
  // Detached, it remembers that a flush deleted its row, as SQLAlchemy's was_deleted:
  // no Session takes it back unless this transaction rolls back.
  if (s.status() == ObjectStatus::deleted) InstanceAccess::was_deleted(s) = true;
  // Its journal entry stays: one added again comes back to its state before the
  // transaction, and one left outside that this transaction inserted has no row once
  // the transaction rolls back (restore_transaction_state).
  for (const auto& f : s.mapper()->relationship_fields()) {
    modified_attributes_.erase(f.attribute(s.object()));
  }
  InstanceAccess::session(s) = nullptr;
  InstanceAccess::status(s) =
      s.committed().empty() ? ObjectStatus::transient : ObjectStatus::detached;
}

}  // namespace relate
