// Session internals: identity map, new and deleted objects, the transaction and the
// journal that lets a failed flush or a rollback restore objects. Loader strategies
// reach it through the functions of relate/orm/loading.hpp.
#pragma once

#include <functional>
#include <optional>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/orm/session.hpp>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "event_listeners.hpp"
#include "identity_key.hpp"
#include "identity_map.hpp"
#include "left_relationships.hpp"
#include "link_journal.hpp"
#include "query_load.hpp"

namespace relate {

class QueryCompiler;

class SessionImpl {
 public:
  SessionImpl(Engine engine, MetaData metadata, SessionOptions options);
  const std::shared_ptr<detail::ObjectGraph>& graph() const { return graph_; }

  Connection& connection();
  void check_usable() const;

  // Makes `state` (and what its save-update cascade reaches) part of this session.
  void attach(InstanceState& state, const Mapper& mapper);
  // Makes `state` alone part of this session.
  void join(InstanceState& state, const Mapper& mapper);
  // Throws InvalidRequestError for an object a flush of this transaction deleted.
  void refuse_deleted(const InstanceState& state, const Mapper& mapper) const;
  // Throws InvalidRequestError naming why `state` cannot join this session.
  void check_attachable(const InstanceState& state, const Mapper& mapper) const;
  void cascade_save_update(InstanceState& state, const Mapper& mapper);
  // Throws what attach() would throw for `state` and what its save-update cascade
  // reaches, changing nothing.
  void check_cascade(InstanceState& state, const Mapper& mapper) const;
  void mark_deleted(InstanceState& state);
  // What remove() does along the delete cascade, as SQLAlchemy's delete(): loads the
  // relationships it follows and brings the detached objects it reaches in.
  void follow_delete_cascade(InstanceState& state);
  void expunge(InstanceState& state);
  InstanceState* get(const Mapper& mapper, std::vector<Value> key);
  // Session::refresh() (reload.cpp); every member and relationship when `members` is
  // empty.
  void refresh(InstanceState& state, const std::vector<MemberRef>& members);
  // Session::merge() (merge.cpp): the Session's copy of `source`.
  InstanceState* merge(InstanceState& source, const Mapper& mapper, bool load);
  // Session::expire() and expire_all() (expire.cpp).
  void expire(InstanceState& state, const std::vector<MemberRef>& members);
  void expire_all();
  // Loads the expired members of `state` from its row (ObjectDeletedError if it is
  // gone), after an autoflush.
  void load_expired(InstanceState& state);
  // A query read `row` (the mapper's columns) for `state`: its expired members take
  // their values from it.
  void fill_expired(InstanceState& state, const Mapper& mapper, std::vector<Value>& row);
  // select<T>(): the objects, each once. With the spec's columns (select<T>(columns...))
  // `on_row` sees every row, its object and the cursor (the columns follow the
  // mapper's).
  std::vector<InstanceState*> query(
      const Mapper& mapper, const QuerySpec& spec,
      const std::function<void(InstanceState&, Cursor&)>& on_row = {});
  // select<T>().from_statement(text): the objects of the statement's rows, one per
  // row, their columns found by name (from_statement.cpp).
  std::vector<InstanceState*> query_statement(const Mapper& mapper, const QuerySpec& spec,
                                              const sql::Text& statement);
  // The strategies that load once the objects are there (selectin, noload, raise),
  // for the objects whose relationship is still unloaded.
  void after_load(const Mapper& mapper, const std::vector<InstanceState*>& objects,
                  const std::shared_ptr<QueryLoad>& context);
  // The load context of a query's loader options; `compiler` names the aliases options
  // refer to (null for a statement Relate did not build, where an alias is refused).
  std::shared_ptr<QueryLoad> options_context(const Mapper& mapper,
                                               const std::vector<LoaderOption>& options,
                                               const QueryCompiler* compiler) const;

  void flush();

