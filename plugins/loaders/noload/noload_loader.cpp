// "noload": the relationship is never loaded and reads as empty.
#include <relate/orm/loader.hpp>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class NoLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "noload"; }

  void after_load(const LoadContext& context) const override {
    for (const LoadedObject& p : context.parents()) context.set(p, {});
  }

  void on_access(const LoadContext& context) const override { after_load(context); }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_noload_loader() { return std::make_shared<NoLoader>(); }

}  // namespace relate::loaders
