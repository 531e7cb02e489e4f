#include <relate/orm/session.hpp>
#include <relate/orm/session_transaction.hpp>

#include "session_impl.hpp"

namespace relate {

SessionTransaction::SessionTransaction(Session& session, std::uint64_t transaction)
    : session_(&session), transaction_(transaction) {}

SessionTransaction::SessionTransaction(SessionTransaction&& other) noexcept
    : session_(other.session_),
      transaction_(other.transaction_),
      left_by_exception_(other.left_by_exception_) {
  other.session_ = nullptr;
}

bool SessionTransaction::active() const {
  return session_ && session_->impl().transactions_ended() == transaction_;
}

SessionTransaction::~SessionTransaction() noexcept(false) {
  if (active())
    detail::end_scope(
        left_by_exception_, [this] { commit(); }, [this] { rollback(); });
}

void SessionTransaction::commit() {
  if (active()) session_->commit();
}

void SessionTransaction::rollback() {
  if (active()) session_->rollback();
}

SessionTransaction Session::begin() { return SessionTransaction(*this, impl_->begin_scoped()); }

}  // namespace relate
