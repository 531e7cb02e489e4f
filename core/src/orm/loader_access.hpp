// Core's side of the loader facade (relate/orm/loader.hpp): handles made from the
// session's objects and back, and the facade objects strategies are called with.
#pragma once

#include <memory>
#include <relate/orm/loader.hpp>
#include <span>
#include <string>
#include <vector>

namespace relate {

struct LoaderAccess {
  static InstanceState* state(LoadedObject object) { return object.state_; }
  static LoadedObject handle(InstanceState* state) { return LoadedObject(state); }
  static std::vector<LoadedObject> handles(std::span<InstanceState* const> states);
  static std::vector<InstanceState*> states(std::span<const LoadedObject> objects);

  static LoadContext context(SessionImpl& session, const RelationshipProperty& relationship,
                             std::shared_ptr<const QueryLoad> query,
                             std::span<const LoadedObject> parents) {
    return LoadContext(session, relationship, std::move(query), parents);
  }
  static QuerySetup setup(SessionImpl& session, const RelationshipProperty& relationship,
                          sql::Select& query, std::string parent_alias,
                          std::shared_ptr<QueryLoad> load) {
    return QuerySetup(session, relationship, query, std::move(parent_alias), std::move(load));
  }
};

}  // namespace relate
