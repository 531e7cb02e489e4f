// "joined": the relationship comes in the parent query itself, through a LEFT OUTER
// JOIN of the target under an alias of its own (so one table can be joined twice).
// Joins chained below it (joinedload(...).joinedload(...)) hang off that alias.
#include <relate/orm/loader.hpp>
#include <relate/orm/relationship.hpp>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class JoinedLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "joined"; }

  bool joins_collection(const RelationshipProperty& rel) const override { return rel.uselist(); }

  std::unique_ptr<RowLoader> setup_query(QuerySetup& setup) const override {
    return setup.read_rows(setup.join_target());
  }

  // An object that did not come from a joined query: one SELECT for it.
  void on_access(const LoadContext& context) const override {
    context.load_in_batches(context.parents(), 1);
  }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_joined_loader() {
  return std::make_shared<JoinedLoader>();
}

}  // namespace relate::loaders
