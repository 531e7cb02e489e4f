// The run of a flush (presort, plan, execution), its journal, and what it leaves
// behind. unit_of_work.hpp says where each part lives.
#include "loading.hpp"
#include "unit_of_work.hpp"

#include <algorithm>
#include <relate/schema.hpp>

#include "metadata_impl.hpp"

namespace relate {

void SessionImpl::take_back_key(InstanceState& state, const Saved& saved, GeneratedKeys keys) {
  if (!saved.key_before || keys != GeneratedKeys::take_back) return;
  const Mapper& m = *state.mapper();
  m.set(state.object(), m.primary_key().front(), Value(*saved.key_before));
}

void SessionImpl::restore_transaction_state(GeneratedKeys keys) {
  // Two passes: every journaled object leaves the identity map under its current
  // key before any returns under its old one, so that a key deleted and reused in
  // the transaction ends up with the object that held it before.
  const std::vector<std::pair<InstanceState*, Saved>> entries(log_.journal.begin(),
                                                              log_.journal.end());
  log_.journal.clear();
  std::vector<InstanceState*> undeleted;
  for (const auto& [state, saved] : entries) {
    if (saved.status == ObjectStatus::persistent &&
        (state->status() == ObjectStatus::deleted || state->was_deleted())) {
      undeleted.push_back(state);
    }
    if (!state->session()) {
      // Expunged since: its members stay as they show, its row is as it was before the
      // transaction. Inserted by it: no row (transient). Otherwise the row is back, as
      // last committed (a change flushed since is written again once it is added).
      // Either way no deletion of its row by this transaction stands.
      InstanceAccess::was_deleted(*state) = false;
      if (saved.status == ObjectStatus::pending) {
        InstanceAccess::status(*state) = ObjectStatus::transient;
        InstanceAccess::committed(*state) = RowSnapshot();
        take_back_key(*state, saved, keys);
        settle_unloaded(*state);
      } else {
        InstanceAccess::committed(*state) = saved.committed;
      }
      settle_expired(*state);
      continue;
    }
    if (state->session() != this) continue;
    if (!state->committed().empty()) identity_remove(key_of(*state), state);
    InstanceAccess::status(*state) = saved.status;
    InstanceAccess::committed(*state) = saved.committed;
    settle_expired(*state);
  }
  for (const auto& [attr, appended] : log_.written_appends) {
    // An object another Session holds now is that Session's.
    const SessionImpl* holder = attr->owner()->session();
    if (!holder || holder == this) attr->mark_written(appended, false);
  }
  log_.written_appends.clear();
  for (const auto& [state, saved] : entries) {
    if (state->session() != this) continue;
    if (saved.status == ObjectStatus::pending) {
      take_back_key(*state, saved, keys);
      if (std::find(new_.begin(), new_.end(), state) == new_.end()) new_.push_back(state);
    } else {
      identity_put(key_of(*state), state);
    }
  }
  // (once the identity map holds each row's object again, and the members show what
  // they did before the transaction's statements; then the collections show the
  // objects whose deletions are undone)
  undo_session_set();
  log_.left_relationships.put_back(*this, undeleted);
  log_.written_links.undo(*this);
}

void SessionImpl::flush() {
  check_usable();
  if (flushing_ || in_flush_event_) {
    throw InvalidRequestError(
        "flush() inside a flush (from an event's listener): the flush "
        "running writes what before_flush changes, and the next flush "
        "what after_flush changes");
  }
  // The flush events run for a flush that has something to write (as SQLAlchemy's run
  // for a Session that is not clean); finding that out costs a pass over the objects,
  // paid only when someone listens.
  const bool events = listens(SessionEvent::before_flush) || listens(SessionEvent::after_flush);
  if (events && !has_changes(AutoflushBefore::query)) return;
  if (events) {
    call_flush_event(SessionEvent::before_flush);
    if (!has_changes(AutoflushBefore::query)) return;  // it made the Session clean
  }
  UnitOfWork uow(*this);
  flushing_ = true;
  flush_loads_.clear();
  try {
    uow.run();
    // The rows are written and the Session shows them; a listener's failure still
    // undoes the flush.
    if (events) call_flush_event(SessionEvent::after_flush);
  } catch (...) {
    flushing_ = false;
    uow.restore();
    fail_transaction();
    for (auto it = flush_loads_.rbegin(); it != flush_loads_.rend(); ++it) {
      it->first->unload(*it->second);
    }
    flush_loads_.clear();
    throw;
  }
  flushing_ = false;
  flush_loads_.clear();
}

void SessionImpl::call_flush_event(SessionEvent event) {
  ++in_flush_event_;
  try {
    call(event);
  } catch (...) {
    --in_flush_event_;
    throw;
  }
  --in_flush_event_;
}

void UnitOfWork::run() {
  presort();
  group_rows();
  for (const FlushPlan::Action& action : s_.metadata.impl().flush_plan().actions()) {
    execute(action);
  }
  finish();
}

void UnitOfWork::execute(const FlushPlan::Action& action) {
  switch (action.kind) {
    case FlushPlan::Kind::save_rows:
      save_rows(*action.mapper);
      break;
    case FlushPlan::Kind::delete_rows:
      delete_rows(*action.mapper);
      break;
    case FlushPlan::Kind::associations:
      write_associations(*action.relationship);
      break;
    case FlushPlan::Kind::post_updates:
      post_updates();
      break;
    case FlushPlan::Kind::unlink_cycles:
      unlink_post_update_cycles();
      break;
  }
}

void UnitOfWork::journal(InstanceState& state) {
  s_.log_.journal.try_emplace(&state, SessionImpl::Saved{state.status(), state.committed(), {}});
}

void UnitOfWork::touch_fields(InstanceState& state) {
  fields_before_.try_emplace(&state, state.mapper()->values(state.object()));
}

void UnitOfWork::restore() noexcept {
  // Statuses and committed values come back from the session's journal
  // (fail_transaction); the members this flush wrote into come back from here, and so
  // do the pending objects it took out of the session.
  for (InstanceState* s : expunged_) {
    if (s->session() || s->status() != ObjectStatus::transient) continue;
    InstanceAccess::session(*s) = &s_;
    InstanceAccess::status(*s) = ObjectStatus::pending;
    s_.new_.push_back(s);
  }
  for (auto& [state, values] : fields_before_) {
    const Mapper& m = *state->mapper();
    for (std::size_t i = 0; i < values.size(); ++i) {
      try {
        m.set(state->object(), i, Value(values[i]));
      } catch (...) {
        // The values came out of these members; putting them back cannot fail.
      }
    }
  }
}

void UnitOfWork::set_columns(InstanceState& target, const std::vector<std::size_t>& columns,
                             const std::vector<Value>& values) {
  const Mapper& m = *target.mapper();
  bool differs = false;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (m.get(target.object(), columns[i]) != values[i]) differs = true;
  }
  if (!differs) return;
  touch_fields(target);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    m.set(target.object(), columns[i], Value(values[i]));
  }
}

