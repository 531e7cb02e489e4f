// Session and mapper events (SQLAlchemy's): listeners the Session calls at points of a
// flush and of a transaction. Register them on a MetaData, for every Session of that
// mapping, or on one Session:
//
//   metadata.on<Book>(relate::before_update,
//                     [](relate::Session&, Book& book) { book.updated_at = now(); });
//   session.on(relate::before_flush, [](relate::Session& s) { audit(s.dirty<Book>()); });
//
// docs/session.md ("Events") says when each one runs and what a listener may do there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <relate/orm/instance.hpp>

namespace relate {

class Session;
class InstanceState;

enum class SessionEvent : std::uint8_t { before_flush, after_flush, after_commit, after_rollback };
inline constexpr std::size_t session_event_count = 4;

enum class MapperEvent : std::uint8_t {
  before_insert,
  after_insert,
  before_update,
  after_update,
  before_delete,
  after_delete,
};
inline constexpr std::size_t mapper_event_count = 6;

inline constexpr SessionEvent before_flush = SessionEvent::before_flush;
inline constexpr SessionEvent after_flush = SessionEvent::after_flush;
inline constexpr SessionEvent after_commit = SessionEvent::after_commit;
inline constexpr SessionEvent after_rollback = SessionEvent::after_rollback;
inline constexpr MapperEvent before_insert = MapperEvent::before_insert;
inline constexpr MapperEvent after_insert = MapperEvent::after_insert;
inline constexpr MapperEvent before_update = MapperEvent::before_update;
inline constexpr MapperEvent after_update = MapperEvent::after_update;
inline constexpr MapperEvent before_delete = MapperEvent::before_delete;
inline constexpr MapperEvent after_delete = MapperEvent::after_delete;

using SessionListener = std::function<void(Session&)>;

namespace detail {

// A mapper event's listener, type-erased: the object is passed as its InstanceState.
using MapperListener = std::function<void(Session&, InstanceState&)>;

template <class T>
MapperListener typed_listener(std::function<void(Session&, T&)> listener) {
  return [listener = std::move(listener)](Session& session, InstanceState& state) {
    listener(session, *static_cast<T*>(state.object()));
  };
}

}  // namespace detail

}  // namespace relate
