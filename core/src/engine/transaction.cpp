#include <relate/engine/transaction.hpp>
#include <utility>

namespace relate {

Transaction::Transaction(Connection& connection) : connection_(&connection) {
  connection_->begin();
}

Transaction::Transaction(Connection&& owned) : owned_(std::move(owned)), connection_(&*owned_) {
  connection_->begin();
}

Transaction::Transaction(Transaction&& other) noexcept
    : owned_(std::move(other.owned_)),
      connection_(owned_ ? &*owned_ : other.connection_),
      left_by_exception_(other.left_by_exception_) {
  other.connection_ = nullptr;
}

Transaction::~Transaction() noexcept(false) {
  // (A connection whose ROLLBACK failed is not pooled again, Connection's release, and
  // the database discards the transaction when the connection closes.)
  if (active())
    detail::end_scope(
        left_by_exception_, [this] { commit(); }, [this] { rollback(); });
}

void Transaction::commit() {
  if (active()) connection_->commit();
}

void Transaction::rollback() {
  if (active()) connection_->rollback();
}

Transaction Engine::begin() const { return Transaction(connect()); }

}  // namespace relate
