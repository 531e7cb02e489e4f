// LoaderStrategy: how a relationship loads. Strategies are plugins registered by name
// ("lazy", "joined", "selectin", ...); core names none of them. A relationship has a
// default strategy (relationship(...).lazy("name"), "lazy" unless set) and a query
// overrides it per path with options (relate::load(&User::posts, "name")).
//
// A strategy may act at four moments:
//   - setup_query: while the parents' SELECT is built (a joined loader adds joins and
//                  the target's columns after the parent's);
//   - process_row: for each row of that SELECT, with the parent object of the row and
//                  the position of the columns setup_query added;
//   - after_load:  once a query has loaded its parent objects (a selectin loader
//                  loads the relationship for all of them at once);
//   - on_access:   when an unloaded relationship of one object is first read (lazy).
// It builds its SQL with the helpers of orm/loading.hpp.
#pragma once

#include <memory>
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
// relationship path uses, and what strategies keep for later (e.g. the siblings an
// on_access loader could batch).
struct LoadContext {
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

  // The strategy for `relationship` on objects of this context: a matching option,
  // else the relationship's default.
  const LoaderStrategy& strategy_for(const RelationshipProperty& relationship) const;
  // The context for objects reached through `relationship` (options carried along).
  std::shared_ptr<LoadContext> child(const RelationshipProperty& relationship) const;
};

class LoaderStrategy {
 public:
  virtual ~LoaderStrategy() = default;
  virtual std::string_view name() const = 0;

  // True if objects loaded with this strategy start with the relationship unloaded
  // (to be loaded on access); false if after_load or setup_query fill it.
  virtual bool loads_on_access() const { return true; }

  virtual void setup_query(SessionImpl& /*session*/, const RelationshipProperty& /*rel*/,
                           sql::Select& /*query*/) const {}
  // Called only for strategies whose setup_query added columns; `first_column` is the
  // index of the first of them. A parent appears in as many rows as the join yields.
  virtual void process_row(SessionImpl& /*session*/, const RelationshipProperty& /*rel*/,
                           InstanceState& /*parent*/, Cursor& /*row*/, std::size_t /*first_column*/,
                           const std::shared_ptr<LoadContext>& /*context*/) const {}
  virtual void after_load(SessionImpl& /*session*/, const RelationshipProperty& /*rel*/,
                          std::span<InstanceState* const> /*parents*/,
                          const std::shared_ptr<const LoadContext>& /*context*/) const {}
  virtual void on_access(SessionImpl& session, const RelationshipProperty& rel,
                         InstanceState& parent) const = 0;
};

// Registers a strategy under its name(), replacing one of the same name.
void register_loader_strategy(std::shared_ptr<const LoaderStrategy> strategy);
// Throws ArgumentError listing the registered names when `name` is unknown.
const LoaderStrategy& find_loader_strategy(std::string_view name);
std::vector<std::string> registered_loader_strategies();

}  // namespace relate
