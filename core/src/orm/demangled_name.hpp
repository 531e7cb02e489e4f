// A model's name as the user wrote it (blog::Review, not N4blog6ReviewE), for messages
// about a type known only by its type_info.
#pragma once

#include <string>
#include <typeindex>

namespace relate {

std::string demangled_name(std::type_index type);

}  // namespace relate
