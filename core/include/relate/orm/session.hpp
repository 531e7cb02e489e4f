// Session: the ORM's unit of work. It keeps an identity map (one object per row),
// tracks new, changed and deleted objects, and writes them in dependency order at
// flush, inside a transaction that commit() ends. A flush that fails rolls its
// transaction back and leaves the objects as they were before it, so nothing is half
// written; rollback() also discards unflushed edits. One Session per thread.
#pragma once

#include <memory>
#include <relate/engine/engine.hpp>
#include <relate/errors.hpp>
#include <relate/export.hpp>
#include <relate/metadata.hpp>
#include <relate/orm/bulk.hpp>
#include <relate/orm/core_execute.hpp>
#include <relate/orm/events.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/mapping_options.hpp>
#include <relate/orm/member_ref.hpp>
#include <relate/orm/no_autoflush.hpp>
#include <relate/orm/query.hpp>
#include <relate/orm/rows.hpp>
#include <relate/orm/savepoint.hpp>
#include <relate/orm/session_options.hpp>
#include <relate/orm/session_transaction.hpp>
#include <relate/orm/upsert.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace relate {

class SessionImpl;

// Results of an ORM query, in row order.
template <class T>
class ScalarResult {
 public:
  explicit ScalarResult(std::vector<ptr<T>> rows, std::string_view model)
      : rows_(std::move(rows)), model_(model) {}

  const std::vector<ptr<T>>& all() const& { return rows_; }
  std::vector<ptr<T>> all() && { return std::move(rows_); }
  // The first row, or null.
  ptr<T> first() const { return rows_.empty() ? ptr<T>() : rows_.front(); }
  // Exactly one row: NoResultFound / MultipleResultsFound otherwise.
  ptr<T> one() const {
    if (rows_.empty()) throw NoResultFound("No row was found for one() of " + std::string(model_));
    if (rows_.size() > 1)
      throw MultipleResultsFound("Multiple rows were found for one() of " + std::string(model_));
    return rows_.front();
  }
  ptr<T> one_or_none() const {
    if (rows_.size() > 1)
      throw MultipleResultsFound("Multiple rows were found for one_or_none() of " +
                                 std::string(model_));
    return first();
  }
  std::size_t size() const { return rows_.size(); }
  auto begin() const { return rows_.begin(); }
  auto end() const { return rows_.end(); }

 private:
  std::vector<ptr<T>> rows_;
  std::string_view model_;
};

class RELATE_API Session {
 public:
  Session(Engine engine, MetaData metadata, SessionOptions options = {});
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // Adds a new object (pending until flush) and returns its handle. Related objects
  // come along through the save-update cascade.
  template <class T>
  ptr<T> add(T value) {
    ptr<T> p = detail::make_in<T>(graph(), std::move(value));
    add_state(*p.state(), typeid(T));
    return p;
  }
  template <class T>
  const ptr<T>& add(const ptr<T>& object) {
    if (object) add_state(*object.state(), typeid(T));
    return object;
  }
  template <class T>
  void add_all(const std::vector<ptr<T>>& objects) {
    for (const auto& o : objects) add(o);
  }

  // The object with that primary key (identity map first, then one SELECT), or null.
  // Composite keys take their values in primary key order.
  template <class T, class... K>
  ptr<T> get(const K&... key) {
    // Not {to_key_value(key)...}: at -O2/-O3 GCC 12 warns that the destructor of that
    // initializer_list's Values may read uninitialized memory (-Wmaybe-uninitialized, a
    // false positive on std::variant), in the caller's code.
    std::vector<Value> values;
    values.reserve(sizeof...(K));
    (values.push_back(to_key_value(key)), ...);
    return ptr<T>::from_state(get_state(typeid(T), std::move(values)));
  }

