// The listeners registered on a MetaData or a Session (relate/orm/events.hpp), and
// their calls. A listener may register another while it runs: each call goes through
// the listeners there were when it began.
#pragma once

#include <array>
#include <memory>
#include <relate/orm/events.hpp>
#include <typeindex>
#include <unordered_map>
#include <vector>

namespace relate {

class EventListeners {
 public:
  void add(SessionEvent event, SessionListener listener);
  void add(std::type_index model, MapperEvent event, detail::MapperListener listener);

  bool listens(SessionEvent event) const {
    return !session_[static_cast<std::size_t>(event)].empty();
  }
  bool listens(std::type_index model, MapperEvent event) const;
  bool empty() const {
    for (const auto& listeners : session_) {
      if (!listeners.empty()) return false;
    }
    return mapper_.empty();
  }

  void call(SessionEvent event, Session& session) const;
  // The listeners of the object's model (its mapper's type).
  void call(MapperEvent event, Session& session, InstanceState& state) const;

 private:
  using SessionListeners = std::vector<std::shared_ptr<const SessionListener>>;
  using MapperListeners = std::vector<std::shared_ptr<const detail::MapperListener>>;
  std::array<SessionListeners, session_event_count> session_;
  std::unordered_map<std::type_index, std::array<MapperListeners, mapper_event_count>> mapper_;
};

}  // namespace relate
