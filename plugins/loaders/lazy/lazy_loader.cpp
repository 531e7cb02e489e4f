// "lazy": loads a relationship with one SELECT on first access. A many-to-one whose
// target is already in the identity map costs no statement.
#include <relate/errors.hpp>
#include <relate/orm/attributes.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/loading.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class LazyLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "lazy"; }

  void on_access(SessionImpl& session, const RelationshipProperty& rel,
                 InstanceState& parent) const override {
    RelationshipAttribute& attr = rel.attribute(parent.object());
    if (rel.direction() == RelationshipDirection::many_to_one) {
      const std::vector<Value> key = foreign_key_target(rel, parent);
      bool null_key = true;
      for (const Value& v : key) null_key = null_key && v.is_null();
      if (!key.empty() && null_key) {
        attr.set_loaded({});
        return;
      }
      if (!key.empty()) {
        if (InstanceState* hit = identity_lookup(session, rel.target(), key)) {
          attr.set_loaded({hit});
          return;
        }
      }
    }
    std::optional<sql::Select> query = relationship_select(rel, parent);
    if (!query) {
      attr.set_loaded({});
      return;
    }
    const auto& context = parent.load_context();
    auto items = load_entities(session, rel.target(), *query,
                               context ? context->child(rel) : std::make_shared<LoadContext>());
    if (!rel.uselist() && items.size() > 1) {
      throw MultipleResultsFound(
          "'" + rel.name() + "' is a one<" + std::string(rel.target().name()) + "> but " +
          std::to_string(items.size()) + " rows of table '" + rel.target().table().name() +
          "' refer to the same " + std::string(rel.parent().name()));
    }
    attr.set_loaded(std::move(items));
  }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_lazy_loader() { return std::make_shared<LazyLoader>(); }

}  // namespace relate::loaders
