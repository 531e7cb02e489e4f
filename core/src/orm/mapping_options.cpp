#include <relate/orm/mapping_options.hpp>

namespace relate {

ColumnOption& ColumnOption::default_(Value v) {
  default_value = std::move(v);
  return *this;
}

}  // namespace relate
