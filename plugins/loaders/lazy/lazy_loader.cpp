// "lazy": loads a relationship with one SELECT on first access. A many-to-one whose
// target is already in the identity map costs no statement.
#include <optional>
#include <relate/orm/loader.hpp>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class LazyLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "lazy"; }

  void on_access(const LoadContext& context) const override {
    const LoadedObject parent = context.parents().front();
    if (const std::optional<LoadedObject> known = context.known_target(parent)) {
      if (*known) {
        const LoadedObject target[] = {*known};
        context.set(parent, target);
      } else {
        context.set(parent, {});
      }
      return;
    }
    std::optional<sql::Select> query = context.related_select(parent);
    context.set(parent, query ? context.load(std::move(*query)) : std::vector<LoadedObject>{});
  }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_lazy_loader() { return std::make_shared<LazyLoader>(); }

}  // namespace relate::loaders
