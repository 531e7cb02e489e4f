// "selectin": once a query has loaded its parents, one more SELECT per relationship
// and per batch of parent keys (IN (...)) loads the relationship for all of them.
#include <relate/loaders.hpp>
#include <relate/orm/loader.hpp>
#include <string>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class SelectinLoader final : public LoaderStrategy {
 public:
  SelectinLoader(std::string name, std::size_t batch_size)
      : name_(std::move(name)), batch_size_(batch_size) {}

  std::string_view name() const override { return name_; }

  void after_load(const LoadContext& context) const override {
    context.load_in_batches(context.parents(), batch_size_);
  }

  // An object that did not come from a selectin query (get(), a lazy load): the same
  // statement for this one parent.
  void on_access(const LoadContext& context) const override {
    context.load_in_batches(context.parents(), batch_size_);
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
