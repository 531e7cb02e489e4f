// "lazy": loads a relationship with one SELECT on first access. A many-to-one whose
// target is already in the identity map costs no statement.
#include <relate/orm/attributes.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/loading.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class LazyLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "lazy"; }

  void on_access(SessionImpl& session, const RelationshipProperty& rel,
                 InstanceState& parent) const override {
    if (rel.direction() == RelationshipDirection::many_to_one) {
      const std::vector<Value> key = foreign_key_target(rel, parent);
      bool null_key = true;
      for (const Value& v : key) null_key = null_key && v.is_null();
      if (!key.empty() && null_key) {
        set_relationship(rel, parent, {});
        return;
      }
      if (!key.empty()) {
        if (InstanceState* hit = identity_lookup(session, rel.target(), key)) {
          set_relationship(rel, parent, {hit});
          return;
        }
      }
    }
    std::optional<sql::Select> query = relationship_select(rel, parent);
    if (!query) {
      set_relationship(rel, parent, {});
      return;
    }
    const auto& context = parent.load_context();
    auto items = load_entities(session, rel.target(), std::move(*query),
                               context ? context->child(rel) : std::make_shared<LoadContext>());
    set_relationship(rel, parent, items);
  }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_lazy_loader() { return std::make_shared<LazyLoader>(); }

}  // namespace relate::loaders
