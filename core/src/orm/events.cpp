// Session and mapper events: registering listeners (MetaData::on, Session::on) and
// calling them. Where each event runs is in the flush (session.cpp's SessionImpl::flush,
// persistence.cpp's row writes) and the transaction's end (commit, rollback).
#include <relate/metadata.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/session.hpp>
#include <string>

#include "metadata_impl.hpp"
#include "session_impl.hpp"

namespace relate {

MetaData& MetaData::on(SessionEvent event, SessionListener listener) {
  impl_->listeners.add(event, std::move(listener));
  return *this;
}

void MetaData::add_listener(std::type_index model, MapperEvent event,
                            detail::MapperListener listener) {
  impl_->listeners.add(model, event, std::move(listener));
}

void Session::on(SessionEvent event, SessionListener listener) {
  impl_->listeners.add(event, std::move(listener));
}

void Session::add_listener(std::type_index model, MapperEvent event,
                           detail::MapperListener listener) {
  impl_->metadata.mapper(model);  // MappingError for a model it does not map
  impl_->listeners.add(model, event, std::move(listener));
}

bool SessionImpl::listens(SessionEvent event) const {
  return metadata.impl().listeners.listens(event) || listeners.listens(event);
}

bool SessionImpl::listens(MapperEvent event, const Mapper& mapper) const {
  return metadata.impl().listeners.listens(mapper.type(), event) ||
         listeners.listens(mapper.type(), event);
}

void SessionImpl::call(SessionEvent event) {
  metadata.impl().listeners.call(event, *owner);
  listeners.call(event, *owner);
}

void SessionImpl::call(MapperEvent event, InstanceState& state) {
  ++in_mapper_event_;
  try {
    metadata.impl().listeners.call(event, *owner, state);
    listeners.call(event, *owner, state);
  } catch (...) {
    --in_mapper_event_;
    throw;
  }
  --in_mapper_event_;
}

bool SessionImpl::listens_at_all() const {
  return !metadata.impl().listeners.empty() || !listeners.empty();
}

void SessionImpl::refuse_in_flush_event(std::string_view what) const {
  if (in_flush_event_ == 0) return;
  throw InvalidRequestError(std::string(what) +
                            " inside a before_flush or after_flush listener: the flush goes on "
                            "after it");
}

void SessionImpl::refuse_in_mapper_event(std::string_view what) const {
  if (!in_mapper_event()) return;
  throw InvalidRequestError(std::string(what) +
                            " inside a mapper event's listener: the flush is writing rows "
                            "(add, delete and change relationships in before_flush)");
}

}  // namespace relate
