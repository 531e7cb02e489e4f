// The "sibling_batch" strategy as a run-time plugin: built as a shared library of its
// own (relate_sibling_batch_plugin), it is loaded by programs that were built without
// it, with relate::load_plugin(path) or RELATE_PLUGINS=path, and then named in their
// queries like any other strategy.
#include <relate/engine/plugin.hpp>

#include "sibling_batch_loader.hpp"

namespace {

void register_sibling_batch() {
  relate::register_loader_strategy(relate_examples::make_sibling_batch_loader());
}

}  // namespace

RELATE_PLUGIN(register_sibling_batch)