  // Events (events.cpp). The Session object listeners receive.
  Session* owner = nullptr;
  EventListeners listeners;
  bool listens(SessionEvent event) const;
  bool listens(MapperEvent event, const Mapper& mapper) const;
  // Calls the MetaData's listeners, then the Session's.
  void call(SessionEvent event);
  void call(MapperEvent event, InstanceState& state);
  // before_flush or after_flush, during which a flush is refused and no autoflush runs.
  void call_flush_event(SessionEvent event);
  // A mapper event's listener is running: the flush is writing rows, and what it would
  // not write is refused (InvalidRequestError naming `what`).
  bool in_mapper_event() const { return in_mapper_event_ > 0; }
  void refuse_in_mapper_event(std::string_view what) const;
  // ... and inside before_flush or after_flush, where the flush (and a commit's) goes on.
  void refuse_in_flush_event(std::string_view what) const;
  // Any listener at all, on the MetaData or the Session.
  bool listens_at_all() const;
  // Whether `s` (persistent) has a member that differs from its row.
  bool members_changed(const InstanceState& s) const;

  // What autoflush flushes before: a query flushes every change; a lazy load only
  // where the Session knows of changes without comparing members (new objects,
  // deletions, changed relationships), since finding changed members costs a pass
  // over every object and a loop of lazy loads would pay it per load.
  enum class AutoflushBefore { query, lazy_load };
  void autoflush(AutoflushBefore before);
  bool autoflush_enabled() const { return options_.autoflush && no_autoflush_ == 0; }
  void set_autoflush(bool on) { options_.autoflush = on; }
  void hold_autoflush() { ++no_autoflush_; }
  void release_autoflush() { --no_autoflush_; }
  void upsert(const Mapper& mapper, const std::vector<const void*>& rows, const UpsertSpec& spec);
  // The rows the statement matched, and with returning() the values it returned.
  struct BulkResult {
    std::int64_t matched = 0;
    std::vector<std::vector<Value>> rows;
  };
  BulkResult bulk_write(const Mapper& mapper, const BulkSpec& spec, detail::BulkWrite write);
  void commit();
  void rollback();
  void close();
  // Session::begin(): refuses a transaction in progress, and returns the number of
  // transactions ended so far, which names the one begun (transactions_ended()).
  std::uint64_t begin_scoped();
  std::uint64_t transactions_ended() const { return transactions_ended_; }

  // Savepoints (savepoint.cpp). begin_savepoint() flushes, sets a SAVEPOINT in the
  // transaction (begun if none) and returns the savepoint's id. release_savepoint()
  // flushes and releases it, with the savepoints begun inside it; what they recorded
  // for an undo joins the enclosing level. rollback_savepoint() rolls the database back
  // to it and the objects to how they were when it began; the transaction goes on.
  // Both do nothing for a savepoint that ended already.
  std::uint64_t begin_savepoint();
  void release_savepoint(std::uint64_t id);
  void rollback_savepoint(std::uint64_t id);
  bool savepoint_active(std::uint64_t id) const;

  // Lazy loading of one attribute through its strategy.
  void load_relationship(InstanceState& parent, const RelationshipProperty& rel);
  // An object for the current row of a cursor positioned on an entity_select.
  // The object for the row's columns from `first_column` on; null if its key
  // columns are all NULL (the outer side of a join).
  InstanceState* instance_from_row(const Mapper& mapper, Cursor& cursor, std::size_t first_column,
                                   const std::shared_ptr<QueryLoad>& context);
  // The object the identity map holds for the row's key (columns from `first_column`
  // on), its expired members filled from the row; null when there is none (nothing is
  // created).
  InstanceState* existing_from_row(const Mapper& mapper, Cursor& cursor, std::size_t first_column);
  // Fills the members `existing` has expired from the row (columns from
  // `first_column` on).
  void refresh_expired_from_row(InstanceState& existing, const Mapper& mapper, Cursor& cursor,
                                std::size_t first_column);

