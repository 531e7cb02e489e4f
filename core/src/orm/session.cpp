// Session and SessionImpl: identity map, attaching objects, queries, transactions.
// The flush itself lives in unit_of_work.cpp.
#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <relate/orm/attributes.hpp>
#include <relate/orm/core_execute.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/loading.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>

#include "metadata_impl.hpp"
#include "query_compiler.hpp"
#include "session_impl.hpp"

namespace relate {

// ---- Session (the typed API's non-template half) ----

Session::Session(Engine engine, MetaData metadata)
    : impl_(std::make_unique<SessionImpl>(std::move(engine), std::move(metadata))) {}

Session::~Session() {
  try {
    impl_->close();
  } catch (...) {
    // Destructors must not throw; close() only fails if the connection is broken.
  }
}

const std::shared_ptr<detail::ObjectGraph>& Session::graph() const { return impl_->graph(); }

void Session::add_state(InstanceState& state, std::type_index type) {
  impl_->check_usable();
  impl_->attach(state, impl_->metadata.mapper(type));
  // Added on purpose: an orphan no longer (SQLAlchemy's _save_or_update_state).
  InstanceAccess::orphaned_outside_session(state) = false;
}

InstanceState* Session::get_state(std::type_index type, std::vector<Value> key) {
  return impl_->get(impl_->metadata.mapper(type), std::move(key));
}

void Session::remove_state(InstanceState& state) { impl_->mark_deleted(state); }

void Session::expunge_state(InstanceState* state) {
  if (!state) return;
  if (state->session() != impl_.get()) {
    throw InvalidRequestError("cannot expunge this " +
                              std::string(state->mapper() ? state->mapper()->name() : "object") +
                              ": it is not in this Session");
  }
  impl_->expunge(*state);
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
  return impl_->bulk_write(impl_->metadata.mapper(type), spec, write);
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
  return detail::execute_rows(impl_->connection(), impl_->metadata, spec);
}

void Session::flush() { impl_->flush(); }
void Session::commit() { impl_->commit(); }
void Session::rollback() { impl_->rollback(); }
void Session::close() { impl_->close(); }
Connection& Session::connection() {
  // What the application runs on it may write.
  Connection& c = impl_->connection();
  impl_->note_write();
  return c;
}
const Engine& Session::engine() const { return impl_->engine; }
const MetaData& Session::metadata() const { return impl_->metadata; }

// ---- SessionImpl ----

SessionImpl::SessionImpl(Engine e, MetaData m)
    : engine(std::move(e)),
      metadata(std::move(m)),
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
  auto it = identity_.find(IdentityKey{&mapper, key});
  return it == identity_.end() ? nullptr : it->second;
}

void SessionImpl::identity_put(IdentityKey key, InstanceState* state) {
  auto [it, fresh] = identity_.try_emplace(std::move(key), state);
  if (fresh || it->second == state) return;
  InstanceState* displaced = it->second;
  InstanceAccess::session(*displaced) = nullptr;
  InstanceAccess::status(*displaced) = ObjectStatus::detached;
  journal_.erase(displaced);
  it->second = state;
}

void SessionImpl::identity_remove(const IdentityKey& key, const InstanceState* state) {
  auto it = identity_.find(key);
  if (it != identity_.end() && it->second == state) identity_.erase(it);
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
  const std::string name(mapper.name());
  if (s.session()) {
    throw InvalidRequestError("this " + name +
                              " is already attached to another Session; expunge it there first");
  }
  if (s.was_deleted()) {
    throw InvalidRequestError("cannot add this " + name +
                              ": its row was deleted (by a flush of this transaction, or "
                              "committed)");
  }
  if (s.mapper() != &mapper && s.status() != ObjectStatus::transient && s.mapper()) {
    throw InvalidRequestError("cannot add a " + std::string(s.mapper()->name()) +
                              " mapped by another MetaData to this Session");
  }
  if (s.status() == ObjectStatus::detached && identity_.count(key_of(s))) {
    throw InvalidRequestError("cannot add this " + name +
                              ": another object with the same primary key is already in the "
                              "Session");
  }
  if (s.status() != ObjectStatus::transient && s.status() != ObjectStatus::detached) {
    throw InvalidRequestError("cannot add a " + name +
                              " that was deleted; it has no row to return to");
  }
}

