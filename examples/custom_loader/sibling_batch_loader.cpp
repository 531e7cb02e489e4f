#include "sibling_batch_loader.hpp"

#include <vector>

namespace relate_examples {

namespace {

class SiblingBatchLoader final : public relate::LoaderStrategy {
 public:
  std::string_view name() const override { return "sibling_batch"; }

  // Nothing happens at query time: like "lazy", it waits for the first access.
  void on_access(const relate::LoadContext& context) const override {
    // The object being read, and its siblings: what the query that loaded it loaded,
    // still in this session and still waiting for this relationship.
    const relate::LoadedObject parent = context.parents().front();
    std::vector<relate::LoadedObject> batch{parent};
    for (const relate::LoadedObject& sibling : context.unloaded_siblings(parent)) {
      batch.push_back(sibling);
    }
    context.load_in_batches(batch, kBatchSize);
  }

 private:
  static constexpr std::size_t kBatchSize = 500;
};

}  // namespace

std::shared_ptr<const relate::LoaderStrategy> make_sibling_batch_loader() {
  return std::make_shared<SiblingBatchLoader>();
}

}  // namespace relate_examples
