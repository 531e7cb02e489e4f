// Upsert through the Session (relate/orm/upsert.hpp): one INSERT ... ON CONFLICT after a
// flush, then the objects the Session holds for the rows' keys read again, journaled
// for rollback(). A failure is a failed flush.
#include <relate/errors.hpp>
#include <relate/schema.hpp>
#include <unordered_set>

#include "unit_of_work.hpp"
#include "write_statements.hpp"

namespace relate {

void UnitOfWork::upsert(const Mapper& mapper, const sql::Insert& statement) {
  conn().execute(statement);
  // The held objects whose key the rows carry: read again.
  const auto& target = statement.on_conflict->target;
  std::unordered_set<IdentityKey, IdentityKeyHash> keys;
  for (const auto& row : statement.rows) {
    IdentityKey key{nullptr, {}};
    for (const Column* c : target) {
      const auto at = std::find(statement.columns.begin(), statement.columns.end(), c);
      key.values.push_back(row[static_cast<std::size_t>(at - statement.columns.begin())]);
    }
    keys.insert(std::move(key));
  }
  std::vector<InstanceState*> held;
  for (InstanceState* s : s_.identity_) {
    if (s->mapper() != &mapper || s->status() != ObjectStatus::persistent) continue;
    IdentityKey k{nullptr, {}};
    for (const Column* c : target) k.values.push_back(s->committed()[c->position()]);
    if (keys.count(k)) held.push_back(s);
  }
  if (held.empty()) return;
  for (InstanceState* s : held) journal(*s);
  reload_synchronized(mapper, held);
}

void SessionImpl::upsert(const Mapper& mapper, const std::vector<const void*>& rows,
                         const UpsertSpec& spec) {
  flush();
  if (rows.empty()) return;
  const sql::Insert statement = upsert_statement(mapper, rows, spec);
  UnitOfWork uow(*this);
  try {
    uow.upsert(mapper, statement);
  } catch (const ArgumentError&) {
    throw;  // refused before any statement: nothing to undo
  } catch (...) {
    uow.restore();
    fail_transaction();
    throw;
  }
}

}  // namespace relate
