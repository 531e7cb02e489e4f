// "noload": the relationship is never loaded and reads as empty.
#include <relate/orm/instance.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/loading.hpp>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class NoLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "noload"; }

  void after_load(SessionImpl&, const RelationshipProperty& rel,
                  std::span<InstanceState* const> parents,
                  const std::shared_ptr<LoadContext>&) const override {
    for (InstanceState* p : parents) set_relationship(rel, *p, {});
  }
  void on_access(SessionImpl&, const RelationshipProperty& rel,
                 InstanceState& parent) const override {
    set_relationship(rel, parent, {});
  }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_noload_loader() { return std::make_shared<NoLoader>(); }

}  // namespace relate::loaders
