// The facade loader strategies work through (relate/orm/loader.hpp), over the
// session's own loading (loading.hpp).
#include <relate/orm/attributes.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>

#include "joined_rows.hpp"
#include "loader_access.hpp"
#include "loading.hpp"
#include "query_load.hpp"
#include "session_impl.hpp"

namespace relate {

std::vector<LoadedObject> LoaderAccess::handles(std::span<InstanceState* const> states) {
  std::vector<LoadedObject> out;
  out.reserve(states.size());
  for (InstanceState* s : states) out.push_back(LoadedObject(s));
  return out;
}

std::vector<InstanceState*> LoaderAccess::states(std::span<const LoadedObject> objects) {
  std::vector<InstanceState*> out;
  out.reserve(objects.size());
  for (const LoadedObject& o : objects) out.push_back(o.state_);
  return out;
}

// ---- LoadedObject ----

const Mapper& LoadedObject::mapper() const { return *state_->mapper(); }

void* LoadedObject::object() const { return state_->object(); }

bool LoadedObject::is_loaded(const RelationshipProperty& relationship) const {
  return relationship.attribute(state_->object()).is_loaded();
}

// ---- LoadContext ----

LoadContext::LoadContext(SessionImpl& session, const RelationshipProperty& relationship,
                         std::shared_ptr<const QueryLoad> query,
                         std::span<const LoadedObject> parents)
    : session_(session),
      relationship_(relationship),
      query_(std::move(query)),
      parents_(parents) {}

std::vector<LoadedObject> LoadContext::unloaded_siblings(LoadedObject parent) const {
  std::vector<LoadedObject> out;
  InstanceState* p = LoaderAccess::state(parent);
  const auto& query = InstanceAccess::context(*p);
  if (!query) return out;
  for (InstanceState* s : query->loaded) {
    if (s != p && s->session() == &session_ && s->status() == ObjectStatus::persistent &&
        !relationship_.attribute(s->object()).is_loaded()) {
      out.push_back(LoaderAccess::handle(s));
    }
  }
  return out;
}

void LoadContext::load_in_batches(std::span<const LoadedObject> parents,
                                  std::size_t batch_size) const {
  const std::vector<InstanceState*> states = LoaderAccess::states(parents);
  relate::load_in_batches(session_, relationship_, states, query_, batch_size);
}

std::optional<LoadedObject> LoadContext::known_target(LoadedObject parent) const {
  const std::optional<InstanceState*> held =
      held_target(session_, relationship_, *LoaderAccess::state(parent));
  if (!held) return std::nullopt;
  return LoaderAccess::handle(*held);
}

std::optional<sql::Select> LoadContext::related_select(LoadedObject parent) const {
  return relationship_select(relationship_, *LoaderAccess::state(parent));
}

std::vector<LoadedObject> LoadContext::load(sql::Select query) const {
  const auto items = load_entities(session_, relationship_.target(), std::move(query),
                                   query_ ? query_->child(relationship_)
                                          : std::make_shared<QueryLoad>());
  return LoaderAccess::handles(items);
}

void LoadContext::set(LoadedObject parent, std::span<const LoadedObject> items) const {
  set_relationship(relationship_, *LoaderAccess::state(parent), LoaderAccess::states(items));
}

// ---- QuerySetup ----

QuerySetup::QuerySetup(SessionImpl& session, const RelationshipProperty& relationship,
                       sql::Select& query, std::string parent_alias,
                       std::shared_ptr<QueryLoad> load)
    : session_(session),
      relationship_(relationship),
      query_(query),
      parent_alias_(std::move(parent_alias)),
      load_(std::move(load)) {}

const std::string* QuerySetup::joined_alias() const { return load_->joined_alias(relationship_); }

std::string QuerySetup::join_target() {
  const std::string n = std::to_string(query_.joins.size() + 1);
  std::string alias = relationship_.target().table().name() + "_" + n;
  const std::string secondary_alias =
      relationship_.secondary() ? relationship_.secondary()->name() + "_" + n : std::string();
  join_relationship(query_, relationship_, parent_alias_, alias, secondary_alias);
  for (auto& o : relationship_order(relationship_, alias)) query_.order_by.push_back(std::move(o));
  return alias;
}

std::unique_ptr<RowLoader> QuerySetup::read_rows(const std::string& alias) {
  return read_joined_rows(session_, relationship_, query_, alias, load_);
}

}  // namespace relate
