// A plugin as a Relate with another plugin API version would build it: its entry
// point reports that version and, refused, registers nothing. Written out by hand,
// since RELATE_PLUGIN always reports this Relate's version.
#include <memory>
#include <relate/engine/plugin.hpp>
#include <relate/orm/loader.hpp>

namespace {

class FromTheFuture final : public relate::LoaderStrategy {
 public:
  std::string_view name() const override { return "from_the_future"; }
  void on_access(const relate::LoadContext&) const override {}
};

}  // namespace

extern "C" RELATE_API void relate_plugin_register(relate::PluginHandshake* handshake) {
  handshake->plugin_api_version = relate::plugin_api_version + 1;
  handshake->same_core = handshake->host_core == relate::detail::core_identity();
  if (handshake->plugin_api_version == handshake->host_api_version) {
    relate::register_loader_strategy(std::make_shared<FromTheFuture>());
  }
}