  InstanceState* lookup(const Mapper& mapper, const std::vector<Value>& key) const;
  // Puts `state` under `key`. An object that held the key before (its row was
  // replaced behind the session's back) leaves the session, detached.
  void identity_put(IdentityKey key, InstanceState* state);
  // Removes `key` only if `state` is the object under it.
  void identity_remove(const IdentityKey& key, const InstanceState* state);
  // The transaction is about to write (a flush's statement, or the application's own
  // through Session::connection()): objects loaded from now on may hold values that a
  // rollback takes away.
  void note_write() {
    if (!log_.first_write) log_.first_write = next_sequence_;
  }
  // Attributes changed since the last flush.
  void note_modified(RelationshipAttribute& attribute) { modified_attributes_.insert(&attribute); }
  // `attribute`, unloaded, is about to load: a flush running notes what it held, so
  // that its failure can leave the attribute as before (flush_loads_).
  void note_load(RelationshipAttribute& attribute) {
    if (flushing_) flush_loads_.emplace_back(&attribute, attribute.unloaded_state());
  }

  Engine engine;
  MetaData metadata;

 private:
  friend class UnitOfWork;
  friend class Session;

  struct Saved {
    ObjectStatus status;
    RowSnapshot committed;
    // The key member before a flush of the transaction had the database generate it.
    std::optional<Value> key_before;
  };

  IdentityKey key_of(const InstanceState& s) const;
  // InvalidRequestError naming `verb` unless `s` is persistent in this Session.
  void check_persistent(const InstanceState& s, std::string_view verb) const;
  // Members of an object named for expire() or refresh(): per column whether named,
  // and the relationships named; all of them when none is named.
  struct NamedMembers {
    std::vector<bool> columns;
    std::vector<const Mapper::RelationshipField*> relationships;
  };
  static NamedMembers named_members(const Mapper& mapper, const std::vector<MemberRef>& members);
  // The named members' unflushed changes go: columns show their committed values,
  // relationships unload.
  void discard_changes(InstanceState& s, const NamedMembers& named);
  // ... and the columns are expired.
  void expire_members(InstanceState& s, const NamedMembers& named);
  // What the refresh-expire cascade reached: persistent objects expire, pending ones
  // leave the Session.
  void expire_cascaded(const std::vector<InstanceState*>& reached);
  // An undo set `s`'s status and committed values: its expired members show the
  // committed values, and one without a row has nothing expired.
  void settle_expired(InstanceState& s);
  // An object the undo left without a row (transient): its unloaded collections hold
  // what was queued on them (RelationshipAttribute::settle_without_row).
  static void settle_unloaded(InstanceState& s);
  // Every persistent object expires (expire_all(), expire_on_commit).
  void expire_persistent();
  // merge.cpp: what one merge() has done so far, and the merge of one object.
  struct Merge;
  InstanceState* merge_one(InstanceState& source, const Mapper& mapper, Merge& merge);
  // merge(load=false)'s: the copy stamped with the source's values as loaded.
  InstanceState* merge_without_load(InstanceState& source, const Mapper& mapper, Merge& merge);
  // The relationships with the merge cascade that `source` holds, merged onto `copy`
  // (each through `install`); returns those merged.
  std::set<const RelationshipProperty*> merge_relationships(
      InstanceState& source, const Mapper& mapper, InstanceState& copy, Merge& merge,
      const std::function<void(RelationshipAttribute&, const std::vector<InstanceState*>&)>&
          install);
  // The key of the row `source` stands for: its committed key, or for a new object its
  // members' key; none if the database is to generate it.
  static std::optional<std::vector<Value>> merge_key(const InstanceState& source,
                                                     const Mapper& mapper);
  // What a restore does to the keys the database generated for objects the
  // transaction inserted: a failed flush takes them back (the objects are pending
  // again, to be flushed anew); a rollback leaves them, as SQLAlchemy does.
  enum class GeneratedKeys { take_back, keep };
  void restore_transaction_state(GeneratedKeys keys);
  // Whether a flush would write: known changes, or a member differing from its row.
  bool has_changes(AutoflushBefore before) const;
  static void take_back_key(InstanceState& state, const Saved& saved, GeneratedKeys keys);
  // Rolls the connection back, ignoring a failure (a broken connection rolls back on
  // its own).
  void roll_back_connection() noexcept;
  // A flush or COMMIT failed: the database transaction is rolled back, objects return
  // to their state before it, and the session refuses work until rollback(). Inside a
  // savepoint, only back to the innermost savepoint (and the objects to how they were
  // before its first flush), until the savepoint's or the transaction's rollback.
  void fail_transaction();
  // after_rollback for the rollback a failure made (a listener's exception dropped).
  void call_after_failure_rollback() noexcept;
  // ... the whole transaction, also inside a savepoint (its state is unknown).
  void fail_transaction_whole() {
    end_savepoints();
    fail_transaction();
  }
  // Rolls the database transaction back and puts the session's bookkeeping back to
  // how it was before the transaction; object values are left alone.
  void abandon_transaction();
  void end_transaction();
  // Persistent objects first loaded after the transaction's first write, which no
  // flush journaled: their values may be the transaction's, gone at rollback.
  std::vector<InstanceState*> loaded_after_first_write() const;
  // reload.cpp: reads the objects' rows again, outside any transaction, overwriting
  // members and committed values; an object whose row is gone becomes transient.
  void reload(const std::vector<InstanceState*>& states, Connection* within = nullptr);
  void reload_rows(Connection& c, const Mapper& mapper, const std::vector<InstanceState*>& objects);
  // The object's row is gone: it leaves the Session, transient.
  void leave_without_row(const Mapper& mapper, InstanceState& state);
  // Reads the rows of `objects` (persistent, all of `mapper`) by their keys, and gives
  // each found its row (the mapper's columns, normalized); returns those not found.
  std::vector<InstanceState*> read_rows(
      Connection& c, const Mapper& mapper, const std::vector<InstanceState*>& objects,
      const std::function<void(InstanceState&, std::vector<Value>&)>& on_row);

