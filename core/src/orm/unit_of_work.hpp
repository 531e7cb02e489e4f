// The unit of work: one flush as a plan, then its execution (SQLAlchemy's
// orm/unitofwork.py and orm/dependency.py).
//
// Building the plan:
//   1. presort (dependency_processor.cpp): along each relationship, by its direction,
//      find what else the flush must do: objects a deleted parent cascades to,
//      orphans, children whose foreign key must be nulled; until nothing new turns up.
//   2. actions (flush_plan.cpp): save the rows of each mapper, delete the rows of each
//      mapper, write each many-to-many's association rows, post_update's UPDATEs.
//      Foreign keys and relationships add the edges that order them: parents saved
//      before children, children deleted before parents, links after both ends.
//   3. one topological sort of the actions.
// Executing it runs the actions in that order: persistence.cpp writes rows (each
// statement checked for the rows it changed), association_rows.cpp the links,
// post_update.cpp the deferred keys, database_actions.cpp mirrors ON DELETE on the
// objects in memory. Keys are copied into foreign keys (sync, in
// dependency_processor.cpp) just before each row is written.
//
// Every change to an object is journaled, so that a failed flush puts objects back
// exactly as they were before it.
#pragma once

#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "flush_plan.hpp"
#include "session_impl.hpp"

namespace relate {

// A many-to-many link as (parent, target) of the relationship that writes it, and
// links in the order they were made (association_rows.cpp).
using Link = std::pair<InstanceState*, InstanceState*>;
class LinkList;

class UnitOfWork {
 public:
  explicit UnitOfWork(SessionImpl& session) : s_(session) {}

  void run();
  // A bulk UPDATE or DELETE of `mapper`'s rows matching `where` (bulk_write.cpp): the
  // statement, then the session's objects for those rows made to show what the
  // database holds (SynchronizeSession::fetch). Returns the rows matched.
  // With returning(), the rows the statement returned.
  SessionImpl::BulkResult bulk_update(const Mapper& mapper, sql::Update statement,
                                      SynchronizeSession synchronize);
  SessionImpl::BulkResult bulk_delete(const Mapper& mapper, sql::Delete statement,
                                      SynchronizeSession synchronize);
  // An INSERT ... ON CONFLICT, then the held objects of its rows' keys read again
  // (upsert.cpp).
  void upsert(const Mapper& mapper, const sql::Insert& statement);
  // Puts back what this flush changed in memory: member values (generated keys,
  // synced foreign keys) and the status of the objects it deleted.
  void restore() noexcept;

 private:
  Connection& conn() {
    s_.note_write();
    return s_.connection();
  }
  bool deleting(const InstanceState* state) const { return deleting_.count(state) != 0; }

  // unit_of_work.cpp: the run, the journal, and what a flush leaves behind.
  void execute(const FlushPlan::Action& action);
  // Records the object's status and committed values as they were before this
  // transaction's first flush touched it.
  void journal(InstanceState& state);
  void touch_fields(InstanceState& state);
  void set_columns(InstanceState& target, const std::vector<std::size_t>& columns,
                   const std::vector<Value>& values);
  RelationshipAttribute& loaded_attribute(InstanceState& parent, const RelationshipProperty& rel);
  void finish();
  // What a bulk DELETE leaves behind: its objects out of loaded relationships.
  void finish_bulk();

  // dependency_processor.cpp: presort and sync, by relationship direction.
  void presort();
  void mark_for_delete(InstanceState& state);
  void presort_delete(InstanceState& state);
  void presort_one_to_many_delete(InstanceState& parent, const RelationshipProperty& rel);
  void presort_collection_changes(RelationshipAttribute& collection);
  void presort_reference_change(RelationshipAttribute& reference);
  bool has_other_parent(InstanceState& child, const RelationshipProperty& rel,
                        InstanceState& former_parent);
  bool held_by_another_parent(const InstanceState& child, const RelationshipProperty& rel,
                              const std::vector<InstanceState*>& former_parents);
  void null_foreign_keys();
  struct ToNull;
  void null_foreign_key(const ToNull& entry);
  void sync_many_to_one(InstanceState& state, RowWrite write, SyncPhase phase);
  void sync_one_to_many(InstanceState& parent, RowWrite write, SyncPhase phase);
  // A persistent parent's changed self-referential collections give their children the
  // foreign key before any row of the table is updated: a child's UPDATE may come
  // first (found by review: without back_populates nothing else ordered them).
  void sync_self_referential_children(InstanceState& parent);
  void sync_children(InstanceState& parent, const RelationshipProperty& rel,
                     const RelationshipAttribute& attr);
  void check_target(const RelationshipProperty& rel, InstanceState& state,
                    const InstanceState& target) const;

