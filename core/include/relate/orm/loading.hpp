// What loader strategies build with: the SELECT of a model's columns, the criteria
// joining a relationship's two sides, and turning rows into identity-mapped objects.
// The session's own loading (get, queries, lazy loads) goes through the same calls.
#pragma once

#include <memory>
#include <optional>
#include <relate/sql/statement.hpp>
#include <relate/value.hpp>
#include <vector>

namespace relate {

class InstanceState;
class Mapper;
class RelationshipProperty;
class SessionImpl;
struct LoadContext;

// SELECT of every column of the mapper's table, in the mapper's column order.
sql::Select entity_select(const Mapper& mapper);

// WHERE criteria selecting the related rows of one parent; null when a foreign key
// value of the parent is NULL (nothing can be related). For one-to-many and
// many-to-one; many-to-many needs the join of relationship_select.
sql::Expr relationship_criteria(const RelationshipProperty& rel, const InstanceState& parent);

// The whole SELECT of one parent's related objects, in the relationship's order
// (joining the association table for many-to-many); nullopt when nothing can be
// related because a key value is NULL.
std::optional<sql::Select> relationship_select(const RelationshipProperty& rel,
                                               const InstanceState& parent);

// The relationship's ORDER BY on its target table.
std::vector<sql::OrderBy> relationship_order(const RelationshipProperty& rel);

// Runs `query` (an entity_select of `mapper`, possibly extended) and returns one object
// per row, from the identity map where the row is already there (never overwritten).
std::vector<InstanceState*> load_entities(SessionImpl& session, const Mapper& mapper,
                                          const sql::Select& query,
                                          const std::shared_ptr<LoadContext>& context);

// The persistent object with that primary key in the session, or null.
InstanceState* identity_lookup(SessionImpl& session, const Mapper& mapper,
                               const std::vector<Value>& key);

// The values of the parent's foreign key columns (many-to-one), as the target's key.
std::vector<Value> foreign_key_target(const RelationshipProperty& rel, const InstanceState& parent);

}  // namespace relate
