// Autoflush: the flush a query or a lazy load runs first, so that what it reads
// includes the Session's changes (SQLAlchemy's autoflush), and the switches that turn
// it off (SessionOptions, Session::set_autoflush, the no_autoflush() guard).
#include <relate/orm/mapper.hpp>
#include <relate/orm/no_autoflush.hpp>

#include "session_impl.hpp"

namespace relate {

bool SessionImpl::has_changes(AutoflushBefore before) const {
  if (!new_.empty() || !deleted_.empty() || !modified_attributes_.empty()) return true;
  if (before == AutoflushBefore::lazy_load) return false;
  // A member the application changed shows only against the row's values: one pass,
  // stopping at the first difference.
  for (InstanceState* s : identity_) {
    if (s->status() == ObjectStatus::persistent && members_changed(*s)) return true;
  }
  return false;
}

bool SessionImpl::members_changed(const InstanceState& s) const {
  const Mapper& m = *s.mapper();
  for (std::size_t i = 0; i < m.columns().size(); ++i) {
    if (!s.committed().equals(i, m.get(s.object(), i))) return true;
  }
  return false;
}

void SessionImpl::autoflush(AutoflushBefore before) {
  // Not inside a flush (its own loads), nor after a failed one: the statement that
  // follows refuses then, with the Session's reason.
  if (!autoflush_enabled() || flushing_ || in_flush_event_ || failed_) return;
  if (has_changes(before)) flush();
}

NoAutoflush::NoAutoflush(SessionImpl& session) : session_(session) { session_.hold_autoflush(); }

NoAutoflush::~NoAutoflush() { session_.release_autoflush(); }

NoAutoflush Session::no_autoflush() { return NoAutoflush(*impl_); }

bool Session::autoflush() const { return impl_->autoflush_enabled(); }

void Session::set_autoflush(bool on) { impl_->set_autoflush(on); }

}  // namespace relate