  // Marks an object for deletion at the next flush (SQLAlchemy's session.delete).
  template <class T>
  void remove(const ptr<T>& object) {
    if (object) remove_state(*object.state());
  }
  // Reads the object's row again, as SQLAlchemy's refresh(): its unflushed changes go
  // (members and relationships), the Session's other changes are flushed first (as
  // before a query), then its members and committed values become the row's, and its
  // relationships load again on next access. The objects its loaded relationships
  // reach through the refresh-expire cascade are expired (pending ones leave the
  // Session). Named members (columns or relationships, e.g. &Book::title,
  // &Book::author) are the only ones refreshed, a relationship loading at once, and
  // nothing cascades. InvalidRequestError if it is not persistent in this Session;
  // ObjectDeletedError if its row is gone (it then leaves the Session, transient).
  template <class T, class... M>
  void refresh(const ptr<T>& object, M T::*... members) {
    if (object) refresh_state(*object.state(), {detail::member_ref(members)...});
  }
  // Expires the object, as SQLAlchemy's expire(): its unflushed changes go, its members
  // show their values as last loaded or flushed, and they load from its row at the next
  // access through a handle (ptr<T>'s ->, * and get(), one<T>'s ->), or when a query
  // returns its row; its relationships load again at their next access. A reference or
  // pointer to the object taken before is not a handle: it reads the members as they
  // are. The refresh-expire cascade expires what the object's loaded relationships
  // reach (pending objects leave the Session). Named members expire alone, with no
  // cascade. InvalidRequestError if it is not persistent in this Session.
  template <class T, class... M>
  void expire(const ptr<T>& object, M T::*... members) {
    if (object) expire_state(*object.state(), {detail::member_ref(members)...});
  }
  // Expires every persistent object of the Session.
  void expire_all();
  // Copies the state of an object from outside the Session (new, detached, or
  // another Session's) onto the Session's object for its row, and returns that one, as
  // SQLAlchemy's merge(): the object for its key in the identity map, else loaded
  // (after an autoflush), else a new pending one. Every column member is copied (an
  // expired one that has not loaded excepted), and each relationship with the merge
  // cascade (in the default "save-update, merge") that holds a value, its objects
  // merged the same way. The given object stays as it was, outside the Session; an
  // object of this Session merges to itself. With {.load = false} (SQLAlchemy's
  // load=False, for objects kept in a cache) nothing is read or written: the source
  // must have a row and no unflushed change (InvalidRequestError otherwise), and its
  // values, and the relationships the cascade merges, become the copy's as loaded.
  struct MergeOptions {
    bool load = true;
  };
  template <class T>
  ptr<T> merge(const ptr<T>& object, MergeOptions options = {}) {
    if (!object) return nullptr;
    return ptr<T>::from_state(merge_state(*object.state(), typeid(T), options.load));
  }
  // Events (relate/orm/events.hpp) for this Session; MetaData::on registers them for
  // every Session of a mapping, and those run first. A mapper event's model must be
  // mapped (MappingError otherwise).
  void on(SessionEvent event, SessionListener listener);
  template <class T>
  void on(MapperEvent event, std::function<void(Session&, T&)> listener) {
    add_listener(typeid(T), event, detail::typed_listener<T>(std::move(listener)));
  }

  // What the next flush would write, per model, as SQLAlchemy's session.new, dirty and
  // deleted: pending objects; persistent objects with a member that differs from its
  // row or a changed relationship (a member set to the value it had is no change);
  // objects remove() marked.
  template <class T>
  std::vector<ptr<T>> new_objects() const {
    return handles<T>(states_of(typeid(T), Pending::new_objects));
  }
  template <class T>
  std::vector<ptr<T>> dirty() const {
    return handles<T>(states_of(typeid(T), Pending::dirty));
  }
  template <class T>
  std::vector<ptr<T>> deleted() const {
    return handles<T>(states_of(typeid(T), Pending::deleted));
  }

  // Removes an object from the session without deleting it; it becomes detached. The
  // expunge cascade takes along what its loaded relationships reach.
  template <class T>
  void expunge(const ptr<T>& object) {
    expunge_state(object.state());
  }

