#include "loading.hpp"
#include "query_compiler.hpp"

#include <algorithm>
#include <relate/errors.hpp>
#include <relate/metadata.hpp>
#include <relate/orm/cte.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/orm/with_parent.hpp>
#include <relate/schema.hpp>

#include "join_condition.hpp"

namespace relate {

namespace {

std::string member_text(const MemberRef& m) {
  return std::string(m.model_name) + "::" + std::string(m.member_name);
}

// The model of the first member an expression names, if any.
const MemberExpression* first_member(const sql::Expr& e) {
  const MemberExpression* found = nullptr;
  sql::transform_deferred(e, [&](const sql::Deferred& d) {
    if (!found) found = dynamic_cast<const MemberExpression*>(d.ref.get());
    return sql::make_node(d);
  });
  return found;
}

}  // namespace

std::string MemberExpression::describe() const { return member_text(member); }
std::string SubqueryExpression::describe() const { return "a subquery"; }
std::string ParentCriterion::describe() const {
  return "with_parent(" + member_text(relationship) + ")";
}

std::string RelationshipPredicate::describe() const {
  return "the relationship " + member_text(relationship);
}

namespace detail {
sql::Expr subquery(SubqueryExpression::Kind kind, const QuerySpec& spec, std::type_index entity,
                   sql::Expr operand) {
  return sql::make_node(sql::Deferred{std::make_shared<const SubqueryExpression>(
      kind, std::make_shared<const QuerySpec>(spec), entity, std::move(operand))});
}

std::uint64_t next_alias_id() {
  static std::atomic<std::uint64_t> next{0};
  return ++next;
}
}  // namespace detail

QueryCompiler::QueryCompiler(const MetaData& metadata, const QueryCompiler* outer,
                             const QueryCompiler* statement)
    : metadata_(metadata), outer_(outer), statement_(statement) {}

const QueryCompiler& QueryCompiler::root() const {
  const QueryCompiler* at = this;
  while (at->outer_ || at->statement_) at = at->outer_ ? at->outer_ : at->statement_;
  return *at;
}

sql::Select QueryCompiler::entity_query(const Mapper& mapper, const QuerySpec& spec) {
  sql::Select query = entity_select(mapper);
  if (spec.select_from && *spec.select_from != mapper.type()) {
    throw ArgumentError("select<" + std::string(mapper.name()) +
                        ">().select_from(): the alias is of another model");
  }
  from(query, add_source(mapper, spec.select_from_alias, spec.select_from_cte.definition));
  clauses(query, spec);
  const std::size_t first = query.columns.size();
  for (const auto& c : spec.columns) query.columns.push_back(resolve(c));
  read_timestamps_as_text(query, spec, first);
  finish(query);
  return query;
}

sql::Select QueryCompiler::row_query(const QuerySpec& spec) {
  sql::Select query = row_select(spec);
  read_timestamps_as_text(query, spec, 0);
  return query;
}

void QueryCompiler::read_timestamps_as_text(sql::Select& query, const QuerySpec& spec,
                                            std::size_t first) {
  for (std::size_t i = 0; i < spec.columns.size(); ++i) {
    // Timestamps are read as text on every backend (as entity columns are).
    sql::Expr& c = query.columns[first + i];
    if (spec.column_types[i] == ColumnType::timestamp && !std::get_if<sql::ColumnRef>(&c->v)) {
      c = sql::make_node(sql::Cast{c, ColumnType::text});
    }
  }
}

sql::Select QueryCompiler::row_select(const QuerySpec& spec) {
  sql::Select query;
  if (spec.select_from) {
    from(query, add_source_of(*spec.select_from, spec.select_from_alias,
                              spec.select_from_cte.definition, "select_from()"));
  } else {
    const MemberExpression* first = nullptr;
    for (const auto& c : spec.columns) {
      if ((first = first_member(c))) break;
    }
    if (!first) {
      throw ArgumentError(
          "a select of expressions that name no model member needs select_from<Model>() to "
          "say what it selects from");
    }
    const std::shared_ptr<const NamedQuery> cte = first->cte.lock();
    if (first->of_cte && !cte) {
      throw ArgumentError("the query selects " + first->describe() +
                          " of a CTE or subquery that no longer exists: keep it until the "
                          "query has run, or select_from() it");
    }
    from(query, add_source_of(first->member.model, first->alias, cte.get(), first->describe()));
  }
  clauses(query, spec);
  for (const auto& c : spec.columns) query.columns.push_back(resolve(c));
  finish(query);
  return query;
}

sql::Expr QueryCompiler::table_expression(const Mapper& mapper, const sql::Expr& e) {
  if (!find_source(mapper.type(), 0)) add_source(mapper, 0);
  sql::Expr out = resolve(e);
  if (!with_.empty()) {
    throw ArgumentError("a bulk UPDATE or DELETE cannot refer to a CTE (" + with_.front().name +
                        ") yet: select the keys first");
  }
  return out;
}

void QueryCompiler::finish(sql::Select& query) const {
  if (&root() == this) query.with = with_;
}

void QueryCompiler::use_cte(const NamedQuery& cte) const {
  const QueryCompiler& top = root();
  auto& started = top.ctes_started_;
  // Already a WITH entry, or its own recursive part referring to it.
  if (std::find(started.begin(), started.end(), &cte) != started.end()) return;
  started.push_back(&cte);
  const Mapper* mapper = cte.row_table ? nullptr : &mapper_of(cte.entity, "a CTE");
  sql::CommonTable entry;
  entry.name = cte.name;
  if (mapper) {
    for (const auto& c : mapper->columns()) entry.columns.push_back(c.column);
  } else {
    for (const auto& c : cte.row_table->columns()) entry.columns.push_back(c.get());
  }
  // Each part is a SELECT of its own: it sees no outer query, and the CTEs it refers
  // to become WITH entries before this one.
  auto part = [&](const QuerySpec& spec) {
    QueryCompiler compiler(metadata_, nullptr, &top);
    return std::make_shared<const sql::Select>(mapper ? compiler.entity_query(*mapper, spec)
                                                      : compiler.row_select(spec));
  };
  entry.parts.push_back(part(cte.anchor));
  if (cte.recursive) {
    entry.parts.push_back(part(*cte.recursive));
    entry.union_all = cte.union_all;
  }
  top.with_.push_back(std::move(entry));
}

void QueryCompiler::from(sql::Select& query, const Source& s) {
  query.from = s.from_entry();
  if (!s.sql_alias.empty()) {
    for (auto& c : query.columns) {
      if (const auto* ref = std::get_if<sql::ColumnRef>(&c->v))
        c = sql::column(*ref->column, s.sql_alias);
    }
  }
}

void QueryCompiler::clauses(sql::Select& query, const QuerySpec& spec) {
  for (const JoinSpec& j : spec.joins) join(query, j);
  query.where = resolve(spec.where);
  for (const auto& g : spec.group_by) query.group_by.push_back(resolve(g));
  query.having = resolve(spec.having);
  for (const auto& o : spec.order_by)
    query.order_by.push_back(sql::OrderBy{resolve(o.expr), o.descending});
  query.distinct = spec.distinct;
  query.limit = spec.limit;
  query.offset = spec.offset;
}

void QueryCompiler::join(sql::Select& query, const JoinSpec& j) {
  if (!j.relationship) {
    const Source& s = add_source_of(j.target, j.target_alias, j.target_cte.definition, "join()");
    query.joins.push_back(sql::Join{s.from_entry(), resolve(j.on), j.outer});
    return;
  }
  const RelationshipPath& path = *j.relationship;
  const Source* parent = find_source(path.member.model, path.from_alias);
  if (!parent) {
    throw ArgumentError("join(" + member_text(path.member) + ") starts from " +
                        std::string(path.member.model_name) +
                        ", which the query does not select from or join before it");
  }
  const Mapper::RelationshipField* field =
      parent->mapper ? parent->mapper->relationship_field(path.member.field) : nullptr;
  if (!field) {
    throw ArgumentError("join(" + member_text(path.member) + "): not a relationship");
  }
  const RelationshipProperty& rel = *field->property;
  if (j.target != typeid(void) && j.target != rel.target().type()) {
    throw ArgumentError("join(" + member_text(path.member) + ", alias): the alias is not of " +
                        std::string(rel.target().name()));
  }
  const std::string parent_alias = parent->sql_alias;  // add_source may move *parent
  const auto parent_index = static_cast<std::size_t>(parent - sources_.data());
  Source& target = add_source(rel.target(), j.target_alias, j.target_cte.definition);
  target.via = &rel;
  target.parent = parent_index;
  const std::string secondary_alias =
      rel.secondary() && !target.sql_alias.empty() ? fresh_alias(rel.secondary()->name()) : "";
  const std::size_t first = query.joins.size();
  join_relationship(query, rel, parent_alias, target.sql_alias, secondary_alias);
  for (std::size_t i = first; i < query.joins.size(); ++i) query.joins[i].outer = j.outer;
  query.joins.back().target = target.from_entry();  // the target's join comes last
  if (j.on) query.joins.back().on = sql::and_(query.joins.back().on, resolve(j.on));
}

QueryCompiler::Source& QueryCompiler::add_source(const Mapper& mapper, std::uint64_t alias,
                                                 const NamedQuery* cte) {
  if (find_source(mapper.type(), alias) && !alias) {
    throw ArgumentError(std::string(mapper.name()) +
                        " is in the query already: join it again through an alias "
                        "(relate::aliased<" +
                        std::string(mapper.name()) + ">())");
  }
  if (alias && find_source(mapper.type(), alias)) {
    throw ArgumentError("an alias of " + std::string(mapper.name()) + " is joined twice");
  }
  if (cte) {
    const std::string what = (cte->subquery ? "the subquery " : "the CTE ") + cte->name;
    if (cte->row_table) {
      throw ArgumentError(what + " holds rows of columns, not objects of " +
                          std::string(mapper.name()) + ": select its columns");
    }
    if (cte->entity != mapper.type()) {
      throw ArgumentError(what + " holds rows of another model than " + std::string(mapper.name()));
    }
    if (cte->subquery) {
      // Compiled where it is used, seeing no query around it; the CTEs it refers to
      // become WITH entries of the statement.
      QueryCompiler body(metadata_, nullptr, &root());
      auto derived = std::make_shared<const sql::Select>(body.entity_query(mapper, cte->anchor));
      sources_.push_back(
          Source{&mapper, alias, cte->name.empty() ? fresh_alias("anon") : cte->name, cte});
      sources_.back().derived = std::move(derived);
    } else {
      use_cte(*cte);
      sources_.push_back(Source{&mapper, alias, cte->name, cte});
    }
  } else {
    sources_.push_back(Source{&mapper, alias, alias ? fresh_alias(mapper.table().name()) : ""});
  }
  return sources_.back();
}

QueryCompiler::Source& QueryCompiler::add_row_source(const NamedQuery& rows, std::uint64_t alias) {
  if (find_source(rows.entity, alias)) {
    throw ArgumentError((rows.subquery ? "the subquery " : "the CTE ") + rows.name +
                        " is joined twice: make another one for the second");
  }
  if (!rows.subquery) {
    use_cte(rows);
    sources_.emplace_back(rows, alias, rows.name);
    return sources_.back();
  }
  // As a subquery of a model's rows: compiled where it is used, seeing no query around
  // it; its columns take the names of the row struct's fields.
  QueryCompiler body(metadata_, nullptr, &root());
  sql::Select select = body.row_select(rows.anchor);
  const auto& columns = rows.row_table->columns();
  for (std::size_t i = 0; i < select.columns.size(); ++i) {
    select.columns[i] = sql::make_node(sql::Label{select.columns[i], columns[i]->name()});
  }
  sources_.emplace_back(rows, alias, rows.name.empty() ? fresh_alias("anon") : rows.name);
  sources_.back().derived = std::make_shared<const sql::Select>(std::move(select));
  return sources_.back();
}

QueryCompiler::Source& QueryCompiler::add_source_of(std::type_index model, std::uint64_t alias,
                                                    const NamedQuery* cte, std::string_view what) {
  if (cte && cte->row_table) return add_row_source(*cte, alias);
  return add_source(mapper_of(model, what), alias, cte);
}

QueryCompiler::Source::Source(const Mapper* m, std::uint64_t a, std::string name,
                              const NamedQuery* c)
    : mapper(m),
      model(m->type()),
      table(&m->table()),
      alias(a),
      sql_alias(std::move(name)),
      cte(c) {}

QueryCompiler::Source::Source(const NamedQuery& rows, std::uint64_t a, std::string name)
    : mapper(nullptr),
      model(rows.entity),
      table(rows.row_table.get()),
      alias(a),
      sql_alias(std::move(name)),
      cte(&rows) {}

std::string QueryCompiler::Source::name() const {
  return sql_alias.empty() ? table->name() : sql_alias;
}

sql::FromTable QueryCompiler::Source::from_entry() const {
  const bool with_entry = cte && !cte->subquery;
  return sql::FromTable{table, sql_alias, derived, with_entry};
}

std::vector<QueryLoad::Joined> QueryCompiler::relationship_joins() const {
  std::vector<QueryLoad::Joined> out;
  for (std::size_t i = 1; i < sources_.size(); ++i) {
    std::vector<const RelationshipProperty*> path;
    std::size_t at = i;
    while (at != 0 && sources_[at].via) {
      path.insert(path.begin(), sources_[at].via);
      at = sources_[at].parent;
    }
    if (at != 0) continue;  // not reached from the selected model along relationships
    const Source& s = sources_[i];
    out.push_back({std::move(path), s.name()});
  }
  return out;
}

std::string QueryCompiler::alias_name(std::type_index model, std::uint64_t alias,
                                      std::string_view what) const {
  const Source* s = find_source(model, alias);
  if (!s) {
    throw ArgumentError(std::string(what) + ": the query does not select from or join that alias");
  }
  return s->name();
}

const QueryCompiler::Source* QueryCompiler::find_source(std::type_index model,
                                                        std::uint64_t alias) const {
  for (const Source& s : sources_) {
    if (s.model == model && s.alias == alias) return &s;
  }
  return nullptr;
}

const Mapper& QueryCompiler::mapper_of(std::type_index model, std::string_view what) const {
  const Mapper* m = metadata_.find_mapper(model);
  if (!m) throw ArgumentError(std::string(what) + " names a type this MetaData does not map");
  return *m;
}

sql::Expr QueryCompiler::resolve(const sql::Expr& e) const {
  return sql::transform_deferred(e, [this](const sql::Deferred& d) -> sql::Expr {
    if (const auto* m = dynamic_cast<const MemberExpression*>(d.ref.get())) return member(*m);
    if (const auto* p = dynamic_cast<const RelationshipPredicate*>(d.ref.get())) return exists(*p);
    if (const auto* q = dynamic_cast<const SubqueryExpression*>(d.ref.get())) return subquery(*q);
    if (const auto* w = dynamic_cast<const ParentCriterion*>(d.ref.get())) return with_parent(*w);
    throw ArgumentError("an ORM query cannot resolve " + d.ref->describe());
  });
}

sql::Expr QueryCompiler::member(const MemberExpression& m) const {
  const QueryCompiler* at = this;
  const Source* s = nullptr;
  while (at && !(s = at->find_source(m.member.model, m.alias))) at = at->outer_;
  if (!s) {
    throw ArgumentError("the query refers to " + m.describe() + ", but " +
                        std::string(m.member.model_name) + (m.alias ? " (this alias of it)" : "") +
                        " is not in its FROM clause: join it (join(&Model::relationship) or "
                        "join<Model>(on)), or select_from it");
  }
  if (!s->mapper) return sql::column(*s->table->columns()[m.member.field], s->sql_alias);
  const auto column = s->mapper->column_of_field(m.member.field);
  if (!column) {
    throw ArgumentError("the query refers to " + m.describe() +
                        ", which is a relationship, not a column (use join() or any()/has())");
  }
  return sql::column(*s->mapper->columns()[*column].column, s->sql_alias);
}

sql::Expr QueryCompiler::exists(const RelationshipPredicate& p) const {
  const QueryCompiler* at = this;
  const Source* parent = nullptr;
  while (at && !(parent = at->find_source(p.relationship.model, p.alias))) at = at->outer_;
  const Mapper::RelationshipField* field =
      parent && parent->mapper ? parent->mapper->relationship_field(p.relationship.field) : nullptr;
  if (!field) {
    throw ArgumentError("any()/has() of " + member_text(p.relationship) + ": " +
                        std::string(p.relationship.model_name) +
                        (parent ? " has no such relationship" : " is not in the query"));
  }
  const RelationshipProperty& rel = *field->property;
  const Mapper& target = rel.target();
  QueryCompiler sub(metadata_, this);
  sub.sources_.push_back(Source{&target, 0, fresh_alias(target.table().name())});
  const std::string& t = sub.sources_.back().sql_alias;
  sql::Select q;
  q.columns.push_back(sql::make_node(sql::One{}));
  q.from = sql::FromTable{&target.table(), t, nullptr};
  JoinNames names;
  names.parent = parent->sql_alias;
  names.target = t;
  if (rel.direction() == RelationshipDirection::many_to_many) {
    names.secondary = fresh_alias(rel.secondary()->name());
    q.joins.push_back(sql::Join{sql::FromTable{rel.secondary(), names.secondary, nullptr},
                                name_join(rel.secondaryjoin(), rel, names), false});
  }
  q.where = name_join(rel.primaryjoin(), rel, names);
  q.where = sql::and_(q.where, sub.resolve(p.condition));
  return sql::make_node(sql::Exists{std::make_shared<const sql::Select>(std::move(q))});
}

sql::Expr QueryCompiler::with_parent(const ParentCriterion& p) const {
  const std::string what = p.describe();
  const Mapper& owner = mapper_of(p.relationship.model, what);
  const Mapper::RelationshipField* field = owner.relationship_field(p.relationship.field);
  if (!field) throw ArgumentError(what + ": not a relationship");
  const InstanceState* parent = p.parent();
  if (!parent) throw ArgumentError(what + ": the object is null");
  const RelationshipProperty& rel = *field->property;
  const Mapper& target = rel.target();
  const QueryCompiler* at = this;
  const Source* source = nullptr;
  while (at && !(source = at->find_source(target.type(), p.alias))) at = at->outer_;
  if (!source) {
    throw ArgumentError(what + ": the query does not select from or join " +
                        std::string(target.name()) + (p.alias ? " (that alias of it)" : ""));
  }
  const std::string qualifier = source->sql_alias;
  sql::Expr out = relationship_criteria(rel, *parent, qualifier);
  const bool null_key = !out;
  if (rel.direction() == RelationshipDirection::many_to_many && out) {
    // EXISTS an association row naming the parent and the target's row.
    JoinNames names;
    names.target = qualifier;
    names.secondary = fresh_alias(rel.secondary()->name());
    names.parent_values = parent;
    sql::Select q;
    q.columns.push_back(sql::make_node(sql::One{}));
    q.from = sql::FromTable{rel.secondary(), names.secondary, nullptr};
    q.where = sql::and_(name_join(rel.primaryjoin(), rel, names),
                        name_join(rel.secondaryjoin(), rel, names));
    out = sql::make_node(sql::Exists{std::make_shared<const sql::Select>(std::move(q))});
  }
  // A NULL key relates nothing (= NULL would say the same less plainly).
  return null_key ? sql::in_list(sql::column(*target.columns()[target.primary_key().front()].column,
                                             qualifier),
                                 {})
                  : out;
}

sql::Expr QueryCompiler::subquery(const SubqueryExpression& q) const {
  using Kind = SubqueryExpression::Kind;
  QueryCompiler sub(metadata_, this);
  sql::Select select = q.entity == typeid(void)
                           ? sub.row_select(*q.query)
                           : sub.entity_query(mapper_of(q.entity, "a subquery"), *q.query);
  if (q.kind == Kind::exists) select.columns = {sql::make_node(sql::One{})};
  auto shared = std::make_shared<const sql::Select>(std::move(select));
  switch (q.kind) {
    case Kind::scalar:
      return sql::make_node(sql::ScalarSubquery{std::move(shared)});
    case Kind::exists:
      return sql::make_node(sql::Exists{std::move(shared)});
    case Kind::in:
    case Kind::not_in:
      break;
  }
  return sql::make_node(
      sql::InSelect{resolve(q.operand), std::move(shared), q.kind == Kind::not_in});
}

std::string QueryCompiler::fresh_alias(const std::string& table) const {
  return table + "_a" + std::to_string(++root().aliases_made_);
}

}  // namespace relate
