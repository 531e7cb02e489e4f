// Bulk UPDATE and DELETE (relate/orm/bulk.hpp) as a unit of work of one statement:
// the Session flushes first, the statement runs, and with SynchronizeSession::fetch the
// objects the Session holds for the matched rows follow the database, journaled so that
// rollback() restores them. A failure is a failed flush: the transaction is rolled
// back, the objects come back, and the Session wants rollback().
#include <relate/engine/driver.hpp>
#include <relate/errors.hpp>
#include <relate/orm/loading.hpp>
#include <relate/schema.hpp>

#include "unit_of_work.hpp"
#include "write_statements.hpp"

namespace relate {

std::vector<InstanceState*> UnitOfWork::objects_matching(const Mapper& mapper,
                                                         const sql::Expr& where) {
  bool any_held = false;
  for (const auto& [key, s] : s_.identity_) any_held = any_held || s->mapper() == &mapper;
  std::vector<InstanceState*> out;
  if (!any_held) return out;
  sql::Select keys;
  keys.from.table = &mapper.table();
  for (std::size_t i : mapper.primary_key()) {
    keys.columns.push_back(sql::column(*mapper.columns()[i].column));
  }
  keys.where = where;
  auto cursor = conn().execute(keys);
  while (cursor->next()) {
    std::vector<Value> key;
    for (std::size_t i = 0; i < mapper.primary_key().size(); ++i) {
      key.push_back(
          normalize(cursor->get(i), mapper.columns()[mapper.primary_key()[i]].column->type()));
    }
    if (InstanceState* s = s_.lookup(mapper, key)) out.push_back(s);
  }
  return out;
}

std::int64_t UnitOfWork::bulk_update(const Mapper& mapper, const sql::Update& statement,
                                     SynchronizeSession synchronize) {
  std::vector<InstanceState*> held;
  if (synchronize == SynchronizeSession::fetch) held = objects_matching(mapper, statement.where);
  conn().execute(statement);
  const std::int64_t matched = conn().rows_affected();
  if (held.empty()) return matched;
  for (InstanceState* s : held) journal(*s);
  s_.reload_rows(conn(), mapper, held);
  return matched;
}

std::int64_t UnitOfWork::bulk_delete(const Mapper& mapper, const sql::Delete& statement,
                                     SynchronizeSession synchronize) {
  std::vector<InstanceState*> held;
  if (synchronize == SynchronizeSession::fetch) held = objects_matching(mapper, statement.where);
  conn().execute(statement);
  const std::int64_t matched = conn().rows_affected();
  for (InstanceState* s : held) {
    if (s->status() != ObjectStatus::persistent) continue;
    journal(*s);
    InstanceAccess::status(*s) = ObjectStatus::deleted;
    deleting_.insert(s);
    deletes_.push_back(s);
    s_.identity_remove(s_.key_of(*s), s);
    std::erase(s_.deleted_, s);
  }
  for (InstanceState* s : held) mirror_database_actions(*s);
  finish_bulk();
  return matched;
}

std::int64_t SessionImpl::bulk_write(const Mapper& mapper, const BulkSpec& spec,
                                     detail::BulkWrite write) {
  flush();
  UnitOfWork uow(*this);
  try {
    if (write == detail::BulkWrite::remove) {
      return uow.bulk_delete(mapper, bulk_delete_statement(metadata, mapper, spec),
                             spec.synchronize);
    }
    return uow.bulk_update(mapper, bulk_update_statement(metadata, mapper, spec),
                           spec.synchronize);
  } catch (const ArgumentError&) {
    throw;  // refused before any statement: nothing to undo
  } catch (...) {
    uow.restore();
    fail_transaction();
    throw;
  }
}

}  // namespace relate