  SessionOptions options_;
  int no_autoflush_ = 0;  // NoAutoflush guards in scope
  int in_flush_event_ = 0;   // before_flush or after_flush listeners running
  int in_mapper_event_ = 0;  // mapper event listeners running
  int in_commit_event_ = 0;  // after_commit listeners running
  std::optional<Connection> connection_;
  // Every object of this session lives in graph_; the containers below point into it.
  std::shared_ptr<detail::ObjectGraph> graph_;
  IdentityMap identity_;
  std::vector<InstanceState*> new_;
  std::vector<InstanceState*> deleted_;
  std::unordered_set<RelationshipAttribute*> modified_attributes_;
  // Per transaction: the members the Session set itself, not the application, with
  // their values before (database_actions.cpp): foreign keys a deletion cleared (the
  // database's ON DELETE SET NULL / SET DEFAULT, mirrored, and the ORM's nulling of a
  // deleted parent's loaded children), and the values a bulk write or an upsert
  // brought from the rows.
  struct SessionSet {
    InstanceState* state;
    std::size_t column;
    Value before;
    Value set;
  };
  // What the undo of a transaction, or of a savepoint in it, works from. log_ holds it
  // for the innermost level (the savepoint begun last, or the transaction); each
  // savepoint keeps its enclosing level's.
  struct TransactionLog {
    // Each object's status and committed values before the level's first flush
    // changed them.
    std::unordered_map<InstanceState*, Saved> journal;
    // The appends its flushes wrote, per attribute, whose queued counterparts on
    // unloaded collections are marked written until it is undone.
    std::unordered_map<RelationshipAttribute*, std::vector<InstanceState*>> written_appends;
    // The association rows its flushes inserted and deleted.
    LinkJournal written_links;
    // Where its flushes took deleted objects out of relationships.
    LeftRelationships left_relationships;
    std::vector<SessionSet> session_set;
    // next_sequence_ when the level first wrote; objects with a higher sequence were
    // loaded (or added) after it.
    std::optional<std::uint64_t> first_write;
  };
  TransactionLog log_;
  struct SavepointFrame {
    std::uint64_t id;
    std::string name;
    TransactionLog outer;
  };
  std::vector<SavepointFrame> savepoints_;  // innermost last
  std::uint64_t savepoints_begun_ = 0;
  // The innermost savepoint ends: its log joins the enclosing level's.
  void end_innermost_savepoint();
  // Every savepoint ends so (commit, or an undo of the whole transaction).
  void end_savepoints() {
    while (!savepoints_.empty()) end_innermost_savepoint();
  }
  // Undoes the innermost level's log on the objects (the database was rolled back):
  // journaled objects as before it, new objects out, marks and changes dropped.
  void undo_log();
  // rollback()'s end: every persistent object shows its committed values again, its
  // relationships load again, and `stale` objects (and those a bulk write left
  // unsynchronized) are read again, through `within` (the transaction going on) or
  // outside any transaction.
  void discard_unflushed(std::vector<InstanceState*> stale, Connection* within);
  // The objects the Session held when a bulk write with SynchronizeSession::none ran:
  // they may show what their rows no longer hold (the database's ON DELETE reaches
  // other tables too), until rollback() reads them again. Kept across commits, as the
  // staleness is.
  std::unordered_set<InstanceState*> unsynchronized_;
  // The transaction is undone, and what its statements did with it: a member that
  // still shows what the Session set shows its value before again (most recent
  // first). Without this, close() would keep such a value as if the application had
  // set it, and the next flush would write again one row of a rolled-back statement.
  void undo_session_set();
  bool failed_ = false;
  // end_transaction() counts; scoped_ is the count when Session::begin() began the
  // transaction in progress.
  std::uint64_t transactions_ended_ = 0;
  std::optional<std::uint64_t> scoped_;
  // While a flush runs: the relationships it loaded, with what they held unloaded. A
  // failed flush unloads them again, so that the objects are as before it (and what
  // the failed transaction's rows showed is not read without the Session).
  bool flushing_ = false;
  std::vector<
      std::pair<RelationshipAttribute*, std::shared_ptr<const RelationshipAttribute::Unloaded>>>
      flush_loads_;
  std::uint64_t next_sequence_ = 0;
  std::vector<Value> row_scratch_;  // instance_from_row's buffer, reused between rows
};

// The objects that `state`'s loaded relationships reach through the cascade `word`
// (e.g. &CascadeOptions::expunge), transitively, each once, `state` not among them
// (cascade.cpp).
std::vector<InstanceState*> cascade_reach(InstanceState& state, bool CascadeOptions::*word);

// Whether `child`'s row refers to `parent`'s through the foreign key of `rel` (either
// side of the pair): where an unloaded reference points, read without a statement
// (attribute.cpp).
bool row_refers_to(const RelationshipProperty& rel, const InstanceState& child,
                   const InstanceState& parent);

// Private access to InstanceState fields for the ORM's own translation units.
class InstanceAccess {
 public:
  static ObjectStatus& status(InstanceState& s) { return s.status_; }
  static bool& was_deleted(InstanceState& s) { return s.was_deleted_; }
  static bool& orphaned_outside_session(InstanceState& s) { return s.orphaned_outside_session_; }
  static SessionImpl*& session(InstanceState& s) { return s.session_; }
  static RowSnapshot& committed(InstanceState& s) { return s.committed_; }
  static const Mapper*& mapper(InstanceState& s) { return s.mapper_; }
  static const QueryLoad*& context(InstanceState& s) { return s.load_context_; }
  static std::uint64_t& sequence(InstanceState& s) { return s.sequence_; }
  static std::uint64_t sequence(const InstanceState& s) { return s.sequence_; }
  static std::unique_ptr<std::vector<bool>>& expired(InstanceState& s) { return s.expired_; }
};

}  // namespace relate
