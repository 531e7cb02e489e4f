#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>

#include "session_impl.hpp"

namespace relate {

std::optional<std::size_t> Mapper::column_of_field(std::size_t field) const {
  return field < column_of_field_.size() ? column_of_field_[field] : std::nullopt;
}

const Mapper::RelationshipField* Mapper::relationship_field(std::size_t field) const {
  for (const auto& f : bp_.relationships) {
    if (f.field == field) return &f;
  }
  return nullptr;
}

std::vector<Value> Mapper::values(const void* object) const {
  std::vector<Value> out;
  out.reserve(bp_.columns.size());
  for (const auto& c : bp_.columns) out.push_back(c.get(object));
  return out;
}

std::vector<Value> Mapper::primary_key_values(const void* object) const {
  std::vector<Value> out;
  out.reserve(primary_key_.size());
  for (auto i : primary_key_) out.push_back(bp_.columns[i].get(object));
  return out;
}

void Mapper::bind(InstanceState& state, bool loaded) const {
  InstanceAccess::mapper(state) = this;
  for (const auto& f : bp_.relationships) {
    f.attribute(state.object())->bind(&state, f.property, loaded);
  }
}

}  // namespace relate
