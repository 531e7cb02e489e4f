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
//
// Strategies see the session only through the facade below (QuerySetup, LoadContext,
// LoadedObject): how the session stores its objects is not part of the interface.
// Loading through the facade runs the strategies of the relationships below, so
// options chained after a strategy (selectinload(...).joinedload(...)) apply too.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <relate/export.hpp>
#include <relate/sql/statement.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

class Cursor;
class InstanceState;
class LoaderStrategy;
class Mapper;
class RelationshipProperty;
class SessionImpl;
struct QueryLoad;

// An object of the Session, as a strategy sees it: a handle the size of a pointer,
// valid while the Session holds the object. The empty handle is no object.
class RELATE_API LoadedObject {
 public:
  LoadedObject() = default;
  explicit operator bool() const { return state_ != nullptr; }
  friend bool operator==(LoadedObject, LoadedObject) = default;

  const Mapper& mapper() const;
  // The model object itself (a T* for a LoadedObject of T's mapper).
  void* object() const;
  // True when `relationship` (one of this object's mapper) holds its value: loaded,
  // or the object is new.
  bool is_loaded(const RelationshipProperty& relationship) const;

 private:
  friend class LoadContext;
  friend class QuerySetup;
  friend struct LoaderAccess;
  explicit LoadedObject(InstanceState* state) : state_(state) {}
  InstanceState* state_ = nullptr;
};

// One relationship to load, for the objects a strategy is called with, in the Session
// and the query they came from.
class RELATE_API LoadContext {
 public:
  LoadContext(const LoadContext&) = delete;
  LoadContext& operator=(const LoadContext&) = delete;

  const RelationshipProperty& relationship() const { return relationship_; }
  // The objects to load it for: the one being read (on_access), or those the query
  // loaded with the relationship still unloaded (after_load).
  std::span<const LoadedObject> parents() const { return parents_; }
  // The other objects the query that loaded `parent` loaded, in row order, that are
  // still persistent in this Session with this relationship unloaded: what a strategy
  // may load together with `parent`. Empty for an object no query loaded.
  std::vector<LoadedObject> unloaded_siblings(LoadedObject parent) const;

  // Loads the relationship for `parents` with one SELECT per batch of at most
  // `batch_size` parent keys (IN (...)), and installs it; many-to-one targets already
  // in the identity map cost nothing. What selectin does.
  void load_in_batches(std::span<const LoadedObject> parents, std::size_t batch_size) const;
  // For a many-to-one, the target known without a statement: the empty handle when
  // `parent`'s foreign key is NULL, the identity map's object for it when there is
  // one. nullopt when only a statement can tell (and for other directions).
  std::optional<LoadedObject> known_target(LoadedObject parent) const;
  // The SELECT of `parent`'s related rows, in the relationship's order (joining the
  // association table of a many-to-many); nullopt when a key value is NULL and
  // nothing can be related.
  std::optional<sql::Select> related_select(LoadedObject parent) const;
  // Runs a SELECT of the target's columns (related_select, or one built like it) and
  // returns one object per row, each once, from the identity map or new.
  std::vector<LoadedObject> load(sql::Select query) const;
  // Installs the relationship's loaded value on `parent`: `items` for a collection,
  // the item (or none) for a one<>; more than one item for a one<> is
  // MultipleResultsFound naming the relationship.
  void set(LoadedObject parent, std::span<const LoadedObject> items) const;

 private:
  friend struct LoaderAccess;
  LoadContext(SessionImpl& session, const RelationshipProperty& relationship,
              std::shared_ptr<const QueryLoad> query, std::span<const LoadedObject> parents);
  SessionImpl& session_;
  const RelationshipProperty& relationship_;
  std::shared_ptr<const QueryLoad> query_;  // the parents' query (null: none)
  std::span<const LoadedObject> parents_;  // the caller's, for the hook's call
};

// Reads the columns a strategy added to a parent query, row by row.
class RELATE_API RowLoader {
 public:
  virtual ~RowLoader() = default;
  // `parent` is the row's parent object (the same object for every row of a parent).
  virtual void process_row(LoadedObject parent, Cursor& row) = 0;
  // After the last row.
  virtual void finish() = 0;
};

// The parents' SELECT while it is built, for one relationship of theirs.
class RELATE_API QuerySetup {
 public:
  QuerySetup(const QuerySetup&) = delete;
  QuerySetup& operator=(const QuerySetup&) = delete;

  const RelationshipProperty& relationship() const { return relationship_; }
  sql::Select& query() { return query_; }
  // The parents' table (or subquery) as the query names it.
  const std::string& parent_alias() const { return parent_alias_; }
  // The query's own entry holding the relationship's rows: its join along the
  // relationship, or the alias an option named (contains_eager(member, alias)); null
  // when the query has none.
  const std::string* joined_alias() const;
  // Adds LEFT OUTER JOINs from the parents to the relationship's target (through the
  // association table of a many-to-many) under fresh aliases, and the relationship's
  // ORDER BY after the query's; returns the target's alias.
  std::string join_target();
  // Reads the relationship from the query's rows: adds the target's columns under
  // `alias` (and the strategies of the target's own relationships that read from the
  // same statement), and returns what turns each row into the parent's related object
  // and installs the relationship after the last row. Parents whose relationship was
  // loaded already keep it.
  std::unique_ptr<RowLoader> read_rows(const std::string& alias);

 private:
  friend struct LoaderAccess;
  QuerySetup(SessionImpl& session, const RelationshipProperty& relationship, sql::Select& query,
             std::string parent_alias, std::shared_ptr<QueryLoad> load);
  SessionImpl& session_;
  const RelationshipProperty& relationship_;
  sql::Select& query_;
  std::string parent_alias_;
  std::shared_ptr<QueryLoad> load_;
};

class RELATE_API LoaderStrategy {
 public:
  virtual ~LoaderStrategy() = default;
  virtual std::string_view name() const = 0;

  virtual std::unique_ptr<RowLoader> setup_query(QuerySetup& /*setup*/) const { return nullptr; }
  // True if setup_query joins a collection (so rows repeat parents): a LIMIT/OFFSET
  // on the parent query then moves into a subquery to count parents, not rows.
  virtual bool joins_collection(const RelationshipProperty& /*rel*/) const { return false; }
  virtual void after_load(const LoadContext& /*context*/) const {}
  virtual void on_access(const LoadContext& context) const = 0;
};

// Registers a strategy under its name(), replacing one of the same name.
RELATE_API void register_loader_strategy(std::shared_ptr<const LoaderStrategy> strategy);
// Throws ArgumentError listing the registered names when `name` is unknown.
RELATE_API const LoaderStrategy& find_loader_strategy(std::string_view name);
RELATE_API std::vector<std::string> registered_loader_strategies();

}  // namespace relate
