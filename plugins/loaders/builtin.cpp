// Registers every built-in strategy: one definition per strategy folder, one call here.
#include <relate/loaders.hpp>

#include "strategies.hpp"

namespace relate::loaders {

void register_builtin() {
  register_loader_strategy(make_lazy_loader());
  register_loader_strategy(make_joined_loader());
  register_loader_strategy(selectin_loader("selectin", default_selectin_batch));
  register_loader_strategy(make_raise_loader());
  register_loader_strategy(make_noload_loader());
  register_loader_strategy(make_contains_eager_loader());
}

namespace {
const bool registered = (register_builtin(), true);
}  // namespace

}  // namespace relate::loaders
