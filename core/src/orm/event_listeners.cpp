#include "event_listeners.hpp"

#include <relate/orm/instance.hpp>
#include <relate/orm/mapper.hpp>

namespace relate {

void EventListeners::add(SessionEvent event, SessionListener listener) {
  session_[static_cast<std::size_t>(event)].push_back(
      std::make_shared<const SessionListener>(std::move(listener)));
}

void EventListeners::add(std::type_index model, MapperEvent event,
                         detail::MapperListener listener) {
  mapper_[model][static_cast<std::size_t>(event)].push_back(
      std::make_shared<const detail::MapperListener>(std::move(listener)));
}

bool EventListeners::listens(std::type_index model, MapperEvent event) const {
  if (mapper_.empty()) return false;
  auto it = mapper_.find(model);
  return it != mapper_.end() && !it->second[static_cast<std::size_t>(event)].empty();
}

void EventListeners::call(SessionEvent event, Session& session) const {
  const SessionListeners listeners = session_[static_cast<std::size_t>(event)];
  for (const auto& listener : listeners) (*listener)(session);
}

void EventListeners::call(MapperEvent event, Session& session, InstanceState& state) const {
  if (mapper_.empty()) return;
  auto it = mapper_.find(state.mapper()->type());
  if (it == mapper_.end()) return;
  const MapperListeners listeners = it->second[static_cast<std::size_t>(event)];
  for (const auto& listener : listeners) (*listener)(session, state);
}

}  // namespace relate
