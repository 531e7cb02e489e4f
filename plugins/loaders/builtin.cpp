// Registers every built-in strategy: one definition per strategy file, one call here.
#include <relate/loaders.hpp>

#include "strategies.hpp"

namespace relate::loaders {

void register_builtin() { register_loader_strategy(make_lazy_loader()); }

namespace {
const bool registered = (register_builtin(), true);
}  // namespace

}  // namespace relate::loaders
