// What loader strategies build with: the SELECT of a model's columns, the criteria and
// joins between a relationship's two sides, turning rows into identity-mapped objects
// (running the strategies of the relationships below), and batched loading of one
// relationship for many parents. The session's own loading (get, queries, lazy
// loads) goes through the same calls.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <relate/export.hpp>
#include <relate/sql/statement.hpp>
#include <relate/value.hpp>
#include <span>
#include <string>
#include <vector>

#include "query_load.hpp"

namespace relate {

class Cursor;
class InstanceState;
class Mapper;
class RelationshipProperty;
class SessionImpl;

// SELECT of every column of the mapper's table, in the mapper's column order,
// qualified by `alias` when given.
RELATE_API sql::Select entity_select(const Mapper& mapper, const std::string& alias = {});

// WHERE criteria selecting the related rows of one parent (on the target's table, or
// `target_alias` of it); null when a foreign key value of the parent is NULL (nothing
// can be related). For one-to-many and many-to-one; many-to-many needs the join of
// relationship_select.
RELATE_API sql::Expr relationship_criteria(const RelationshipProperty& rel,
                                           const InstanceState& parent,
                                           const std::string& target_alias = {});

// The whole SELECT of one parent's related objects, in the relationship's order
// (joining the association table for many-to-many); nullopt when nothing can be
// related because a key value is NULL.
RELATE_API std::optional<sql::Select> relationship_select(const RelationshipProperty& rel,
                                                          const InstanceState& parent);

// The relationship's ORDER BY on its target table (or the target's alias).
RELATE_API std::vector<sql::OrderBy> relationship_order(const RelationshipProperty& rel,
                                                        const std::string& target_alias = {});

// Adds LEFT OUTER JOINs from the parent (named `parent_alias` in the query) to the
// relationship's target, named `target_alias` (through `secondary_alias` for a
// many-to-many).
RELATE_API void join_relationship(sql::Select& query, const RelationshipProperty& rel,
                                  const std::string& parent_alias, const std::string& target_alias,
                                  const std::string& secondary_alias);

// Runs `query` (an entity_select of `mapper`, possibly extended) and returns one object
// per parent row, in row order, each once. The Session autoflushes first where it knows
// of changes (new objects, deletions, changed relationships; SessionOptions); objects already in
// the identity map are returned as they are (never overwritten). The strategies `context` chooses
// for the mapper's relationships run too. `on_row` sees every row with its object.
RELATE_API std::vector<InstanceState*> load_entities(
    SessionImpl& session, const Mapper& mapper, sql::Select query,
    const std::shared_ptr<QueryLoad>& context,
    const std::function<void(InstanceState&, Cursor&)>& on_row = {});

// The object for the columns of `row` from `first_column` on (an entity_select
// layout), from the identity map or new; null when the key columns are all NULL (no
// row on the outer side of a join).
RELATE_API InstanceState* load_instance(SessionImpl& session, const Mapper& mapper, Cursor& row,
                                        std::size_t first_column,
                                        const std::shared_ptr<QueryLoad>& context);

// The object the identity map already holds for the columns of `row` from
// `first_column` on, or null; makes none (for a row whose new object nothing would
// hold).
RELATE_API InstanceState* existing_instance(SessionImpl& session, const Mapper& mapper,
                                            Cursor& row, std::size_t first_column);

// Loads `rel` for all `parents` (those whose relationship is unloaded) with one
// statement per batch of at most `batch_size` parent keys (IN (...)); many-to-one
// targets already in the identity map cost nothing. What selectin does.
RELATE_API void load_in_batches(SessionImpl& session, const RelationshipProperty& rel,
                                std::span<InstanceState* const> parents,
                                const std::shared_ptr<const QueryLoad>& context,
                                std::size_t batch_size);

// A many-to-one's target known without a statement, from `parent`'s foreign key as its
// members hold it: null when every column of it is NULL, the session's object with that
// key when it holds one; nullopt when only a statement can tell (and for other
// directions, and for joins that say more than the key).
RELATE_API std::optional<InstanceState*> held_target(SessionImpl& session,
                                                     const RelationshipProperty& rel,
                                                     const InstanceState& parent);

// The values of the parent's foreign key columns (many-to-one), as the target's key.
RELATE_API std::vector<Value> foreign_key_target(const RelationshipProperty& rel,
                                                 const InstanceState& parent);

// Installs the loaded value of a relationship attribute: `items` for a collection, the
// first item (or none) for a one<>; more than one item for a one<> is
// MultipleResultsFound naming the relationship.
RELATE_API void set_relationship(const RelationshipProperty& rel, InstanceState& parent,
                                 std::span<InstanceState* const> items);

}  // namespace relate
