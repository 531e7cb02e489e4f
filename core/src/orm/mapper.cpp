#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>

#include "metadata_impl.hpp"
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

InstanceState* Mapper::create_in(detail::ObjectGraph& graph) const {
  const detail::Construction& c = bp_.construction;
  return graph.adopt_placed(c.construct(graph.allocate(c.size, c.align)));
}

void Mapper::bind(InstanceState& state, bool loaded) const {
  bind_one(state, loaded);
  if (!loaded) return;
  // Objects made unbound and linked to this one from their side only
  // (root->children.push_back(phones) before either was bound) are reachable from
  // it through nothing but the graph they share: they take this MetaData too, and
  // their links sync both ways now, as they would have had they been bound.
  // (Binding one may move the graph's objects into another graph: ask again each time.)
  while (InstanceState* other = state.graph().pop_unbound()) {
    if (other->mapper()) continue;
    if (const Mapper* m = sibling_mapper(other->model_type())) m->bind_one(*other, true);
  }
}

const Mapper* Mapper::sibling_mapper(const std::type_info& model) const {
  auto it = metadata_->by_type.find(std::type_index(model));
  return it == metadata_->by_type.end() ? nullptr : it->second;
}

void Mapper::bind_one(InstanceState& state, bool loaded) const {
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
      if (!item->mapper()) rel->target().bind_one(*item, true);
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
