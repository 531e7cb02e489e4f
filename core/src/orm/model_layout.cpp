#include <relate/orm/model_layout.hpp>

#include "metadata_impl.hpp"

namespace relate {

namespace detail {
RELATE_BUILTIN_COLUMN_ACCESS()
}  // namespace detail

Mapper::Blueprint blueprint(const detail::ModelLayout& layout) {
  using Kind = detail::FieldAccess::Kind;
  const detail::ModelReflection& model = layout.reflection;
  Mapper::Blueprint bp{
      model.type, model.name,   {model.field_names, model.field_names + model.field_count},
      {},         {},           {},
      {},         layout.construction};
  for (std::size_t i = 0; i < model.field_count; ++i) {
    const detail::FieldAccess& f = *layout.fields[i];
    const std::string_view name = model.field_names[i];
    const std::size_t offset = model.field_offsets[i];
    if (f.kind == Kind::column) {
      bp.columns.push_back(Mapper::ColumnField{i, name, nullptr, offset, f.read, f.write});
      bp.nullable.push_back(f.nullable);
      bp.types.push_back(f.type);
    } else {
      bp.relationships.push_back(Mapper::RelationshipField{
          i, name, f.kind == Kind::collection, *f.target, f.target_name, offset, f.attribute});
    }
  }
  return bp;
}

}  // namespace relate