void SessionImpl::cascade_save_update(InstanceState& s, const Mapper& mapper) {
  for (const RelationshipProperty* rel : mapper.relationships()) {
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
      for (std::size_t i = 0; i < attr.raw_size(); ++i) todo.emplace_back(attr.raw_at(i), &rel->target());
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

namespace {

// The identity key of the row's object (columns from `first_column` on); nullopt when
// its key columns are all NULL (no row on the outer side of a join).
std::optional<IdentityKey> row_identity(const Mapper& mapper, Cursor& cursor,
                                        std::size_t first_column) {
  const auto& columns = mapper.columns();
  IdentityKey key{&mapper, {}};
  bool all_null = true;
  for (std::size_t i : mapper.primary_key()) {
    key.values.push_back(normalize(cursor.get(first_column + i), columns[i].column->type()));
    all_null = all_null && key.values.back().is_null();
  }
  if (all_null) return std::nullopt;
  return key;
}

}  // namespace

InstanceState* SessionImpl::existing_from_row(const Mapper& mapper, Cursor& cursor,
                                              std::size_t first_column) const {
  std::optional<IdentityKey> key = row_identity(mapper, cursor, first_column);
  if (!key) return nullptr;
  auto it = identity_.find(*key);
  return it == identity_.end() ? nullptr : it->second;
}

InstanceState* SessionImpl::instance_from_row(const Mapper& mapper, Cursor& cursor,
                                              std::size_t first_column,
                                              const std::shared_ptr<LoadContext>& context) {
  const auto& pk = mapper.primary_key();
  const auto& columns = mapper.columns();
  std::optional<IdentityKey> key = row_identity(mapper, cursor, first_column);
  if (!key) return nullptr;
  // One hash for both the lookup and the new entry; the entry goes again if the row
  // cannot be loaded.
  auto [entry, fresh] = identity_.try_emplace(std::move(*key), nullptr);
  if (!fresh) return entry->second;
  const KeyValues& key_values = entry->first.values;

  InstanceState* state = nullptr;
  try {
    state = graph_->adopt(mapper.create());
    // The row is read once into a scratch vector kept between rows: it is encoded
    // into the snapshot, then moved into the object's members.
    std::vector<Value> row = std::move(row_scratch_);
    row.clear();
    const std::size_t n = columns.size();
    for (std::size_t i = 0; i < n; ++i) {
      const auto in_key = std::find(pk.begin(), pk.end(), i);
      row.push_back(in_key != pk.end()
                        ? key_values[static_cast<std::size_t>(in_key - pk.begin())]
                        : normalize(cursor.get(first_column + i), columns[i].column->type()));
    }
    InstanceAccess::committed(*state) = RowSnapshot(row);
    for (std::size_t i = 0; i < n; ++i) {
      try {
        mapper.set(state->object(), i, std::move(row[i]));
      } catch (const DataError& e) {
        throw DataError("loading " + std::string(mapper.name()) +
                        "::" + std::string(columns[i].member) + " from table '" +
                        mapper.table().name() + "': " + e.what());
      }
    }
    row_scratch_ = std::move(row);
  } catch (...) {
    identity_.erase(entry);
    throw;
  }
  entry->second = state;
  mapper.bind(*state, false);
  InstanceAccess::session(*state) = this;
  InstanceAccess::status(*state) = ObjectStatus::persistent;
  InstanceAccess::context(*state) = context;
  InstanceAccess::sequence(*state) = ++next_sequence_;
  if (context) context->loaded.push_back(state);
  return state;
}

InstanceState* SessionImpl::get(const Mapper& mapper, std::vector<Value> key) {
  check_usable();
  if (key.size() != mapper.primary_key().size()) {
    throw ArgumentError("get<" + std::string(mapper.name()) + "> takes " +
                        std::to_string(mapper.primary_key().size()) + " key value(s), got " +
                        std::to_string(key.size()));
  }
  if (InstanceState* s = lookup(mapper, key)) {
    return s->status() == ObjectStatus::deleted ? nullptr : s;
  }
  sql::Select q = entity_select(mapper);
  for (std::size_t i = 0; i < key.size(); ++i) {
    q.where = sql::and_(q.where,
                        sql::binary(sql::BinaryOp::eq,
                                    sql::column(*mapper.columns()[mapper.primary_key()[i]].column),
                                    sql::param(std::move(key[i]))));
  }
  auto rows = load_entities(*this, mapper, q, std::make_shared<LoadContext>());
  return rows.empty() ? nullptr : rows.front();
}

namespace {

std::vector<const RelationshipProperty*> resolve_path(const Mapper& root,
                                                      const LoaderOption& option) {
  std::vector<const RelationshipProperty*> path;
  const Mapper* at = &root;
  for (const auto& step : option.steps()) {
    const Mapper::RelationshipField* f =
        step.member.model == at->type() ? at->relationship_field(step.member.field) : nullptr;
    if (!f) {
      throw ArgumentError("loader option " + std::string(step.member.model_name) + "::" +
                          std::string(step.member.member_name) + " is not a relationship of " +
                          std::string(at->name()) + " at this point of the path");
    }
    path.push_back(f->property);
    at = &f->property->target();
  }
  return path;
}

}  // namespace

std::shared_ptr<LoadContext> SessionImpl::options_context(const Mapper& mapper,
                                                          const std::vector<LoaderOption>& options,
                                                          const QueryCompiler* compiler) const {
  auto context = std::make_shared<LoadContext>();
  for (const auto& option : options) {
    auto path = resolve_path(mapper, option);
    for (std::size_t i = 0; i < path.size(); ++i) {
      std::vector<const RelationshipProperty*> prefix(
          path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      const LoaderOption::Step& step = option.steps()[i];
      if (step.alias) {
        if (!compiler) {
          throw ArgumentError("the loader option on " + path[i]->name() +
                              " names an alias, and a statement Relate did not build has "
                              "none: from_statement() takes options without aliases");
        }
        context->joined.push_back(
            {prefix, compiler->alias_name(path[i]->target().type(), step.alias,
                                          "the loader option on " + path[i]->name())});
      }
      context->options.push_back(
          LoadContext::Option{std::move(prefix), &find_loader_strategy(step.strategy)});
    }
  }
  return context;
}

void SessionImpl::after_load(const Mapper& mapper, const std::vector<InstanceState*>& objects,
                             const std::shared_ptr<LoadContext>& context) {
  // Each object once, though rows repeat it (a join, raw SQL): loading a relationship
  // twice would drop the changes the first load merged in (set_loaded).
  std::vector<InstanceState*> unique;
  unique.reserve(objects.size());
  std::unordered_set<const InstanceState*> seen;
  for (InstanceState* o : objects) {
    if (seen.insert(o).second) unique.push_back(o);
  }
  for (const RelationshipProperty* rel : mapper.relationships()) {
    std::vector<InstanceState*> parents;
    for (InstanceState* p : unique) {
      if (!rel->attribute(p->object()).is_loaded()) parents.push_back(p);
    }
    if (!parents.empty()) context->strategy_for(*rel).after_load(*this, *rel, parents, context);
  }
}

std::vector<InstanceState*> SessionImpl::query(
    const Mapper& mapper, const QuerySpec& spec,
    const std::function<void(InstanceState&, Cursor&)>& on_row) {
  check_usable();
  QueryCompiler compiler(metadata);
  sql::Select q = compiler.entity_query(mapper, spec);

  auto context = options_context(mapper, spec.options, &compiler);
  for (auto& j : compiler.relationship_joins()) context->joined.push_back(std::move(j));
  if (!spec.columns.empty()) {
    // A row per object and columns: a strategy that joins a collection would repeat
    // the row per child (SQLAlchemy asks for unique() there).
    for (const RelationshipProperty* rel : mapper.relationships()) {
      if (context->strategy_for(*rel).joins_collection(*rel)) {
        throw ArgumentError("select<" + std::string(mapper.name()) +
                            ">(columns...) loads " + rel->name() +
                            " with a strategy that joins the collection, which repeats "
                            "each row per child: load it with selectinload()");
      }
    }
  }
  return load_entities(*this, mapper, std::move(q), context, on_row);
}

void SessionImpl::load_relationship(InstanceState& parent, const RelationshipProperty& rel) {
  const auto& context = InstanceAccess::context(parent);
  const LoaderStrategy& strategy =
      context ? context->strategy_for(rel) : find_loader_strategy(rel.lazy());
  strategy.on_access(*this, rel, parent);
}

void SessionImpl::end_transaction() {
  journal_.clear();
  written_links_.clear();
  connection_.reset();
  first_write_.reset();
}

std::vector<InstanceState*> SessionImpl::loaded_after_first_write() const {
  std::vector<InstanceState*> out;
  if (!first_write_) return out;
  for (const auto& [key, s] : identity_) {
    if (s->status() == ObjectStatus::persistent && InstanceAccess::sequence(*s) > *first_write_ &&
        !journal_.count(s)) {
      out.push_back(s);
    }
  }
  return out;
}

void SessionImpl::commit() {
  check_usable();
  flush();
  if (connection_) {
    try {
      connection_->commit();
    } catch (...) {
      // The database kept nothing: neither do the objects.
      fail_transaction();
      throw;
    }
  }
  // Deleted objects are gone for good: they become detached, and stay out.
  for (auto& [state, saved] : journal_) {
    if (state->status() == ObjectStatus::deleted) {
      InstanceAccess::session(*state) = nullptr;
      InstanceAccess::status(*state) = ObjectStatus::detached;
      InstanceAccess::was_deleted(*state) = true;
    }
  }
  end_transaction();
}

void SessionImpl::roll_back_connection() noexcept {
  if (!connection_) return;
  try {
    connection_->rollback();
  } catch (...) {
    // A broken connection: forget it; the database rolls back on its own.
  }
}

void SessionImpl::fail_transaction() {
  roll_back_connection();
  connection_.reset();
  restore_transaction_state(GeneratedKeys::take_back);
  failed_ = true;
}

void SessionImpl::abandon_transaction() {
  roll_back_connection();
  restore_transaction_state(GeneratedKeys::keep);
  // Pending objects leave the session; deletions not committed are undone.
  for (InstanceState* s : new_) {
    InstanceAccess::session(*s) = nullptr;
    InstanceAccess::status(*s) = ObjectStatus::transient;
  }
  new_.clear();
  deleted_.clear();
  modified_attributes_.clear();
  failed_ = false;
  end_transaction();
}

void SessionImpl::rollback() {
  const std::vector<InstanceState*> stale = loaded_after_first_write();
  abandon_transaction();
  // Unflushed edits are discarded too: every persistent object returns to its
  // committed values, and its relationships load again on next access.
  for (auto& [key, s] : identity_) {
    const Mapper& m = *s->mapper();
    for (std::size_t i = 0; i < m.columns().size(); ++i) {
      m.set(s->object(), i, s->committed()[i]);
    }
    for (const auto& f : m.relationship_fields()) f.attribute(s->object())->expire();
  }
  // Objects loaded while the transaction had written show its values: read again.
  if (!stale.empty()) reload(stale);
}

void SessionImpl::close() {
  // Unlike rollback(), objects keep their values and loaded relationships.
  abandon_transaction();
  // Objects no handle can reach go with the graph below: nobody sees their status.
  if (graph_.use_count() > 1) {
    for (auto& [key, s] : identity_) {
      InstanceAccess::session(*s) = nullptr;
      InstanceAccess::status(*s) = ObjectStatus::detached;
    }
  }
  identity_.clear();
  // The closed session's objects stay in their graph for as long as handles hold
  // it; new objects of this session start a fresh one.
  graph_->anchor(false);
  graph_ = std::make_shared<detail::ObjectGraph>();
  graph_->anchor();
  graph_->keep(metadata.impl().shared_from_this());
}

}  // namespace relate
