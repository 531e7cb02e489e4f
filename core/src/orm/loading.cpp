#include <algorithm>
#include <relate/engine/driver.hpp>
#include <relate/errors.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>
#include <unordered_set>

#include "join_condition.hpp"
#include "key_index.hpp"
#include "loader_access.hpp"
#include "loading.hpp"
#include "session_impl.hpp"

namespace relate {

sql::Select entity_select(const Mapper& mapper, const std::string& alias) {
  sql::Select s;
  s.from.table = &mapper.table();
  s.from.alias = alias;
  s.columns.reserve(mapper.columns().size());
  for (const auto& c : mapper.columns()) s.columns.push_back(sql::column(*c.column, alias));
  return s;
}

namespace {

// A parent value the relationship's key compares with = is NULL: nothing is related.
bool null_key(const RelationshipProperty& rel, const InstanceState& parent) {
  auto is_null = [&](std::size_t column) {
    return rel.parent().get(parent.object(), column).is_null();
  };
  if (rel.direction() == RelationshipDirection::many_to_many) {
    for (const auto& pair : rel.parent_secondary())
      if (is_null(pair.key)) return true;
    return false;
  }
  const bool one_to_many = rel.direction() == RelationshipDirection::one_to_many;
  for (const auto& pair : rel.column_pairs())
    if (is_null(one_to_many ? pair.referenced : pair.foreign)) return true;
  return false;
}

// JOIN of a many-to-many's association table onto its target, the target being the
// query's FROM: the one part the lazy and selectin queries of a many-to-many share.
sql::Join secondary_join(const RelationshipProperty& rel) {
  return sql::Join{sql::FromTable{rel.secondary(), {}, nullptr},
                   name_join(rel.secondaryjoin(), rel, {}), false};
}

}  // namespace

sql::Expr relationship_criteria(const RelationshipProperty& rel, const InstanceState& parent,
                                const std::string& target_alias) {
  if (null_key(rel, parent)) return nullptr;
  JoinNames names;
  names.target = target_alias;
  names.parent_values = &parent;
  return name_join(rel.primaryjoin(), rel, names);
}

std::optional<sql::Select> relationship_select(const RelationshipProperty& rel,
                                               const InstanceState& parent) {
  sql::Select query = entity_select(rel.target());
  if (rel.direction() == RelationshipDirection::many_to_many) {
    query.joins.push_back(secondary_join(rel));
  }
  // For a many-to-many, the primaryjoin is between the parent and the association table.
  query.where = relationship_criteria(rel, parent);
  if (!query.where) return std::nullopt;
  query.order_by = relationship_order(rel);
  return query;
}

std::vector<sql::OrderBy> relationship_order(const RelationshipProperty& rel,
                                             const std::string& target_alias) {
  std::vector<sql::OrderBy> out;
  for (const auto& o : rel.order_by()) {
    out.push_back(sql::OrderBy{sql::column(*rel.target().columns()[o.column].column, target_alias),
                               o.descending});
  }
  return out;
}

void join_relationship(sql::Select& query, const RelationshipProperty& rel,
                       const std::string& parent_alias, const std::string& target_alias,
                       const std::string& secondary_alias) {
  const JoinNames names{parent_alias, target_alias, secondary_alias, nullptr};
  if (rel.direction() == RelationshipDirection::many_to_many) {
    query.joins.push_back(sql::Join{sql::FromTable{rel.secondary(), secondary_alias, nullptr},
                                    name_join(rel.primaryjoin(), rel, names), true});
    query.joins.push_back(sql::Join{sql::FromTable{&rel.target().table(), target_alias, nullptr},
                                    name_join(rel.secondaryjoin(), rel, names), true});
    return;
  }
  query.joins.push_back(sql::Join{sql::FromTable{&rel.target().table(), target_alias, nullptr},
                                  name_join(rel.primaryjoin(), rel, names), true});
}

std::vector<Value> foreign_key_target(const RelationshipProperty& rel,
                                      const InstanceState& parent) {
  // The target's primary key, in primary key order, from the parent's foreign key;
  // none when the join says more than the key (the row might not match it).
  if (!rel.key_join()) return {};
  std::vector<Value> key;
  for (std::size_t pk : rel.target().primary_key()) {
    bool found = false;
    for (const auto& pair : rel.column_pairs()) {
      if (pair.referenced == pk) {
        key.push_back(rel.parent().get(parent.object(), pair.foreign));
        found = true;
      }
    }
    if (!found) return {};  // the foreign key refers to a unique key, not the primary key
  }
  return key;
}

void set_relationship(const RelationshipProperty& rel, InstanceState& parent,
                      std::span<InstanceState* const> items) {
  if (!rel.uselist() && items.size() > 1) {
    throw MultipleResultsFound("'" + rel.name() + "' is a one<" + std::string(rel.target().name()) +
                               "> but " + std::to_string(items.size()) + " rows of table '" +
                               rel.target().table().name() + "' are related to one " +
                               std::string(rel.parent().name()));
  }
  rel.attribute(parent.object()).set_loaded(items);
}

InstanceState* load_instance(SessionImpl& session, const Mapper& mapper, Cursor& row,
                             std::size_t first_column,
                             const std::shared_ptr<QueryLoad>& context) {
  return session.instance_from_row(mapper, row, first_column, context);
}

InstanceState* existing_instance(SessionImpl& session, const Mapper& mapper, Cursor& row,
                                 std::size_t first_column) {
  return session.existing_from_row(mapper, row, first_column);
}

std::optional<InstanceState*> held_target(SessionImpl& session, const RelationshipProperty& rel,
                                          const InstanceState& parent) {
  if (rel.direction() != RelationshipDirection::many_to_one) return std::nullopt;
  const std::vector<Value> key = foreign_key_target(rel, parent);
  if (key.empty()) return std::nullopt;
  if (std::all_of(key.begin(), key.end(), [](const Value& v) { return v.is_null(); })) {
    return nullptr;
  }
  if (InstanceState* hit = session.lookup(rel.target(), key)) return hit;
  return std::nullopt;
}

namespace {

// LIMIT/OFFSET with joined collections counts parents: the parent query becomes a
// subquery, and the joins hang off it. The outer query orders as the inner one: by the
// parent's own columns, and by anything else (a joined table's column, an
// expression) through a column the inner query adds for it, as SQLAlchemy does.
void wrap_for_limit(sql::Select& query, const Mapper& mapper, std::string& parent_alias) {
  const std::string alias = "anon_1";
  auto inner = std::make_shared<sql::Select>(query);
  sql::Select outer = entity_select(mapper, alias);
  outer.with = std::move(inner->with);  // WITH stays on the statement
  inner->with.clear();
  for (std::size_t i = 0; i < inner->order_by.size(); ++i) {
    const sql::OrderBy& o = inner->order_by[i];
    const auto* c = std::get_if<sql::ColumnRef>(&o.expr->v);
    if (c && &c->column->table() == &mapper.table() && c->qualifier == inner->from.alias) {
      outer.order_by.push_back(sql::OrderBy{sql::column(*c->column, alias), o.descending});
      continue;
    }
    std::string name = alias + "_order_" + std::to_string(i + 1);
    inner->columns.push_back(sql::make_node(sql::Label{o.expr, name}));
    outer.order_by.push_back(sql::OrderBy{sql::make_node(sql::LabelRef{name}), o.descending});
  }
  outer.from.subquery = inner;
  query = std::move(outer);
  parent_alias = alias;
}

}  // namespace

std::vector<InstanceState*> load_entities(
    SessionImpl& session, const Mapper& mapper, sql::Select query,
    const std::shared_ptr<QueryLoad>& context,
    const std::function<void(InstanceState&, Cursor&)>& on_row) {
  std::vector<std::pair<const RelationshipProperty*, const LoaderStrategy*>> strategies;
  bool joins_collection = false;
  for (const RelationshipProperty* rel : mapper.relationships()) {
    const LoaderStrategy& strategy = context->strategy_for(*rel);
    strategies.emplace_back(rel, &strategy);
    joins_collection = joins_collection || strategy.joins_collection(*rel);
  }
  std::string parent_alias = query.from.alias.empty() ? mapper.table().name() : query.from.alias;
  if (joins_collection && (query.limit || query.offset)) {
    wrap_for_limit(query, mapper, parent_alias);
    // The query's own joins are inside the subquery now: no strategy reads from them.
    context->joined.clear();
  }
  std::vector<std::unique_ptr<RowLoader>> row_loaders;
  for (const auto& [rel, strategy] : strategies) {
    QuerySetup setup = LoaderAccess::setup(session, *rel, query, parent_alias, context);
    if (auto loader = strategy->setup_query(setup)) {
      row_loaders.push_back(std::move(loader));
    }
  }

  std::vector<InstanceState*> out;
  std::unordered_set<InstanceState*> seen;
  // Every load that runs a statement, a strategy's too; a query flushed already.
  session.autoflush(SessionImpl::AutoflushBefore::lazy_load);
  auto cursor = session.connection().execute(query);
  while (cursor->next()) {
    InstanceState* parent = session.instance_from_row(mapper, *cursor, 0, context);
    if (on_row) on_row(*parent, *cursor);
    for (const auto& loader : row_loaders) loader->process_row(LoaderAccess::handle(parent), *cursor);
    // Joined rows repeat their parent: each parent is returned once. Its rows
    // usually come together, which the comparison with the last one answers.
    if (row_loaders.empty() ||
        ((out.empty() || out.back() != parent) && seen.insert(parent).second)) {
      out.push_back(parent);
    }
  }
  cursor.reset();
  for (const auto& loader : row_loaders) loader->finish();

  session.after_load(mapper, out, context);
  return out;
}

namespace {

// How a batch of parents finds its related rows: the parent-side key columns, and what
// they match in the target's query (target columns, association columns, or, for a
// join that says more than a key, the parent's own key under an alias joined by the
// relationship's condition, as SQLAlchemy's selectinload does then).
struct KeyMatch {
  std::vector<std::size_t> parent_columns;
  std::vector<sql::Expr> match;
  std::vector<sql::Join> joins;  // onto the target's table
  // The matched columns are read back from each row (after the target's columns) to
  // tell which parent it is for; otherwise the target's own values tell.
  bool keys_in_row = false;

