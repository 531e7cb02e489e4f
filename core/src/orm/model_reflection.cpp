#include <relate/orm/model_reflection.hpp>
#include <stdexcept>

namespace relate::detail {

MemberRef member_at(const ModelReflection& model, std::size_t offset) {
  for (std::size_t i = 0; i < model.field_count; ++i) {
    if (model.field_offsets[i] == offset) {
      return MemberRef{model.type, i, model.name, model.field_names[i]};
    }
  }
  throw std::invalid_argument("member pointer does not designate a direct field");
}

}  // namespace relate::detail
