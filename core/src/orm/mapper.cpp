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

void Mapper::bind(InstanceState& state, bool loaded) const {
  InstanceAccess::mapper(state) = this;
  for (const auto& f : bp_.relationships) {
    f.attribute(state.object())->bind(&state, f.property, loaded);
  }
  if (!loaded) return;
  // A new object may arrive with related objects already in its members
  // (User{.posts = {Post{...}}}): bind them and point their side back here.
  for (const RelationshipProperty* rel : relationships_) {
    RelationshipAttribute& attr = rel->attribute(state.object());
    for (std::size_t i = 0; i < attr.raw_size(); ++i) {
      InstanceState* item = attr.raw_at(i);
      if (!item->mapper()) rel->target().bind(*item, true);
      const RelationshipProperty* back = rel->back_populates();
      if (!back) continue;
      RelationshipAttribute& b = back->attribute(item->object());
      if (b.is_loaded() && !b.raw_contains(&state)) {
        if (!back->uselist()) b.raw_clear();
        b.raw_append(&state);
      }
    }
  }
}

}  // namespace relate