  template <class T>
  ScalarResult<T> scalars(const Select<T>& query) {
    return objects<T>(execute_query(typeid(T), query.spec()));
  }

  // Raw SQL (relate::text) in the Session's transaction, as SQLAlchemy's
  // session.execute(text(...)); no autoflush first (SQLAlchemy 1.4 flushes before ORM
  // statements only: flush() first where the SQL must see the Session's changes). Whatever it
  // writes, rollback() undoes, and objects loaded after it are read again then. Returns
  // how many rows it changed, or for a statement that returns rows how many it
  // returned (columns<...>() reads them).
  std::int64_t execute(const sql::Text& statement);
  // ... typed with text(...).columns<Ts...>(): its rows.
  template <class... Ts>
  Rows<Ts...> execute(const sql::TypedText<Ts...>& statement) {
    return relate::execute(connection(), statement);
  }

  // Objects of T from raw SQL: select<T>().from_statement(text(...)) (query.hpp).
  template <class T>
  ScalarResult<T> scalars(const FromStatement<T>& query) {
    return objects<T>(execute_statement(typeid(T), query.spec(), query.statement()));
  }

  // The rows of a column select, typed by its expressions.
  template <class... Ts>
  Rows<Ts...> execute(const RowSelect<Ts...>& query) {
    return Rows<Ts...>(execute_rows(query.spec()));
  }
  // Objects with values: select<Author>(count(&Book::id)) gives rows of
  // std::tuple<ptr<Author>, std::int64_t>, the objects through the identity map.
  template <class T, class... Ts>
  Rows<ptr<T>, Ts...> execute(const EntityRowSelect<T, Ts...>& query) {
    std::vector<std::tuple<ptr<T>, Ts...>> rows;
    auto raw = execute_entity_rows(typeid(T), query.spec());
    rows.reserve(raw.size());
    for (auto& [state, values] : raw) {
      rows.push_back(
          std::tuple_cat(std::make_tuple(ptr<T>::from_state(state)),
                         detail::read_row<Ts...>(values, std::index_sequence_for<Ts...>{})));
    }
    return Rows<ptr<T>, Ts...>(std::move(rows));
  }
  // A bulk UPDATE or DELETE (relate/orm/bulk.hpp): flushes, runs the statement, and
  // returns how many rows it matched.
  template <class T>
  std::int64_t execute(const Update<T>& statement) {
    return execute_bulk(typeid(T), statement.spec(), detail::BulkWrite::update);
  }
  template <class T>
  std::int64_t execute(const Delete<T>& statement) {
    return execute_bulk(typeid(T), statement.spec(), detail::BulkWrite::remove);
  }
  // ... with returning(): the rows it wrote, typed by the members returned.
  template <class T, class... Ms>
  Rows<Ms...> execute(const Returning<T, Ms...>& statement) {
    return Rows<Ms...>(execute_bulk_returning(typeid(T), statement.spec(), statement.write()));
  }

  // An upsert (relate/orm/upsert.hpp): flushes, runs one INSERT ... ON CONFLICT.
  template <class T>
  void execute(const Upsert<T>& statement) {
    std::vector<const void*> rows;
    rows.reserve(statement.rows().size());
    for (const T& row : statement.rows()) rows.push_back(&row);
    execute_upsert(typeid(T), rows, statement.spec());
  }

  // The values of a one-column select.
  template <class T>
  std::vector<T> scalars(const RowSelect<T>& query) {
    std::vector<T> out;
    for (auto& row : execute(query)) out.push_back(std::get<0>(row));
    return out;
  }
  // The first row's value: session.scalar(select(count()).select_from<Book>()). With no
  // row, std::nullopt for an optional T, and NoResultFound otherwise.
  template <class T>
  T scalar(const RowSelect<T>& query) {
    auto first = execute(query).first();
    if (first) return std::get<0>(*first);
    if constexpr (detail::is_nullable<T>) {
      return std::nullopt;
    } else {
      throw NoResultFound("No row was found for scalar()");
    }
  }

