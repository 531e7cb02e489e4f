#include "sibling_batch_loader.hpp"

#include <relate/orm/attributes.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/loading.hpp>
#include <relate/orm/relationship.hpp>
#include <vector>

namespace relate_examples {

namespace {

class SiblingBatchLoader final : public relate::LoaderStrategy {
 public:
  std::string_view name() const override { return "sibling_batch"; }

  // Nothing happens at query time: like "lazy", it waits for the first access.
  void on_access(relate::SessionImpl& session, const relate::RelationshipProperty& rel,
                 relate::InstanceState& parent) const override {
    // The siblings: what the query that loaded `parent` loaded, still in this session
    // and still waiting for this relationship.
    std::vector<relate::InstanceState*> batch{&parent};
    if (const auto& context = parent.load_context()) {
      for (relate::InstanceState* sibling : context->loaded) {
        if (sibling == &parent || sibling->session() != parent.session() ||
            sibling->status() != relate::ObjectStatus::persistent ||
            rel.attribute(sibling->object()).is_loaded()) {
          continue;
        }
        batch.push_back(sibling);
      }
    }
    relate::load_in_batches(session, rel, batch, parent.load_context(), kBatchSize);
  }

 private:
  static constexpr std::size_t kBatchSize = 500;
};

}  // namespace

std::shared_ptr<const relate::LoaderStrategy> make_sibling_batch_loader() {
  return std::make_shared<SiblingBatchLoader>();
}

}  // namespace relate_examples