RelationshipAttribute& UnitOfWork::loaded_attribute(InstanceState& parent,
                                                    const RelationshipProperty& rel) {
  RelationshipAttribute& attr = rel.attribute(parent.object());
  if (!attr.is_loaded()) s_.load_relationship(parent, rel);
  return attr;
}

void UnitOfWork::finish() {
  std::erase_if(s_.new_, [](const auto& s) { return s->status() != ObjectStatus::pending; });
  s_.deleted_.clear();
  // The appends this flush wrote are marked on the other side's queues, and journaled
  // so that undoing the transaction marks them unwritten again.
  for (RelationshipAttribute* attr : s_.modified_attributes_) {
    const auto& appended = attr->added();
    if (!appended.empty()) {
      attr->mark_written(appended, true);
      auto& journaled = s_.log_.written_appends[attr];
      journaled.insert(journaled.end(), appended.begin(), appended.end());
    }
    attr->clear_history();
  }
  s_.modified_attributes_.clear();
  finish_bulk();
}

void UnitOfWork::finish_bulk() {
  // Deleted objects (by the flush or by the database's ON DELETE) leave the loaded
  // relationships of the objects that remain, until the transaction is undone. One
  // pass over the session. (Viewonly relationships too: they only read, and what they
  // read is gone.)
  std::unordered_set<InstanceState*> gone(deletes_.begin(), deletes_.end());
  gone.insert(deleted_by_database_.begin(), deleted_by_database_.end());
  if (gone.empty()) return;
  for (InstanceState* s : s_.identity_) {
    for (const RelationshipProperty* rel : s->mapper()->relationships()) {
      RelationshipAttribute& attr = rel->attribute(s->object());
      if (!attr.is_loaded()) continue;
      for (std::size_t i = attr.raw_size(); i-- > 0;) {
        if (gone.count(attr.raw_at(i))) s_.log_.left_relationships.take_out(attr, attr.raw_at(i));
      }
    }
  }
}

}  // namespace relate
