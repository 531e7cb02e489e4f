// InstanceState and ptr<T>: how Relate holds a mapped object. Every object the ORM
// knows lives in one allocation together with its InstanceState (status, owning
// session, the column values last loaded or flushed), and users hold it through
// relate::ptr<T>, a shared handle. Identity is the handle: the same row in a session is
// the same ptr.
#pragma once

#include <cstdint>
#include <memory>
#include <relate/value.hpp>
#include <utility>
#include <vector>

namespace relate {

class Mapper;
class SessionImpl;
struct LoadContext;

enum class ObjectStatus : std::uint8_t {
  transient,   // not in a session
  pending,     // added to a session, not yet flushed
  persistent,  // in a session, with a database row
  deleted,     // marked for deletion, or deleted by a flush not yet committed
  detached,    // had a row, its session is closed or it was expunged
};

class InstanceState : public std::enable_shared_from_this<InstanceState> {
 public:
  InstanceState(const InstanceState&) = delete;
  InstanceState& operator=(const InstanceState&) = delete;
  virtual ~InstanceState() = default;

  void* object() const { return object_; }
  const Mapper* mapper() const { return mapper_; }
  SessionImpl* session() const { return session_; }
  ObjectStatus status() const { return status_; }

  // Column values as last loaded from or flushed to the database, in the mapper's
  // column order; empty while the object has no row.
  const std::vector<Value>& committed() const { return committed_; }
  // The query that loaded this object (its loader options), or null.
  const std::shared_ptr<const LoadContext>& load_context() const { return load_context_; }

 protected:
  explicit InstanceState(void* object) : object_(object) {}

 private:
  friend class SessionImpl;
  friend class UnitOfWork;
  friend class Mapper;
  friend class InstanceAccess;

  void* object_;
  const Mapper* mapper_ = nullptr;
  SessionImpl* session_ = nullptr;
  ObjectStatus status_ = ObjectStatus::transient;
  std::vector<Value> committed_;
  std::shared_ptr<const LoadContext> load_context_;
  std::uint64_t sequence_ = 0;  // order of arrival in the session: flushes are deterministic
};

namespace detail {

template <class T>
class Holder final : public InstanceState {
 public:
  template <class... Args>
  // The base records the member's address: the holder never moves, so it stays valid.
  explicit Holder(Args&&... args)
      : InstanceState(static_cast<void*>(&value)), value{std::forward<Args>(args)...} {}
  T value;
};

}  // namespace detail

template <class T>
class ptr {
 public:
  ptr() = default;
  ptr(std::nullptr_t) {}

  T* get() const {
    return state_ ? &static_cast<detail::Holder<T>*>(state_.get())->value : nullptr;
  }
  T* operator->() const { return get(); }
  T& operator*() const { return *get(); }
  explicit operator bool() const { return state_ != nullptr; }

  friend bool operator==(const ptr& a, const ptr& b) { return a.state_ == b.state_; }
  friend bool operator==(const ptr& a, std::nullptr_t) { return a.state_ == nullptr; }

  // The object's ORM state: its status and session. For plugins and diagnostics.
  InstanceState* state() const { return state_.get(); }
  const std::shared_ptr<InstanceState>& shared_state() const { return state_; }

  // Wraps a state known to hold a T (the caller checks the mapper).
  static ptr adopt(std::shared_ptr<InstanceState> state) {
    ptr p;
    p.state_ = std::move(state);
    return p;
  }

 private:
  std::shared_ptr<InstanceState> state_;
};

// A new transient object, ready to be added to a Session or put in a relationship.
template <class T>
ptr<T> make(T value) {
  return ptr<T>::adopt(std::make_shared<detail::Holder<T>>(std::move(value)));
}

}  // namespace relate
