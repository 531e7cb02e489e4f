// How Relate holds mapped objects. Every object the ORM knows lives in one allocation
// with its InstanceState (status, owning session, the column values last loaded or
// flushed), and users hold it through relate::ptr<T>. The same row in a session is the
// same object, so ptr equality is identity.
//
// Memory: objects that refer to each other through relationships belong to one
// ObjectGraph, which owns them; a Session's objects all belong to its graph. Handles
// keep the whole graph alive, and relationship members hold plain pointers inside it,
// so a back_populates pair (user->posts, post->author) is no reference cycle and
// nothing leaks. The price: one live handle keeps its whole graph (e.g. everything a
// closed Session loaded) in memory. As no object leaves its graph before the graph
// dies, the objects a Session loads, and the snapshots of the rows it loads and
// inserts, are placed side by side in large blocks the graph owns, not allocated one
// by one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <relate/export.hpp>
#include <relate/orm/row_snapshot.hpp>
#include <relate/value.hpp>
#include <typeinfo>
#include <utility>
#include <vector>

namespace relate {

class Mapper;
class SessionImpl;
struct QueryLoad;

// SQLAlchemy's object states. An object session.remove() marks stays persistent
// until the flush deletes its row.
enum class ObjectStatus : std::uint8_t {
  transient,   // not in a session
  pending,     // added to a session, not yet flushed
  persistent,  // in a session, with a database row
  deleted,     // its row was deleted by a flush not yet committed
  detached,    // had a row, its session is closed or it was expunged
};

class InstanceState;

namespace detail {

class RELATE_API ObjectGraph : public std::enable_shared_from_this<ObjectGraph> {
 public:
  ObjectGraph() = default;
  ObjectGraph(const ObjectGraph&) = delete;
  ObjectGraph& operator=(const ObjectGraph&) = delete;
  // Out of line, as InstanceState's: every TU that makes objects would otherwise
  // compile the destruction of a graph and of an object's ORM state.
  ~ObjectGraph();

  // Takes ownership of a new object.
  InstanceState* adopt(std::unique_ptr<InstanceState> object);
  // Memory in the graph's blocks, freed when the graph is (all of it at once): for an
  // object's state and for what only it points into (its row snapshot).
  void* allocate(std::size_t bytes, std::size_t align);
  // Takes ownership of an object constructed in memory from allocate(): destroyed,
  // not deleted, with the graph.
  InstanceState* adopt_placed(InstanceState* object);
  // Takes ownership of an object made by relate::make, bound to no mapper yet: when
  // one object of the graph is bound, the others made so are bound with it.
  InstanceState* adopt_unbound(std::unique_ptr<InstanceState> object);
  // One of the objects adopt_unbound took and no pop_unbound returned yet (it may be
  // bound by now), or null.
  InstanceState* pop_unbound() {
    if (unbound_.empty()) return nullptr;
    InstanceState* state = unbound_.back();
    unbound_.pop_back();
    return state;
  }
  // Moves every object of `other` into this graph; `other` then forwards here, so
  // handles that keep it alive keep this graph alive.
  void absorb(ObjectGraph& other);
  // Puts a and b in one graph and returns it: a Session's graph stays where it is,
  // otherwise the smaller graph moves.
  static ObjectGraph& join(ObjectGraph& a, ObjectGraph& b);
  std::size_t size() const { return objects_.size() + placed_.size(); }
  // A Session's graph: objects join it, it never moves into another.
  void anchor(bool on = true) { anchored_ = on; }
  // Keeps what the objects point into (their MetaData's mappers) alive as long as
  // the graph.
  void keep(std::shared_ptr<const void> dependency);
  // Keeps a query's load (which its objects point at) alive as long as the graph; once
  // per query, so not looked for among those kept already.
  void hold(std::shared_ptr<const void> load) { loads_.push_back(std::move(load)); }

 private:
  // Declared first, freed last: the placed objects live in these blocks.
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* free_ = nullptr;  // the unused rest of the newest block
  std::byte* end_ = nullptr;
  std::size_t next_block_ = 0;  // the size of the next block (it grows geometrically)
  std::vector<std::unique_ptr<InstanceState>> objects_;
  std::vector<InstanceState*> placed_;
  // Graphs this one's former objects moved to: handles that hold this graph keep them.
  std::vector<std::shared_ptr<ObjectGraph>> forwards_;
  std::vector<std::shared_ptr<const void>> kept_;
  std::vector<std::shared_ptr<const void>> loads_;
  std::vector<InstanceState*> unbound_;
  bool anchored_ = false;
};

}  // namespace detail

class RELATE_API InstanceState {
 public:
  InstanceState(const InstanceState&) = delete;
  InstanceState& operator=(const InstanceState&) = delete;
  virtual ~InstanceState();

