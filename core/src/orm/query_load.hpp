// One executed ORM query, shared by the objects it loaded: which strategy each
// relationship path uses, and the objects it loaded (which an on_access strategy may
// load together: they are "siblings"). Strategies see it only through the facade of
// relate/orm/loader.hpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace relate {

class InstanceState;
class LoaderStrategy;
namespace detail {
class ObjectGraph;
}  // namespace detail
class RelationshipProperty;

struct QueryLoad : std::enable_shared_from_this<QueryLoad> {
  struct Option {
    std::vector<const RelationshipProperty*> path;  // from the query's entity
    const LoaderStrategy* strategy;
  };
  std::vector<Option> options;
  // Where the objects of this load sit: the relationships followed from the query's
  // entity to reach them (empty for the query's own entity).
  std::vector<const RelationshipProperty*> path;
  // The objects this load loaded, in row order (they own the load and live in one
  // object graph with it, so plain pointers stay valid).
  std::vector<InstanceState*> loaded;
  // The query's own FROM entries that hold the rows of a relationship path: its joins
  // along relationships from the query's entity, and the aliases options name
  // (contains_eager(member, alias)), which come first.
  struct Joined {
    std::vector<const RelationshipProperty*> path;  // from the query's entity
    std::string alias;                              // the entry's name in the query
  };
  std::vector<Joined> joined;
  // The object graph that holds this load for its objects (ObjectGraph::hold), if any.
  // Weak, and compared by owner (held_by_graph()): a graph that died keeps its identity
  // here, so a new graph at the same address is never taken for it.
  std::weak_ptr<const detail::ObjectGraph> held_by;

  bool held_by_graph(const std::shared_ptr<detail::ObjectGraph>& graph) const {
    return !held_by.owner_before(graph) && !graph.owner_before(held_by);
  }

  // The strategy for `relationship` on objects of this load: a matching option, else
  // the relationship's default.
  const LoaderStrategy& strategy_for(const RelationshipProperty& relationship) const;
  // The query's entry holding the rows of `relationship` of this load's objects, or
  // null when the query does not join them.
  const std::string* joined_alias(const RelationshipProperty& relationship) const;
  // The load of objects reached through `relationship` (options carried along;
  // `joined` belongs to one statement: a strategy that reads the child's rows from the
  // same statement copies it).
  std::shared_ptr<QueryLoad> child(const RelationshipProperty& relationship) const;
};

}  // namespace relate
