// The end of a Session's transaction: commit(), rollback(), close(), and what a failed
// flush or COMMIT leaves (fail_transaction): the database rolled back, objects put back
// from the transaction's log, listeners told.
#include <algorithm>
#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <unordered_set>

#include "metadata_impl.hpp"
#include "session_impl.hpp"

namespace relate {

void SessionImpl::end_transaction() {
  ++transactions_ended_;
  savepoints_.clear();
  log_ = {};
  connection_.reset();
}

std::uint64_t SessionImpl::begin_scoped() {
  check_usable();
  if (connection_ || scoped_ == transactions_ended_) {
    throw InvalidRequestError(
        "A transaction is already begun on this Session: commit() or rollback() it before "
        "begin()");
  }
  scoped_ = transactions_ended_;
  return transactions_ended_;
}

std::vector<InstanceState*> SessionImpl::loaded_after_first_write() const {
  std::vector<InstanceState*> out;
  if (!log_.first_write) return out;
  for (InstanceState* s : identity_) {
    if (s->status() == ObjectStatus::persistent &&
        InstanceAccess::sequence(*s) > *log_.first_write && !log_.journal.count(s)) {
      out.push_back(s);
    }
  }
  return out;
}

void SessionImpl::commit() {
  check_usable();
  if (in_commit_event_) {
    throw InvalidRequestError("commit() inside an after_commit listener: the transaction is over");
  }
  flush();
  // Listeners may change objects while a flush runs (after_flush, after_insert, ...): as
  // SQLAlchemy's commit, flush until nothing is left to write, a hundred times at most.
  if (listens_at_all()) {
    for (int flushes = 1; has_changes(AutoflushBefore::query); ++flushes) {
      if (flushes == 100) {
        throw InvalidRequestError(
            "commit(): still changes to write after 100 flushes (a listener changes objects at "
            "every flush)");
      }
      flush();
    }
  }
  end_savepoints();  // COMMIT releases them
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
  for (auto& [state, saved] : log_.journal) {
    if (state->status() == ObjectStatus::deleted) {
      InstanceAccess::session(*state) = nullptr;
      InstanceAccess::status(*state) = ObjectStatus::detached;
      InstanceAccess::was_deleted(*state) = true;
    }
  }
  end_transaction();
  if (options_.expire_on_commit) expire_persistent();
  if (listens(SessionEvent::after_commit)) {
    ++in_commit_event_;
    try {
      call(SessionEvent::after_commit);
    } catch (...) {
      --in_commit_event_;
      throw;
    }
    --in_commit_event_;
  }
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
  failed_ = true;
  // Inside a savepoint only its work is lost: the database goes back to it, and the
  // objects to how they were before its first flush (the Session waits for the
  // savepoint's rollback, or the transaction's).
  if (!savepoints_.empty() && connection_ && !connection_->invalidated()) {
    try {
      connection_->rollback_to_savepoint(savepoints_.back().name);
      restore_transaction_state(GeneratedKeys::take_back);
      call_after_failure_rollback();
      return;
    } catch (...) {
      // Then the whole transaction, below.
    }
  }
  end_savepoints();
  roll_back_connection();
  connection_.reset();
  restore_transaction_state(GeneratedKeys::take_back);
  call_after_failure_rollback();
}

void SessionImpl::call_after_failure_rollback() noexcept {
  // The database rolled back, as after rollback(); the failure that caused it is what
  // propagates, not a listener's.
  if (!listens(SessionEvent::after_rollback)) return;
  try {
    call(SessionEvent::after_rollback);
  } catch (...) {
  }
}

void SessionImpl::undo_log() {
  restore_transaction_state(GeneratedKeys::keep);
  // Pending objects leave the session; deletions not flushed are undone.
  for (InstanceState* s : new_) {
    InstanceAccess::session(*s) = nullptr;
    InstanceAccess::status(*s) = ObjectStatus::transient;
    settle_unloaded(*s);
  }
  new_.clear();
  deleted_.clear();
  modified_attributes_.clear();
  failed_ = false;
}

void SessionImpl::abandon_transaction() {
  end_savepoints();
  roll_back_connection();
  undo_log();
  end_transaction();
}

void SessionImpl::rollback() {
  end_savepoints();
  std::vector<InstanceState*> stale = loaded_after_first_write();
  const bool in_transaction = connection_.has_value();
  abandon_transaction();
  discard_unflushed(std::move(stale), nullptr);
  // As SQLAlchemy's: when a database transaction was rolled back (not after a failed
  // flush, which rolled it back and called the listeners then).
  if (in_transaction && listens(SessionEvent::after_rollback)) call(SessionEvent::after_rollback);
}

void SessionImpl::discard_unflushed(std::vector<InstanceState*> stale, Connection* within) {
  // Unflushed edits are discarded too: every persistent object returns to its
  // committed values, and its relationships load again on next access.
  for (InstanceState* s : identity_) {
    const Mapper& m = *s->mapper();
    for (std::size_t i = 0; i < m.columns().size(); ++i) {
      m.set(s->object(), i, s->committed()[i]);
    }
    for (const auto& f : m.relationship_fields()) f.attribute(s->object())->expire();
  }
  // Objects loaded while the transaction had written show its values, and those a bulk
  // write left unsynchronized may show none the rows hold: read again.
  std::unordered_set<InstanceState*> listed(stale.begin(), stale.end());
  for (InstanceState* s : unsynchronized_) {
    if (s->session() == this && s->status() == ObjectStatus::persistent &&
        listed.insert(s).second) {
      stale.push_back(s);
    }
  }
  // Read again inside the transaction (a savepoint's rollback), they show its values:
  // the transaction's own rollback reads them again.
  if (!within) unsynchronized_.clear();
  if (!stale.empty()) reload(stale, within);
}

void SessionImpl::close() {
  // Unlike rollback(), objects keep their values and loaded relationships.
  abandon_transaction();
  unsynchronized_.clear();
  // Objects no handle can reach go with the graph below: nobody sees their status.
  if (graph_.use_count() > 1) {
    for (InstanceState* s : identity_) {
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