  // The model's type (the T of the object's Holder<T>).
  virtual const std::type_info& model_type() const noexcept = 0;

  void* object() const { return object_; }
  const Mapper* mapper() const { return mapper_; }
  SessionImpl* session() const { return session_; }
  ObjectStatus status() const { return status_; }
  // Its row was deleted and the deletion committed, or a flush deleted it and it was
  // expunged since (SQLAlchemy's was_deleted): no Session takes it back (unless the
  // transaction that deleted it rolls back).
  bool was_deleted() const { return was_deleted_; }
  // Taken out of a delete-orphan relationship of a parent outside its Session (or
  // before it joined one), and given no parent since: a flush does not insert it
  // (SQLAlchemy's _orphaned_outside_of_session).
  bool orphaned_outside_session() const { return orphaned_outside_session_; }
  // Members expired by Session::expire() (or refresh()'s cascade) that have not
  // loaded since: the next access through a handle loads them from the row.
  bool expired() const { return expired_ != nullptr; }
  detail::ObjectGraph& graph() const { return *graph_; }

  // Column values as last loaded from or flushed to the database, in the mapper's
  // column order; empty while the object has no row.
  const RowSnapshot& committed() const { return committed_; }

 protected:
  explicit InstanceState(void* object) : object_(object) {}

 private:
  friend class SessionImpl;
  friend class UnitOfWork;
  friend class Mapper;
  friend class InstanceAccess;
  friend class detail::ObjectGraph;

  void* object_;
  detail::ObjectGraph* graph_ = nullptr;
  const Mapper* mapper_ = nullptr;
  SessionImpl* session_ = nullptr;
  ObjectStatus status_ = ObjectStatus::transient;
  bool was_deleted_ = false;
  bool orphaned_outside_session_ = false;
  RowSnapshot committed_;
  const QueryLoad* load_context_ = nullptr;  // the query that loaded it (its graph holds it)
  std::uint64_t sequence_ = 0;  // order of arrival in the session: flushes are deterministic
  // Per column, in the mapper's order: expired and not loaded since. Null while none is.
  std::unique_ptr<std::vector<bool>> expired_;
};

namespace detail {

template <class T>
class Holder final : public InstanceState {
 public:
  // The base records the member's address: the holder never moves.
  template <class... Args>
  explicit Holder(Args&&... args)
      : InstanceState(static_cast<void*>(&value)), value{std::forward<Args>(args)...} {}
  const std::type_info& model_type() const noexcept override { return typeid(T); }
  T value;
};

// How to make an object of a model where the caller says: Holder<T>'s size and
// alignment, and a placement new of a default-constructed one.
struct Construction {
  InstanceState* (*construct)(void* where);
  std::size_t size;
  std::size_t align;
};

// Loads the expired members of `state` from its row (Session::expire()).
// DetachedInstanceError without a Session, ObjectDeletedError if the row is gone.
RELATE_API void load_expired(InstanceState& state);

// The object a handle points at, its expired members loaded first.
template <class T>
T* object_of(InstanceState* state) {
  if (!state) return nullptr;
  if (state->expired()) [[unlikely]]
    load_expired(*state);
  return &static_cast<Holder<T>*>(state)->value;
}

}  // namespace detail

template <class T>
class ptr {
 public:
  ptr() = default;
  ptr(std::nullptr_t) {}

  // The object; members Session::expire() expired load from the row first.
  T* get() const { return detail::object_of<T>(state_); }
  T* operator->() const { return get(); }
  T& operator*() const { return *get(); }
  explicit operator bool() const { return state_ != nullptr; }

  friend bool operator==(const ptr& a, const ptr& b) { return a.state_ == b.state_; }
  friend bool operator==(const ptr& a, std::nullptr_t) { return a.state_ == nullptr; }

  // The object's ORM state: its status and session. For plugins and diagnostics.
  InstanceState* state() const { return state_; }

  // A handle to a state known to hold a T (the caller checks the mapper).
  static ptr from_state(InstanceState* state) {
    ptr p;
    if (state) {
      p.graph_ = state->graph().shared_from_this();
      p.state_ = state;
    }
    return p;
  }

 private:
  std::shared_ptr<detail::ObjectGraph> graph_;  // keeps the object's memory alive
  InstanceState* state_ = nullptr;
};

// relate::make(T{...}): relate/orm/attributes.hpp.
template <class T>
ptr<T> make(T value);

}  // namespace relate
