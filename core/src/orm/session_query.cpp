// Loading through the Session: objects made from rows through the identity map, get(),
// and ORM queries with their loader options (the statement itself comes from
// query_compiler.cpp, the loading of relationships from the loader strategies).
#include <algorithm>
#include <functional>
#include <optional>
#include <relate/engine/driver.hpp>
#include <relate/orm/attributes.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>
#include <unordered_set>

#include "loader_access.hpp"
#include "loading.hpp"
#include "query_compiler.hpp"
#include "session_impl.hpp"

namespace relate {

namespace {

// The identity key of the row's object (columns from `first_column` on); nullopt when
// its key columns are all NULL (no row on the outer side of a join).
std::optional<IdentityKey> row_identity(const Mapper& mapper, Cursor& cursor,
                                        std::size_t first_column) {
  const auto& columns = mapper.columns();
  IdentityKey key{&mapper, {}};
  bool all_null = true;
  for (std::size_t i : mapper.primary_key()) {
    key.values.push_back(normalize(cursor.get(first_column + i), columns[i].column->type()));
    all_null = all_null && key.values.back().is_null();
  }
  if (all_null) return std::nullopt;
  return key;
}

}  // namespace

InstanceState* SessionImpl::existing_from_row(const Mapper& mapper, Cursor& cursor,
                                              std::size_t first_column) {
  std::optional<IdentityKey> key = row_identity(mapper, cursor, first_column);
  if (!key) return nullptr;
  InstanceState* existing = identity_.find(mapper, key->span());
  if (existing) refresh_expired_from_row(*existing, mapper, cursor, first_column);
  return existing;
}

void SessionImpl::refresh_expired_from_row(InstanceState& existing, const Mapper& mapper,
                                           Cursor& cursor, std::size_t first_column) {
  // The identity map's object stands, but what it has expired takes the row's values
  // (SQLAlchemy populates an object's unloaded attributes from any row that brings it).
  if (!existing.expired()) [[likely]]
    return;
  const auto& columns = mapper.columns();
  std::vector<Value> row;
  row.reserve(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    row.push_back(normalize(cursor.get(first_column + i), columns[i].column->type()));
  }
  fill_expired(existing, mapper, row);
}

InstanceState* SessionImpl::instance_from_row(const Mapper& mapper, Cursor& cursor,
                                              std::size_t first_column,
                                              const std::shared_ptr<QueryLoad>& context) {
  const auto& pk = mapper.primary_key();
  const auto& columns = mapper.columns();
  std::optional<IdentityKey> key = row_identity(mapper, cursor, first_column);
  if (!key) return nullptr;
  // One hash for both the lookup and the new entry.
  const std::span<const Value> key_values = key->span();
  const std::size_t hash = IdentityMap::hash(mapper, key_values);
  if (InstanceState* existing = identity_.find(mapper, key_values, hash)) {
    refresh_expired_from_row(*existing, mapper, cursor, first_column);
    return existing;
  }

  InstanceState* state = mapper.create_in(*graph_);
  {
    // The row is read once into a scratch vector kept between rows: it is encoded
    // into the snapshot, then moved into the object's members.
    std::vector<Value> row = std::move(row_scratch_);
    row.clear();
    const std::size_t n = columns.size();
    for (std::size_t i = 0; i < n; ++i) {
      // (Not one ?: expression: its type would be const Value, and every column read
      // would be copied into the row instead of moved.)
      const auto in_key = std::find(pk.begin(), pk.end(), i);
      if (in_key != pk.end()) {
        row.push_back(key_values[static_cast<std::size_t>(in_key - pk.begin())]);
      } else {
        row.push_back(normalize(cursor.get(first_column + i), columns[i].column->type()));
      }
    }
    InstanceAccess::committed(*state) = RowSnapshot(row, *graph_);
    for (std::size_t i = 0; i < n; ++i) {
      try {
        mapper.set(state->object(), i, std::move(row[i]));
      } catch (const DataError& e) {
        throw DataError("loading " + std::string(mapper.name()) +
                        "::" + std::string(columns[i].member) + " from table '" +
                        mapper.table().name() + "': " + e.what());
      }
    }
    row_scratch_ = std::move(row);
  }
  // (Not before: an object whose row fails to load is never under the key.)
  identity_.put(mapper, key_values, hash, *state);
  mapper.bind(*state, false);
  InstanceAccess::session(*state) = this;
  InstanceAccess::status(*state) = ObjectStatus::persistent;
  if (context) {
    // Its objects point at the load; the graph they live in keeps it.
    if (!context->held_by_graph(graph_)) {
      graph_->hold(context);
      context->held_by = graph_;
    }
    InstanceAccess::context(*state) = context.get();
  }
  InstanceAccess::sequence(*state) = ++next_sequence_;
  if (context) context->loaded.push_back(state);
  return state;
}

InstanceState* SessionImpl::get(const Mapper& mapper, std::vector<Value> key) {
  check_usable();
  if (key.size() != mapper.primary_key().size()) {
    throw ArgumentError("get<" + std::string(mapper.name()) + "> takes " +
                        std::to_string(mapper.primary_key().size()) + " key value(s), got " +
                        std::to_string(key.size()));
  }
  if (InstanceState* s = lookup(mapper, key)) {
    if (s->status() == ObjectStatus::deleted) return nullptr;
    // As SQLAlchemy's get(): an expired object loads, and is not there if its row is not.
    if (s->expired()) {
      try {
        load_expired(*s);
      } catch (const ObjectDeletedError&) {
        return nullptr;
      }
    }
    return s;
  }
  sql::Select q = entity_select(mapper);
  for (std::size_t i = 0; i < key.size(); ++i) {
    q.where = sql::and_(q.where,
                        sql::binary(sql::BinaryOp::eq,
                                    sql::column(*mapper.columns()[mapper.primary_key()[i]].column),
                                    sql::param(std::move(key[i]))));
  }
  // As SQLAlchemy's get(): the identity map first, then autoflush (which may insert a
  // pending object with this key), then the SELECT.
  autoflush(AutoflushBefore::query);
  auto rows = load_entities(*this, mapper, q, std::make_shared<QueryLoad>());
  return rows.empty() ? nullptr : rows.front();
}

namespace {

std::vector<const RelationshipProperty*> resolve_path(const Mapper& root,
                                                      const LoaderOption& option) {
  std::vector<const RelationshipProperty*> path;
  const Mapper* at = &root;
  for (const auto& step : option.steps()) {
    const Mapper::RelationshipField* f =
        step.member.model == at->type() ? at->relationship_field(step.member.field) : nullptr;
    if (!f) {
      throw ArgumentError("loader option " + std::string(step.member.model_name) + "::" +
                          std::string(step.member.member_name) + " is not a relationship of " +
                          std::string(at->name()) + " at this point of the path");
    }
    path.push_back(f->property);
    at = &f->property->target();
  }
  return path;
}

}  // namespace

std::shared_ptr<QueryLoad> SessionImpl::options_context(const Mapper& mapper,
                                                          const std::vector<LoaderOption>& options,
                                                          const QueryCompiler* compiler) const {
  auto context = std::make_shared<QueryLoad>();
  for (const auto& option : options) {
    auto path = resolve_path(mapper, option);
    for (std::size_t i = 0; i < path.size(); ++i) {
      std::vector<const RelationshipProperty*> prefix(
          path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      const LoaderOption::Step& step = option.steps()[i];
      if (step.alias) {
        if (!compiler) {
          throw ArgumentError("the loader option on " + path[i]->name() +
                              " names an alias, and a statement Relate did not build has "
                              "none: from_statement() takes options without aliases");
        }
        context->joined.push_back(
            {prefix, compiler->alias_name(path[i]->target().type(), step.alias,
                                          "the loader option on " + path[i]->name())});
      }
      context->options.push_back(
          QueryLoad::Option{std::move(prefix), &find_loader_strategy(step.strategy)});
    }
  }
  return context;
}

void SessionImpl::after_load(const Mapper& mapper, const std::vector<InstanceState*>& objects,
                             const std::shared_ptr<QueryLoad>& context) {
  // Each object once, though rows repeat it (a join, raw SQL): loading a relationship
  // twice would drop the changes the first load merged in (set_loaded).
  std::vector<InstanceState*> unique;
  unique.reserve(objects.size());
  std::unordered_set<const InstanceState*> seen;
  for (InstanceState* o : objects) {
    if (seen.insert(o).second) unique.push_back(o);
  }
  for (const RelationshipProperty* rel : mapper.relationships()) {
    std::vector<InstanceState*> parents;
    for (InstanceState* p : unique) {
      if (!rel->attribute(p->object()).is_loaded()) parents.push_back(p);
    }
    if (parents.empty()) continue;
    const std::vector<LoadedObject> handles = LoaderAccess::handles(parents);
    context->strategy_for(*rel).after_load(LoaderAccess::context(*this, *rel, context, handles));
  }
}

std::vector<InstanceState*> SessionImpl::query(
    const Mapper& mapper, const QuerySpec& spec,
    const std::function<void(InstanceState&, Cursor&)>& on_row) {
  check_usable();
  QueryCompiler compiler(metadata);
  sql::Select q = compiler.entity_query(mapper, spec);

  auto context = options_context(mapper, spec.options, &compiler);
  for (auto& j : compiler.relationship_joins()) context->joined.push_back(std::move(j));
  if (!spec.columns.empty()) {
    // A row per object and columns: a strategy that joins a collection would repeat
    // the row per child (SQLAlchemy asks for unique() there).
    for (const RelationshipProperty* rel : mapper.relationships()) {
      if (context->strategy_for(*rel).joins_collection(*rel)) {
        throw ArgumentError("select<" + std::string(mapper.name()) +
                            ">(columns...) loads " + rel->name() +
                            " with a strategy that joins the collection, which repeats "
                            "each row per child: load it with selectinload()");
      }
    }
  }
  autoflush(AutoflushBefore::query);
  return load_entities(*this, mapper, std::move(q), context, on_row);
}

void SessionImpl::load_relationship(InstanceState& parent, const RelationshipProperty& rel) {
  // A load is work of the Session even where the identity map answers it without a
  // statement (a many-to-one whose object is held): after a failed flush, none.
  check_usable();
  const QueryLoad* loaded_by = InstanceAccess::context(parent);
  const std::shared_ptr<const QueryLoad> context =
      loaded_by ? loaded_by->shared_from_this() : nullptr;
  const LoaderStrategy& strategy =
      context ? context->strategy_for(rel) : find_loader_strategy(rel.lazy());
  const LoadedObject one[] = {LoaderAccess::handle(&parent)};
  strategy.on_access(LoaderAccess::context(*this, rel, context, one));
}

}  // namespace relate
