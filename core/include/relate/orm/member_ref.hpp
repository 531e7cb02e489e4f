// A member of a mapped model, e.g. &User::name, type-erased: the model's type, the
// member's index among its fields, and both names for messages. Mapping options and
// queries record members this way; the MetaData resolves them to columns and
// relationships.
#pragma once

#include <cstddef>
#include <string_view>
#include <typeindex>

namespace relate {

struct MemberRef {
  std::type_index model;
  std::size_t field;
  std::string_view model_name;
  std::string_view member_name;
};

}  // namespace relate
