// Savepoints: the Session's levels inside its transaction (SessionImpl's savepoints_),
// each with the log its undo works from, and the Savepoint guard of begin_nested().
#include <relate/orm/savepoint.hpp>
#include <relate/orm/session.hpp>
#include <utility>

#include "session_impl.hpp"

namespace relate {

void SessionImpl::end_innermost_savepoint() {
  TransactionLog inner = std::exchange(log_, std::move(savepoints_.back().outer));
  savepoints_.pop_back();
  // The enclosing level's record of an object is the earlier one: it stays.
  for (auto& [state, saved] : inner.journal) log_.journal.try_emplace(state, std::move(saved));
  for (auto& [attr, appended] : inner.written_appends) {
    auto& to = log_.written_appends[attr];
    to.insert(to.end(), appended.begin(), appended.end());
  }
  log_.written_links.absorb(std::move(inner.written_links));
  log_.left_relationships.absorb(std::move(inner.left_relationships));
  log_.session_set.insert(log_.session_set.end(), inner.session_set.begin(),
                          inner.session_set.end());
  if (!log_.first_write) log_.first_write = inner.first_write;
}

bool SessionImpl::savepoint_active(std::uint64_t id) const {
  for (const auto& frame : savepoints_) {
    if (frame.id == id) return true;
  }
  return false;
}

std::uint64_t SessionImpl::begin_savepoint() {
  check_usable();
  flush();  // as SQLAlchemy's: the savepoint begins with every change written
  Connection& c = connection();
  const std::uint64_t id = ++savepoints_begun_;
  std::string name = "relate_savepoint_" + std::to_string(id);
  c.savepoint(name);
  const bool written = log_.first_write.has_value();
  savepoints_.push_back({id, std::move(name), std::exchange(log_, {})});
  // The application may write inside it through a Connection& it took before, which
  // noted its write then: objects loaded from now on are read again at its rollback.
  if (written) note_write();
  return id;
}

void SessionImpl::release_savepoint(std::uint64_t id) {
  if (!savepoint_active(id)) return;
  check_usable();
  flush();  // a failure rolls back to the innermost savepoint (fail_transaction)
  std::size_t level = 0;
  while (savepoints_[level].id != id) ++level;
  try {
    connection_->release_savepoint(savepoints_[level].name);  // and those inside it
  } catch (...) {
    // A lost link: the transaction's state is unknown, undo all of it. Otherwise (on
    // PostgreSQL, a statement failed inside the savepoint) the savepoint is still set,
    // for the rollback to it that Savepoint::commit() does next.
    if (connection_->invalidated()) fail_transaction_whole();
    throw;
  }
  while (savepoints_.size() > level) end_innermost_savepoint();
}

void SessionImpl::rollback_savepoint(std::uint64_t id) {
  if (!savepoint_active(id)) return;
  while (savepoints_.back().id != id) end_innermost_savepoint();
  // Objects loaded after the savepoint's first write may show what is rolled back.
  std::vector<InstanceState*> stale = loaded_after_first_write();
  try {
    connection_->rollback_to_savepoint(savepoints_.back().name);
  } catch (...) {
    fail_transaction_whole();
    throw;
  }
  undo_log();
  log_ = std::move(savepoints_.back().outer);
  savepoints_.pop_back();
  discard_unflushed(std::move(stale), &*connection_);
  if (listens(SessionEvent::after_rollback)) call(SessionEvent::after_rollback);
}

// ---- the guard ----

Savepoint::Savepoint(Session& session, std::uint64_t id) : session_(&session), id_(id) {}

Savepoint::Savepoint(Savepoint&& other) noexcept
    : session_(other.session_), id_(other.id_), left_by_exception_(other.left_by_exception_) {
  other.session_ = nullptr;
}

bool Savepoint::active() const { return session_ && session_->impl().savepoint_active(id_); }

Savepoint::~Savepoint() noexcept(false) {
  if (active())
    detail::end_scope(
        left_by_exception_, [this] { commit(); }, [this] { rollback(); });
}

void Savepoint::commit() {
  if (!active()) return;
  try {
    session_->impl().release_savepoint(id_);
  } catch (...) {
    // (a rollback that fails too leaves the Session waiting for rollback())
    try {
      rollback();
    } catch (...) {
    }
    throw;
  }
}

void Savepoint::rollback() {
  if (active()) session_->impl().rollback_savepoint(id_);
}

Savepoint Session::begin_nested() { return Savepoint(*this, impl_->begin_savepoint()); }

}  // namespace relate
