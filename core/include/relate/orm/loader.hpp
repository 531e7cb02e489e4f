// LoaderStrategy: how a relationship loads. Strategies are plugins registered by name
// ("lazy", "joined", "selectin", "raise", "noload", or a user's own); core names none
// of them. A relationship has a default strategy (relationship(...).lazy("name"),
// "lazy" unless set) and a query overrides it per path with options
// (relate::selectinload(&User::posts), relate::load(&User::posts, "name")).
//
// A strategy may act at three moments of a query that loads parent objects:
//   - setup_query: while the parents' SELECT is built. A strategy that adds joins and
//                  columns (joined) returns a RowLoader, which sees every row with its
//                  parent object and finishes after the last row;
//   - after_load:  once the parents are loaded, with those whose relationship is
//                  still unloaded (selectin loads them all at once; noload and raise
//                  mark them);
// and on_access, when an unloaded relationship of one object is first read (lazy).
// Strategies build their SQL and load objects with the helpers of orm/loading.hpp, so
// options chained below them (selectinload(...).joinedload(...)) apply too.
#pragma once

#include <memory>
#include <relate/export.hpp>
#include <relate/sql/statement.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

class Cursor;
class InstanceState;
class RelationshipProperty;
class SessionImpl;
class LoaderStrategy;

// One executed ORM query, shared by the objects it loaded: which strategy each
// relationship path uses, and the objects it loaded (which an on_access strategy may
// load together: they are "siblings").
struct RELATE_API LoadContext {
  struct Option {
    std::vector<const RelationshipProperty*> path;  // from the query's entity
    const LoaderStrategy* strategy;
  };
  std::vector<Option> options;
  // Where the objects of this context sit: the relationships followed from the
  // query's entity to reach them (empty for the query's own entity).
  std::vector<const RelationshipProperty*> path;
  // The objects this context loaded, in row order (they own the context and live in
  // one object graph with it, so plain pointers stay valid).
  std::vector<InstanceState*> loaded;
  // The query's own FROM entries that hold the rows of a relationship path: its joins
  // along relationships from the query's entity, and the aliases options name
  // (contains_eager(member, alias)), which come first.
  struct Joined {
    std::vector<const RelationshipProperty*> path;  // from the query's entity
    std::string alias;                              // the entry's name in the query
  };
  std::vector<Joined> joined;

  // The strategy for `relationship` on objects of this context: a matching option,
  // else the relationship's default.
  const LoaderStrategy& strategy_for(const RelationshipProperty& relationship) const;
  // The query's entry holding the rows of `relationship` of this context's objects,
  // or null when the query does not join them.
  const std::string* joined_alias(const RelationshipProperty& relationship) const;
  // The context for objects reached through `relationship` (options carried along;
  // `joined` belongs to one statement: a strategy that reads the child's rows from the
  // same statement copies it).
  std::shared_ptr<LoadContext> child(const RelationshipProperty& relationship) const;
};

// Reads the columns a strategy added to a parent query, row by row.
class RELATE_API RowLoader {
 public:
  virtual ~RowLoader() = default;
  // `parent` is the row's parent object (the same object for every row of a parent).
  virtual void process_row(InstanceState& parent, Cursor& row) = 0;
  // After the last row.
  virtual void finish() = 0;
};

class RELATE_API LoaderStrategy {
 public:
  virtual ~LoaderStrategy() = default;
  virtual std::string_view name() const = 0;

  // `parent_alias` names the parent's table (or subquery) in `query`.
  virtual std::unique_ptr<RowLoader> setup_query(
      SessionImpl& /*session*/, const RelationshipProperty& /*rel*/, sql::Select& /*query*/,
      const std::string& /*parent_alias*/, const std::shared_ptr<LoadContext>& /*context*/) const {
    return nullptr;
  }
  // True if setup_query joins a collection (so rows repeat parents): a LIMIT/OFFSET
  // on the parent query then moves into a subquery to count parents, not rows.
  virtual bool joins_collection(const RelationshipProperty& /*rel*/) const { return false; }
  virtual void after_load(SessionImpl& /*session*/, const RelationshipProperty& /*rel*/,
                          std::span<InstanceState* const> /*parents*/,
                          const std::shared_ptr<LoadContext>& /*context*/) const {}
  virtual void on_access(SessionImpl& session, const RelationshipProperty& rel,
                         InstanceState& parent) const = 0;
};

// Registers a strategy under its name(), replacing one of the same name.
RELATE_API void register_loader_strategy(std::shared_ptr<const LoaderStrategy> strategy);
// Throws ArgumentError listing the registered names when `name` is unknown.
RELATE_API const LoaderStrategy& find_loader_strategy(std::string_view name);
RELATE_API std::vector<std::string> registered_loader_strategies();

}  // namespace relate
