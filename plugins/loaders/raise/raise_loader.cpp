// "raise": the relationship is not loaded, and reading it throws: a test's way to
// prove that no N+1 lazy load happens.
#include <relate/errors.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/relationship.hpp>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class RaiseLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "raise"; }

  void on_access(const LoadContext& context) const override {
    throw InvalidRequestError("'" + context.relationship().name() +
                              "' is not available due to raiseload: load it with the query's "
                              "loader options (selectinload, joinedload) instead");
  }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_raise_loader() {
  return std::make_shared<RaiseLoader>();
}

}  // namespace relate::loaders