  // flush_order.cpp: the rows of each action, in the order they are written.
  void group_rows();
  // Rows of one mapper, self-referential parents first (children first is the
  // reverse). Rows being deleted are matched by their committed keys.
  std::vector<InstanceState*> parent_first(const std::vector<InstanceState*>& states,
                                           RowWrite write) const;
  // SQLAlchemy's row switch: a new object with the key of a row this flush deletes
  // takes that row over with an UPDATE (switch_row), where an INSERT would fail on the
  // key; the deleted object's row is then neither deleted nor mirrored.
  void switch_rows();
  bool switching(const InstanceState* state) const { return switching_.count(state) != 0; }
  // Persistent rows whose new foreign key comes from a row of their own table this
  // flush inserts (self-referential): they are updated after their mapper's inserts,
  // the others before (releasing a unique key a new row takes).
  void find_rows_after_inserts();

  // persistence.cpp: the statements that write rows.
  void save_rows(const Mapper& m);
  // A mapper event for an object whose row is written: before_* around what builds the
  // statement (the listener's changes to the object's members are written), after_*
  // once the row is.
  void before(MapperEvent event, InstanceState& state);
  void after(MapperEvent event, InstanceState& state);
  // The rows of deleted objects: a mapper related to itself deletes them one by one,
  // children first; any other in statements of many keys (DELETE ... WHERE key IN
  // (...)), as many as the backend's parameter limit allows, each checked to delete
  // as many rows as it names.
  void delete_rows(const Mapper& m);
  // The rows of new objects, parents first, in multi-row INSERTs (SQLAlchemy's
  // executemany and insertmanyvalues): one for each run of objects that give their
  // key, one for each run whose key the database generates, where the dialect tells
  // how to match the generated keys to the rows (Dialect::GeneratedKeys). Objects of
  // a self-referential mapper take one INSERT each.
  void insert_all(const Mapper& m, const std::vector<InstanceState*>& states);
  void insert(InstanceState& state);
  void insert_rows(const Mapper& m, const std::vector<InstanceState*>& states);
  void insert_generating(const Mapper& m, const std::vector<InstanceState*>& states);
  // Throws StaleDataError unless `sorted` holds `rows` keys, each above the one before
  // (by one where `consecutive`).
  static void check_generated_keys(const std::vector<std::int64_t>& sorted, std::int64_t rows,
                                   bool consecutive, const Table& table);
  // The object's row is written with the key the database generated: the member and
  // the snapshot take it, and a rollback gives the member back the key it had.
  void take_generated_key(InstanceState& state, std::size_t column, std::vector<Value> values,
                          Value key);
  void mark_inserted(InstanceState& state, const std::vector<Value>& written);
  std::vector<Value> insert_values(InstanceState& state);
  std::optional<std::size_t> generated_key(InstanceState& state) const;
  std::size_t rows_per_insert(std::size_t columns);
  void save_persistent(InstanceState& state);
  // `events`: the row's own UPDATE calls before_update/after_update; post_update's
  // second statements do not (as SQLAlchemy's).
  void update(InstanceState& state, bool events = true);
  // The UPDATE of the columns whose values differ from `committed`, keyed by its key
  // (no values when nothing differs), and its execution, which checks the row count.
  sql::Update update_of(const Mapper& m, const RowSnapshot& committed,
                        const std::vector<Value>& values);
  void execute_update(const Mapper& m, const sql::Update& up);
  void switch_row(InstanceState& taking, InstanceState& deleted);
  void remove(InstanceState& state);
  void remove_all(const std::vector<InstanceState*>& states);
  // A deleted object's bookkeeping once its row is gone.
  void mark_removed(InstanceState& state);
  // Throws StaleDataError unless the last statement changed `expected` rows.
  void expect_rows(std::int64_t expected, std::string_view what, const Table& table);
  // bulk_write.cpp: the session's objects for the rows `where` matches now, read from
  // the database (objects_matching) or, with SynchronizeSession::evaluate, computed in
  // memory where it can tell for every object (`evaluated`).
  std::vector<InstanceState*> objects_matching(const Mapper& mapper, const sql::Expr& where);
  struct Matched {
    std::vector<InstanceState*> objects;
    bool evaluated = false;
  };
  Matched held_matching(const Mapper& mapper, const sql::Expr& where,
                        SynchronizeSession synchronize);
  // SynchronizeSession::fetch in the statement itself, by RETURNING, where the backend
  // has it: no statement before to find the rows (nor its race with other
  // transactions' writes), none after to read them again.
  bool fetches_by_returning(const Mapper& mapper, SynchronizeSession synchronize) const;
  // Runs an UPDATE or DELETE: the rows it changed, and what it returned.
  template <class Statement>
  SessionImpl::BulkResult run_bulk(const Statement& statement);
  // Rows whose first `fetched` values are the key and then other columns the session
  // follows: the objects it holds for those keys, each with the values after the key.
  // Each row keeps only the values after the first `fetched` (returning()'s).
  std::vector<std::pair<InstanceState*, std::vector<Value>>> take_fetched(
      const Mapper& mapper, std::vector<std::vector<Value>>& rows, std::size_t fetched);
  // Gives the objects the values the UPDATE set, computed in memory; returns those
  // whose values memory cannot be sure of, to be read again.
  std::vector<InstanceState*> set_evaluated(const Mapper& mapper, const sql::Update& statement,
                                            const std::vector<InstanceState*>& held);

