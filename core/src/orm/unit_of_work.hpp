// The unit of work: what one flush writes and in which order. Its parts live in
// unit_of_work.cpp (the run, rows, journal), dependency_processor.cpp (cascades and
// foreign key sync), flush_order.cpp (mapper and row order), association_rows.cpp
// (many-to-many) and database_actions.cpp (what ON DELETE did to objects in memory).
#pragma once

#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "session_impl.hpp"

namespace relate {

class UnitOfWork {
 public:
  explicit UnitOfWork(SessionImpl& session) : s_(session) {}

  void run();
  // Puts back what this flush changed in memory: member values (generated keys,
  // synced foreign keys) and the status of objects its cascades marked deleted.
  void restore() noexcept;

 private:
  Connection& conn() { return s_.connection(); }

  // unit_of_work.cpp
  // Records the object's status and committed values as they were before this
  // transaction's first flush touched it.
  void journal(InstanceState& state);
  void touch_fields(InstanceState& state);
  void set_columns(InstanceState& target, const std::vector<std::size_t>& columns,
                   const std::vector<Value>& values);
  RelationshipAttribute& loaded_attribute(InstanceState& parent, const RelationshipProperty& rel);
  // The rows of one mapper's new objects, parents first. Objects whose key is given
  // share multi-row INSERTs (SQLAlchemy's executemany); an object whose key the
  // database generates, or any of a self-referential mapper, takes one INSERT each.
  void insert_all(const Mapper& m, const std::vector<InstanceState*>& states);
  void insert(InstanceState& state);
  void insert_rows(const Mapper& m, const std::vector<InstanceState*>& states);
  // The object's row is written: `written` becomes its committed values.
  void mark_inserted(InstanceState& state, const std::vector<Value>& written);
  // The column values an INSERT writes for the object (post_update keys held back).
  std::vector<Value> insert_values(InstanceState& state);
  // The key column the database generates for the object, if it does: a single
  // autoincrement key left 0 or null.
  std::optional<std::size_t> generated_key(InstanceState& state) const;
  // Rows one multi-row INSERT into `table` with `columns` columns carries.
  std::size_t rows_per_insert(std::size_t columns);
  void update(InstanceState& state);
  void remove(InstanceState& state);
  void finish();

  // dependency_processor.cpp
  void collect_deletes();
  void cascade_deletes();
  void delete_dependents(InstanceState& parent);
  void process_removed_children();
  void null_foreign_key(InstanceState& child, const RelationshipProperty& rel);
  void mark_for_delete(InstanceState& state);
  void pull_many_to_one(InstanceState& state, bool inserting, bool post_update);
  void push_one_to_many(InstanceState& parent, bool inserted, bool post_update);
  void post_updates();
  void break_cycles_before_deletes();

  // flush_order.cpp
  std::vector<const Mapper*> mapper_order() const;
  // States of one mapper, each after the states of the same mapper it refers to
  // (self-referential rows: parents first). Deleted rows are matched by committed keys.
  std::vector<InstanceState*> parent_first(const std::vector<InstanceState*>& states,
                                           bool deleting) const;

  // association_rows.cpp
  void write_associations();

  // database_actions.cpp
  void mirror_database_actions(InstanceState& deleted);

  SessionImpl& s_;
  std::unordered_map<InstanceState*, std::vector<Value>> fields_before_;
  std::vector<InstanceState*> deletes_;
  std::size_t cascaded_ = 0;  // deletes_ before this index had their dependents processed
  std::unordered_set<InstanceState*> deleting_;
  // The objects session.remove() named (s_.deleted_), for constant-time lookups.
  std::unordered_set<InstanceState*> requested_deletes_;
  std::unordered_set<InstanceState*> inserted_;
  // Objects whose row the database removed through ON DELETE CASCADE.
  std::vector<InstanceState*> deleted_by_database_;
  // Session objects by foreign key value, built when ON DELETE effects are mirrored.
  std::unordered_map<const ForeignKeyConstraint*,
                     std::unordered_multimap<IdentityKey, InstanceState*, IdentityKeyHash>>
      by_foreign_key_;
};

}  // namespace relate
