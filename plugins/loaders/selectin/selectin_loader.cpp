// "selectin": once a query has loaded its parents, one more SELECT per relationship
// and per batch of parent keys (IN (...)) loads the relationship for all of them.
#include <relate/loaders.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/loading.hpp>
#include <string>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class SelectinLoader final : public LoaderStrategy {
 public:
  SelectinLoader(std::string name, std::size_t batch_size)
      : name_(std::move(name)), batch_size_(batch_size) {}

  std::string_view name() const override { return name_; }

  void after_load(SessionImpl& session, const RelationshipProperty& rel,
                  std::span<InstanceState* const> parents,
                  const std::shared_ptr<LoadContext>& context) const override {
    load_in_batches(session, rel, parents, context, batch_size_);
  }

  // An object that did not come from a selectin query (get(), a lazy load): the same
  // statement for this one parent.
  void on_access(SessionImpl& session, const RelationshipProperty& rel,
                 InstanceState& parent) const override {
    InstanceState* one[] = {&parent};
    const auto& context = parent.load_context();
    load_in_batches(session, rel, one, context, batch_size_);
  }

 private:
  std::string name_;
  std::size_t batch_size_;
};

}  // namespace

std::shared_ptr<const LoaderStrategy> selectin_loader(std::string name, std::size_t batch_size) {
  return std::make_shared<SelectinLoader>(std::move(name), batch_size);
}

}  // namespace relate::loaders