  // A transaction for the caller's scope: committed at its end, rolled back when an
  // exception leaves it (relate/orm/session_transaction.hpp). Throws
  // InvalidRequestError when the Session is in a transaction already (a statement ran
  // since the last commit or rollback, or another begin() is in scope).
  [[nodiscard]] SessionTransaction begin();
  // A savepoint for the caller's scope (relate/orm/savepoint.hpp): flushes, then
  // SAVEPOINT, beginning the transaction if none is in progress.
  [[nodiscard]] Savepoint begin_nested();
  void flush();
  // Autoflush (SessionOptions::autoflush): on unless turned off here or held by a
  // no_autoflush() guard in scope.
  bool autoflush() const;
  void set_autoflush(bool on);
  // No autoflush until the guard's scope ends (relate/orm/no_autoflush.hpp).
  [[nodiscard]] NoAutoflush no_autoflush();
  void commit();
  void rollback();
  // Rolls back, then detaches every object.
  void close();

  // The connection of the current transaction (begun if none), for Core statements
  // in the same transaction.
  Connection& connection();
  const Engine& engine() const;
  const MetaData& metadata() const;
  SessionImpl& impl() { return *impl_; }

 private:
  template <class T>
  static ScalarResult<T> objects(const std::vector<InstanceState*>& states) {
    std::vector<ptr<T>> rows;
    rows.reserve(states.size());
    for (InstanceState* s : states) rows.push_back(ptr<T>::from_state(s));
    return ScalarResult<T>(std::move(rows), detail::type_name<T>());
  }
  template <class K>
  static Value to_key_value(const K& k) {
    if constexpr (std::is_convertible_v<K, Value> && !std::is_integral_v<K>) {
      return Value(k);
    } else {
      return column_traits<K>::to_value(k);
    }
  }

  template <class T>
  static std::vector<ptr<T>> handles(const std::vector<InstanceState*>& states) {
    std::vector<ptr<T>> out;
    out.reserve(states.size());
    for (InstanceState* s : states) out.push_back(ptr<T>::from_state(s));
    return out;
  }
  enum class Pending { new_objects, dirty, deleted };
  std::vector<InstanceState*> states_of(std::type_index type, Pending which) const;
  void add_listener(std::type_index model, MapperEvent event, detail::MapperListener listener);

  const std::shared_ptr<detail::ObjectGraph>& graph() const;
  void add_state(InstanceState& state, std::type_index type);
  InstanceState* get_state(std::type_index type, std::vector<Value> key);
  void remove_state(InstanceState& state);
  void refresh_state(InstanceState& state, const std::vector<MemberRef>& members);
  void expire_state(InstanceState& state, const std::vector<MemberRef>& members);
  InstanceState* merge_state(InstanceState& state, std::type_index type, bool load);
  void expunge_state(InstanceState* state);
  std::vector<InstanceState*> execute_query(std::type_index type, const QuerySpec& spec);
  std::vector<InstanceState*> execute_statement(std::type_index type, const QuerySpec& spec,
                                                const sql::Text& statement);
  std::vector<std::vector<Value>> execute_rows(const QuerySpec& spec);
  std::vector<std::pair<InstanceState*, std::vector<Value>>> execute_entity_rows(
      std::type_index type, const QuerySpec& spec);
  void execute_upsert(std::type_index type, const std::vector<const void*>& rows,
                      const UpsertSpec& spec);
  std::int64_t execute_bulk(std::type_index type, const BulkSpec& spec, detail::BulkWrite write);
  std::vector<std::vector<Value>> execute_bulk_returning(std::type_index type, const BulkSpec& spec,
                                                         detail::BulkWrite write);

  std::unique_ptr<SessionImpl> impl_;
};

}  // namespace relate