  // association_rows.cpp
  void write_associations(const RelationshipProperty& rel);
  bool links_go_with_row(const RelationshipProperty& rel, InstanceState& owner) const;
  std::unordered_set<const InstanceState*> delete_links_of_deleted_rows(
      const RelationshipProperty& rel);
  void delete_links(const RelationshipProperty& rel, const LinkList& links,
                    const std::unordered_set<const InstanceState*>& gone);
  void insert_links(const RelationshipProperty& rel, const LinkList& links);
  // Notes in the transaction's LinkJournal that this flush dealt with the link's row
  // (`existed` before it).
  void journal_link(const RelationshipProperty& rel, const Link& link, bool existed);

  // post_update.cpp
  void post_updates();
  void unlink_post_update_cycles();

  // database_actions.cpp
  void mirror_database_actions(InstanceState& deleted);
  // A member this flush or statement sets to `set` itself (SessionImpl::log_.session_set).
  void record_session_set(InstanceState& state, std::size_t column, const Value& set);
  // reload_rows, recording what it changes as set by the Session.
  void reload_synchronized(const Mapper& mapper, const std::vector<InstanceState*>& objects);
  // The session's persistent objects of `m` whose foreign key `fk` refers to `deleted`.
  std::vector<InstanceState*> objects_referring(const InstanceState& deleted,
                                                const ForeignKeyConstraint& fk, const Mapper& m);
  // What the database's ON DELETE of `fk` did to `child`'s row, done to the object.
  void follow_on_delete(InstanceState& child, const ForeignKeyConstraint& fk);

  SessionImpl& s_;
  std::unordered_map<InstanceState*, std::vector<Value>> fields_before_;
  // The rows of each mapper this flush inserts, may update, deletes.
  using Rows = std::unordered_map<const Mapper*, std::vector<InstanceState*>>;
  Rows pending_, persistent_, deleted_rows_;
  std::unordered_set<const InstanceState*> after_inserts_;
  // (new object, deleted object) pairs of row switches, in the order found.
  std::vector<std::pair<InstanceState*, InstanceState*>> switched_;
  std::unordered_set<const InstanceState*> switching_;  // both objects of each pair
  // Objects this flush deletes, in the order found, and the same as a set.
  std::vector<InstanceState*> deletes_;
  std::unordered_set<const InstanceState*> deleting_;
  // Children whose foreign key the presort decided to null, with the relationship.
  // `parent_deleted`: the parent goes (undone with the deletion); otherwise the child
  // left it.
  struct ToNull {
    InstanceState* child;
    const RelationshipProperty* rel;
    bool parent_deleted;
  };
  std::vector<ToNull> to_null_;
  std::unordered_set<InstanceState*> inserted_;
  // Pending objects the presort took out of the session (orphans, cascaded deletes).
  std::vector<InstanceState*> expunged_;
  // Objects whose row the database removed through ON DELETE CASCADE.
  std::vector<InstanceState*> deleted_by_database_;
  // Session objects by foreign key value, built when ON DELETE effects are mirrored.
  std::unordered_map<const ForeignKeyConstraint*,
                     std::unordered_multimap<IdentityKey, InstanceState*, IdentityKeyHash>>
      by_foreign_key_;
  // Children held by the loaded collections of the flush's new parents and of the
  // parents whose collection changed, by relationship (held_by_another_parent).
  using Holders = std::unordered_multimap<const InstanceState*, InstanceState*>;
  std::unordered_map<const RelationshipProperty*, Holders> holders_;
};

}  // namespace relate