  explicit KeyMatch(const RelationshipProperty& rel) {
    const bool many_to_many = rel.direction() == RelationshipDirection::many_to_many;
    if (many_to_many) joins.push_back(secondary_join(rel));
    if (!rel.key_join()) {
      // (a name no other table of the statement has; the strategies below join theirs
      // as <table>_<n>)
      std::string alias = "anon_parent";
      while (alias == rel.target().table().name() ||
             (rel.secondary() && alias == rel.secondary()->name())) {
        alias += "_";
      }
      JoinNames names;
      names.parent = alias;
      joins.push_back(sql::Join{sql::FromTable{&rel.parent().table(), alias, nullptr},
                                name_join(rel.primaryjoin(), rel, names), false});
      for (std::size_t key : rel.parent().primary_key()) {
        parent_columns.push_back(key);
        match.push_back(sql::column(*rel.parent().columns()[key].column, alias));
      }
      keys_in_row = true;
      return;
    }
    if (many_to_many) {
      for (const auto& pair : rel.parent_secondary()) {
        parent_columns.push_back(pair.key);
        match.push_back(sql::column(*pair.column));
      }
      keys_in_row = true;
      return;
    }
    const bool many_to_one = rel.direction() == RelationshipDirection::many_to_one;
    for (const auto& pair : rel.column_pairs()) {
      parent_columns.push_back(many_to_one ? pair.foreign : pair.referenced);
      match.push_back(sql::column(
          *rel.target().columns()[many_to_one ? pair.referenced : pair.foreign].column));
    }
  }
};

// The parents of one load_in_batches, grouped by their key, and the items the loads
// found for each key: flat, with no node or vector per key.
struct Groups {
  KeyIndex keys;
  std::vector<InstanceState*> waiting;     // the parents still to set, in order
  std::vector<std::size_t> group_of;       // per waiting parent: its key's number
  std::vector<std::pair<std::size_t, InstanceState*>> found;  // (key number, item), row order
};

// The key `columns` of `s` hold; nullopt when a value of it is NULL.
std::optional<IdentityKey> key_of(const Mapper& m, const InstanceState& s,
                                  const std::vector<std::size_t>& columns) {
  IdentityKey key{nullptr, {}};
  for (std::size_t c : columns) {
    key.values.push_back(m.get(s.object(), c));
    if (key.values.back().is_null()) return std::nullopt;
  }
  return key;
}

// Groups the parents by key (numbered in first-seen order). A parent whose key is
// NULL, or whose many-to-one target the Session already has, is set at once.
void group_parents(SessionImpl& session, const RelationshipProperty& rel,
                   std::span<InstanceState* const> parents, const KeyMatch& km, Groups& groups) {
  const bool by_primary_key = rel.direction() == RelationshipDirection::many_to_one &&
                              !foreign_key_target(rel, *parents.front()).empty();
  for (InstanceState* p : parents) {
    std::optional<IdentityKey> key = key_of(rel.parent(), *p, km.parent_columns);
    if (!key) {
      set_relationship(rel, *p, {});
      continue;
    }
    if (by_primary_key) {
      if (InstanceState* hit = session.lookup(rel.target(), foreign_key_target(rel, *p))) {
        set_relationship(rel, *p, std::span(&hit, 1));
        continue;
      }
    }
    groups.group_of.push_back(groups.keys.add(std::move(*key)));
    groups.waiting.push_back(p);
  }
}

// Loads the targets of the parent keys numbered [first, last) into `groups.found`.
void load_batch(SessionImpl& session, const RelationshipProperty& rel, const KeyMatch& km,
                std::size_t first, std::size_t last,
                const std::shared_ptr<QueryLoad>& child_context, Groups& groups) {
  const Mapper& target = rel.target();
  sql::Select query = entity_select(target);
  query.joins = km.joins;
  if (km.keys_in_row) {
    for (const auto& m : km.match) query.columns.push_back(m);
  }
  std::vector<std::vector<Value>> keys;
  keys.reserve(last - first);
  for (std::size_t k = first; k < last; ++k) {
    const KeyValues& v = groups.keys.keys()[k].values;
    keys.emplace_back(v.begin(), v.end());
  }
  query.where = sql::tuple_in(km.match, std::move(keys));
  query.order_by = relationship_order(rel);

  std::function<void(InstanceState&, Cursor&)> on_row;
  if (km.keys_in_row) {
    // The key columns after the target's tell which parent the row is for.
    on_row = [&](InstanceState& item, Cursor& row) {
      IdentityKey key{nullptr, {}};
      for (std::size_t i = 0; i < km.parent_columns.size(); ++i) {
        key.values.push_back(
            normalize(row.get(target.columns().size() + i),
                      rel.parent().columns()[km.parent_columns[i]].column->type()));
      }
      const std::size_t group = groups.keys.find(key);
      if (group != KeyIndex::npos) groups.found.emplace_back(group, &item);
    };
  }
  auto items = load_entities(session, target, std::move(query), child_context, on_row);
  if (km.keys_in_row) return;
  const bool many_to_one = rel.direction() == RelationshipDirection::many_to_one;
  for (InstanceState* item : items) {
    // Grouped by the database's values (committed), not by unflushed edits.
    IdentityKey key{nullptr, {}};
    for (const auto& pair : rel.column_pairs()) {
      key.values.push_back(item->committed()[many_to_one ? pair.referenced : pair.foreign]);
    }
    const std::size_t group = groups.keys.find(key);
    if (group != KeyIndex::npos) groups.found.emplace_back(group, item);
  }
}

// The items found, ordered by key number and in row order within a key (a counting
// sort), each item once per key (a collection joined below the target repeats its
// row); `begin[k]`..`begin[k + 1]` are key k's.
std::vector<InstanceState*> items_by_key(const Groups& groups, std::vector<std::size_t>& begin) {
  begin.assign(groups.keys.size() + 1, 0);
  for (const auto& [group, item] : groups.found) ++begin[group + 1];
  for (std::size_t k = 0; k < groups.keys.size(); ++k) begin[k + 1] += begin[k];
  std::vector<InstanceState*> items(groups.found.size());
  std::vector<std::size_t> next(begin.begin(), begin.end() - 1);
  for (const auto& [group, item] : groups.found) items[next[group]++] = item;
  // Repeats: each key's items after the first sight of each are dropped.
  std::vector<InstanceState*> out;
  out.reserve(items.size());
  std::unordered_set<const InstanceState*> seen;
  for (std::size_t k = 0; k < groups.keys.size(); ++k) {
    const std::size_t first = begin[k];
    begin[k] = out.size();
    const auto run = std::span(items).subspan(first, next[k] - first);
    seen.clear();
    for (InstanceState* item : run) {
      // (runs are short: a linear look before any set)
      const bool repeated = run.size() <= 16
                                ? std::find(out.begin() + static_cast<std::ptrdiff_t>(begin[k]),
                                            out.end(), item) != out.end()
                                : !seen.insert(item).second;
      if (!repeated) out.push_back(item);
    }
  }
  begin[groups.keys.size()] = out.size();
  return out;
}

}  // namespace

void load_in_batches(SessionImpl& session, const RelationshipProperty& rel,
                     std::span<InstanceState* const> parents,
                     const std::shared_ptr<const QueryLoad>& context, std::size_t batch_size) {
  if (parents.empty()) return;
  const auto child_context = context ? context->child(rel) : std::make_shared<QueryLoad>();
  const KeyMatch km(rel);
  const std::size_t limit = std::max<std::size_t>(
      1, session.connection().dialect().max_parameters() / km.parent_columns.size());
  batch_size = std::clamp<std::size_t>(batch_size, 1, limit);

  Groups groups;
  group_parents(session, rel, parents, km, groups);
  for (std::size_t first = 0; first < groups.keys.size(); first += batch_size) {
    load_batch(session, rel, km, first, std::min(groups.keys.size(), first + batch_size),
               child_context, groups);
  }
  std::vector<std::size_t> begin;
  const std::vector<InstanceState*> items = items_by_key(groups, begin);
  for (std::size_t i = 0; i < groups.waiting.size(); ++i) {
    const std::size_t k = groups.group_of[i];
    set_relationship(rel, *groups.waiting[i],
                     std::span(items).subspan(begin[k], begin[k + 1] - begin[k]));
  }
}

}  // namespace relate
