// "joined": the relationship comes in the parent query itself, through a LEFT OUTER
// JOIN of the target under an alias of its own (so one table can be joined twice).
// Joins chained below it (joinedload(...).joinedload(...)) hang off that alias.
#include <relate/orm/loader.hpp>
#include <relate/orm/loading.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>

#include "../joined_rows.hpp"
#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class JoinedLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "joined"; }

  bool joins_collection(const RelationshipProperty& rel) const override { return rel.uselist(); }

  std::unique_ptr<RowLoader> setup_query(
      SessionImpl& session, const RelationshipProperty& rel, sql::Select& query,
      const std::string& parent_alias, const std::shared_ptr<LoadContext>& context) const override {
    const std::string n = std::to_string(query.joins.size() + 1);
    const std::string alias = rel.target().table().name() + "_" + n;
    const std::string secondary_alias =
        rel.secondary() ? rel.secondary()->name() + "_" + n : std::string();
    join_relationship(query, rel, parent_alias, alias, secondary_alias);
    for (auto& o : relationship_order(rel, alias)) query.order_by.push_back(std::move(o));
    return read_joined_rows(session, rel, query, alias, context);
  }

  // An object that did not come from a joined query: one SELECT for it.
  void on_access(SessionImpl& session, const RelationshipProperty& rel,
                 InstanceState& parent) const override {
    InstanceState* one[] = {&parent};
    load_in_batches(session, rel, one, parent.load_context(), 1);
  }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_joined_loader() {
  return std::make_shared<JoinedLoader>();
}

}  // namespace relate::loaders
