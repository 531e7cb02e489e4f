// ORM queries, as SQLAlchemy 2.0's select():
//
//   session.scalars(relate::select<Book>()
//                       .join(&Book::author)
//                       .where(relate::col(&Author::name) == "Ann")
//                       .order_by(&Book::title)
//                       .options(relate::selectinload(&Book::tags)))
//       .all();
//   session.execute(relate::select(&Author::name, relate::count(&Book::id))
//                       .join(&Author::books)
//                       .group_by(&Author::id, &Author::name))
//       .all();                                 // std::tuple<std::string, std::int64_t> rows
//
// select<T>() loads objects of T through the identity map; select(expressions...)
// returns rows of C++ values typed by the expressions. Both take joins along
// relationships (inner or outer, to an alias, or with an explicit ON), where, group_by,
// having, order_by, distinct, limit and offset.
#pragma once

#include <cstdint>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/orm/alias.hpp>
#include <relate/orm/expression.hpp>
#include <relate/orm/functions.hpp>
#include <relate/orm/mapping_options.hpp>
#include <relate/sql/text.hpp>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

namespace relate {

// A loader option: a path of relationship members and the strategy for its last step.
// Chain to go deeper: load(&User::posts, "selectin").load(&Post::tags, "joined").
class RELATE_API LoaderOption {
 public:
  struct Step {
    MemberRef member;
    std::string strategy;
    // contains_eager(member, alias): the alias of the query that holds the rows
    // (0: the query's join along the member).
    std::uint64_t alias = 0;
  };
  LoaderOption(MemberRef member, std::string strategy, std::uint64_t alias = 0) {
    add_step(member, std::move(strategy), alias);
  }
  template <class T, class M>
  LoaderOption& load(M T::*member, std::string strategy) {
    add_step(detail::member_ref(member), std::move(strategy), 0);
    return *this;
  }
  template <class T, class M>
  LoaderOption& contains_eager(M T::*member) {
    return load(member, "contains_eager");
  }
  template <class T, class M, class A>
  requires(detail::is_relationship_member<M>) LoaderOption& contains_eager(M T::*member,
                                                                           const Alias<A>& alias) {
    static_assert(std::is_same_v<typename detail::relationship_target<M>::type, A>,
                  "contains_eager(member, alias): the alias is not of the model the "
                  "relationship refers to");
    add_step(detail::member_ref(member), "contains_eager", alias.id());
    return *this;
  }
  template <class T, class M>
  LoaderOption& lazyload(M T::*member) {
    return load(member, "lazy");
  }
  template <class T, class M>
  LoaderOption& joinedload(M T::*member) {
    return load(member, "joined");
  }
  template <class T, class M>
  LoaderOption& selectinload(M T::*member) {
    return load(member, "selectin");
  }
  template <class T, class M>
  LoaderOption& raiseload(M T::*member) {
    return load(member, "raise");
  }
  template <class T, class M>
  LoaderOption& noload(M T::*member) {
    return load(member, "noload");
  }
  const std::vector<Step>& steps() const { return steps_; }

 private:
  void add_step(MemberRef member, std::string strategy, std::uint64_t alias);
  std::vector<Step> steps_;
};

// Any registered strategy by name.
template <class T, class M>
LoaderOption load(M T::*member, std::string strategy) {
  return LoaderOption(detail::member_ref(member), std::move(strategy));
}
template <class T, class M>
LoaderOption lazyload(M T::*member) {
  return load(member, "lazy");
}
// One query with a LEFT OUTER JOIN.
template <class T, class M>
LoaderOption joinedload(M T::*member) {
  return load(member, "joined");
}
// One more query per batch of parents (IN (...)).
template <class T, class M>
LoaderOption selectinload(M T::*member) {
  return load(member, "selectin");
}
// Reading it throws: for proving that nothing loads lazily.
template <class T, class M>
LoaderOption raiseload(M T::*member) {
  return load(member, "raise");
}
// Never loaded; reads as empty.
template <class T, class M>
LoaderOption noload(M T::*member) {
  return load(member, "noload");
}
// Filled from the rows the query already joins (SQLAlchemy's contains_eager):
// select<Book>().join(&Book::author).where(...).options(contains_eager(&Book::author))
// filters on the authors and loads them in one statement. A collection holds the rows
// the query kept. With an alias: the rows of that alias, however it was joined.
template <class T, class M>
LoaderOption contains_eager(M T::*member) {
  return load(member, "contains_eager");
}
template <class T, class M, class A>
requires(detail::is_relationship_member<M>) LoaderOption contains_eager(M T::*member,
                                                                        const Alias<A>& alias) {
  static_assert(std::is_same_v<typename detail::relationship_target<M>::type, A>,
                "contains_eager(member, alias): the alias is not of the model the "
                "relationship refers to");
  return LoaderOption(detail::member_ref(member), "contains_eager", alias.id());
}

// A JOIN: along a relationship (from the model or an alias of it), or to a model
// with an explicit ON condition; either to the model itself or to an alias.
struct JoinSpec {
  std::optional<RelationshipPath> relationship;
  std::type_index target = typeid(void);  // explicit ON: the joined model
  std::uint64_t target_alias = 0;
  CteReference target_cte;  // the alias is a CTE
  sql::Expr on;  // explicit ON; with a relationship, ANDed to its condition
  bool outer = false;
};

// The untyped description of a query, as the session executes it.
struct QuerySpec {
  // Column selects: the expressions, and the column type of each (how to read it).
  std::vector<sql::Expr> columns;
  std::vector<ColumnType> column_types;
  // The first FROM entry, when it is not the selected model (or the model of the
  // first member the columns name).
  std::optional<std::type_index> select_from;
  std::uint64_t select_from_alias = 0;
  CteReference select_from_cte;
  std::vector<JoinSpec> joins;
  sql::Expr where;
  std::vector<sql::Expr> group_by;
  sql::Expr having;
  std::vector<OrderSpec> order_by;
  bool distinct = false;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::vector<LoaderOption> options;
};

namespace detail {
// The subquery node of `spec` (of select<T>() when entity is T, of expressions when void).
RELATE_API sql::Expr subquery(SubqueryExpression::Kind kind, const QuerySpec& spec,
                              std::type_index entity, sql::Expr operand);
// The clauses the builders below add, compiled once in the library (query_spec.cpp).
RELATE_API void add_where(QuerySpec& spec, const Condition& condition);
RELATE_API void add_having(QuerySpec& spec, const Condition& condition);
RELATE_API void add_join(QuerySpec& spec, std::optional<RelationshipPath> path,
                         std::type_index target, std::uint64_t alias, CteReference cte,
                         sql::Expr on, bool outer);
RELATE_API void add_order_by(QuerySpec& spec, OrderSpec order);
RELATE_API void add_group_by(QuerySpec& spec, sql::Expr expr);
RELATE_API void add_option(QuerySpec& spec, LoaderOption option);
}  // namespace detail

// What select<T>() and select(expressions...) share.
template <class Derived>
class QueryBuilder {
 public:
  Derived& where(const Condition& c) {
    detail::add_where(spec_, c);
    return self();
  }

  // INNER JOIN along a relationship: join(&Book::author), join(alias(&Category::parent)).
  template <class T, class M>
  requires(detail::is_relationship_member<M>) Derived& join(M T::*relationship) {
    return add_join(col(relationship), typeid(void), 0, nullptr, false);
  }
  Derived& join(const RelationshipPath& path) {
    return add_join(path, typeid(void), 0, nullptr, false);
  }
  // ... to an alias of the target: join(&Category::parent, parent).
  template <class T, class M, class A>
  requires(detail::is_relationship_member<M>) Derived& join(M T::*relationship,
                                                            const Alias<A>& target) {
    return add_join(col(relationship), typeid(A), target, nullptr, false);
  }
  template <class A>
  Derived& join(const RelationshipPath& path, const Alias<A>& target) {
    return add_join(path, typeid(A), target, nullptr, false);
  }
  // To a model, or an alias, ON a condition: join<Author>(col(&Book::author_id) ==
  // col(&Author::id)).
  template <class A>
  Derived& join(const Condition& on) {
    return add_join(std::nullopt, typeid(A), 0, on.expr(), false);
  }
  // To an alias or a CTE (cte.hpp) ON a condition: join(tree, col(&Category::parent_id)
  // == tree(&Category::id)).
  template <class A>
  Derived& join(const Alias<A>& target, const Condition& on) {
    return add_join(std::nullopt, typeid(A), target, on.expr(), false);
  }

  // LEFT OUTER JOIN, the same ways.
  template <class T, class M>
  requires(detail::is_relationship_member<M>) Derived& outerjoin(M T::*relationship) {
    return add_join(col(relationship), typeid(void), 0, nullptr, true);
  }
  Derived& outerjoin(const RelationshipPath& path) {
    return add_join(path, typeid(void), 0, nullptr, true);
  }
  template <class T, class M, class A>
  requires(detail::is_relationship_member<M>) Derived& outerjoin(M T::*relationship,
                                                                 const Alias<A>& target) {
    return add_join(col(relationship), typeid(A), target, nullptr, true);
  }
  template <class A>
  Derived& outerjoin(const RelationshipPath& path, const Alias<A>& target) {
    return add_join(path, typeid(A), target, nullptr, true);
  }
  template <class A>
  Derived& outerjoin(const Condition& on) {
    return add_join(std::nullopt, typeid(A), 0, on.expr(), true);
  }
  template <class A>
  Derived& outerjoin(const Alias<A>& target, const Condition& on) {
    return add_join(std::nullopt, typeid(A), target, on.expr(), true);
  }

  Derived& order_by(OrderSpec o) {
    detail::add_order_by(spec_, std::move(o));
    return self();
  }
  template <class T, class M>
  Derived& order_by(M T::*member) {
    return order_by(asc(member));
  }
  template <class T>
  Derived& order_by(const Expression<T>& e) {
    return order_by(e.asc());
  }
  template <class X, class Y, class... Z>
  Derived& order_by(const X& x, const Y& y, const Z&... z) {
    order_by(x);
    return order_by(y, z...);
  }
  // GROUP BY expressions or members.
  template <class... X>
  Derived& group_by(const X&... x) {
    (detail::add_group_by(spec_, detail::as_expression(x).expr()), ...);
    return self();
  }
  Derived& having(const Condition& c) {
    detail::add_having(spec_, c);
    return self();
  }
  Derived& distinct() {
    spec_.distinct = true;
    return self();
  }
  Derived& limit(std::int64_t n) {
    spec_.limit = n;
    return self();
  }
  Derived& offset(std::int64_t n) {
    spec_.offset = n;
    return self();
  }
  const QuerySpec& spec() const { return spec_; }

  // EXISTS (this query), correlated to the query it is used in:
  // select<Author>().where(select<Book>().where(col(&Book::author_id) == col(&Author::id)).exists()).
  Condition exists() const { return Condition(subquery(SubqueryExpression::Kind::exists)); }

  // This query as a node of another (what exists(), scalar_subquery() and
  // Expression::in() build on).
  sql::Expr subquery(SubqueryExpression::Kind kind, sql::Expr operand = nullptr) const {
    return detail::subquery(kind, spec_, Derived::entity(), std::move(operand));
  }

 protected:
  // The first FROM entry is an alias (a CTE, a subquery) of M.
  template <class M>
  Derived& select_from_alias(const Alias<M>& alias) {
    spec_.select_from = typeid(M);
    spec_.select_from_alias = alias.id();
    spec_.select_from_cte = alias.cte();
    return self();
  }
  template <class... O>
  Derived& add_options(O... opts) {
    (detail::add_option(spec_, std::move(opts)), ...);
    return self();
  }

  QuerySpec spec_;

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  Derived& add_join(std::optional<RelationshipPath> path, std::type_index target,
                    std::uint64_t alias, sql::Expr on, bool outer) {
    detail::add_join(spec_, std::move(path), target, alias, {}, std::move(on), outer);
    return self();
  }
  template <class A>
  Derived& add_join(std::optional<RelationshipPath> path, std::type_index target,
                    const Alias<A>& alias, sql::Expr on, bool outer) {
    detail::add_join(spec_, std::move(path), target, alias.id(), alias.cte(), std::move(on), outer);
    return self();
  }
};

template <class T>
class FromStatement;

// Objects of T.
template <class T>
class Select : public QueryBuilder<Select<T>> {
 public:
  static std::type_index entity() { return typeid(T); }
  // Objects of T read from an alias of it, or from a CTE of T's rows (cte.hpp):
  // select<Category>().select_from(tree), which select(tree) also says.
  Select& select_from(const Alias<T>& alias) { return this->select_from_alias(alias); }
  template <class... O>
  Select& options(O... opts) {
    return this->add_options(std::move(opts)...);
  }
  // Objects of T from raw SQL (SQLAlchemy's select(Book).from_statement(text(...))):
  // see FromStatement.
  FromStatement<T> from_statement(sql::Text statement) const {
    return FromStatement<T>(this->spec_, std::move(statement));
  }
};

// Objects of T read from the rows of a raw SQL statement, run as written:
//
//   session.scalars(relate::select<Book>()
//                       .options(relate::selectinload(&Book::tags))
//                       .from_statement(relate::text("SELECT * FROM books WHERE year > :year")
//                                           .bind("year", 2019)))
//
// Each of T's columns is found in the rows by name (exactly, else ignoring case, as
// PostgreSQL folds unquoted names); the statement must return every one of them, once,
// and may return more. The objects go through the identity map as a query's do: an
// object the Session holds keeps its values. Loader options and each relationship's
// default strategy apply once the objects are loaded (selectin); a strategy that
// reads the query's own joined rows (joined, contains_eager) has none to read here,
// and its relationship loads on first access. The statement may be a SELECT, or an
// INSERT/UPDATE/DELETE with RETURNING where the backend has it.
template <class T>
class FromStatement {
 public:
  FromStatement(QuerySpec spec, sql::Text statement)
      : spec_(std::move(spec)), statement_(std::move(statement)) {}
  template <class... O>
  FromStatement& options(O... opts) {
    (detail::add_option(spec_, std::move(opts)), ...);
    return *this;
  }
  // The select's clauses; only its options may be set (the statement is the query).
  const QuerySpec& spec() const { return spec_; }
  const sql::Text& statement() const { return statement_; }

 private:
  QuerySpec spec_;
  sql::Text statement_;
};

template <class T>
Select<T> select() {
  return Select<T>();
}

// Rows of C++ values, one per expression: std::tuple<Ts...>.
template <class... Ts>
class RowSelect : public QueryBuilder<RowSelect<Ts...>> {
 public:
  static std::type_index entity() { return typeid(void); }
  explicit RowSelect(std::vector<sql::Expr> columns) {
    this->spec_.columns = std::move(columns);
    this->spec_.column_types = {column_traits<detail::value_of<Ts>>::type...};
  }
  // (SELECT ...) as a value, correlated to the query it is used in; NULL when it
  // finds no row: select(&Author::name, select(count(&Book::id)).where(col(&Book::author_id)
  // == col(&Author::id)).scalar_subquery()).
  auto scalar_subquery() const requires(sizeof...(Ts) == 1) {
    return Expression<std::optional<detail::value_of<Ts>...>>(
        this->subquery(SubqueryExpression::Kind::scalar));
  }
  // The first FROM entry: the model (or alias) the joins start from.
  template <class M>
  RowSelect& select_from() {
    this->spec_.select_from = typeid(M);
    this->spec_.select_from_alias = 0;
    return *this;
  }
  template <class M>
  RowSelect& select_from(const Alias<M>& alias) {
    return this->select_from_alias(alias);
  }
};

// Objects of T with a value per expression in each row, as SQLAlchemy's
// select(Author, func.count(Book.id)): rows of std::tuple<ptr<T>, Ts...>. An object
// comes once per row it is in; its relationships load as select<T>()'s do, except
// that a strategy joining a collection (which would repeat rows) is refused.
template <class T, class... Ts>
class EntityRowSelect : public QueryBuilder<EntityRowSelect<T, Ts...>> {
 public:
  static std::type_index entity() { return typeid(T); }
  explicit EntityRowSelect(std::vector<sql::Expr> columns) {
    this->spec_.columns = std::move(columns);
    this->spec_.column_types = {column_traits<detail::value_of<Ts>>::type...};
  }
  EntityRowSelect& select_from(const Alias<T>& alias) { return this->select_from_alias(alias); }
  template <class... O>
  EntityRowSelect& options(O... opts) {
    return this->add_options(std::move(opts)...);
  }
};

// select<Author>(count(&Book::id)): objects of T and values.
template <class T, class X, class... Xs>
EntityRowSelect<T, detail::type_of<X>, detail::type_of<Xs>...> select(const X& x,
                                                                      const Xs&... xs) {
  return EntityRowSelect<T, detail::type_of<X>, detail::type_of<Xs>...>(
      {detail::as_expression(x).expr(), detail::as_expression(xs).expr()...});
}

// Objects of T read from an alias, a CTE (cte.hpp) or a subquery (subquery.hpp) of T's
// rows: select<T>().select_from(alias).
template <class T>
Select<T> select(const Alias<T>& alias) {
  return select<T>().select_from(alias);
}

// EXISTS (query): relate::exists(select<Book>().where(...)).
template <class Q>
Condition exists(const Q& query) requires requires { query.exists(); } {
  return query.exists();
}

// select(&Author::name, count(&Book::id)): members and expressions.
template <class... X>
requires(sizeof...(X) > 0) RowSelect<detail::type_of<X>...> select(const X&... x) {
  return RowSelect<detail::type_of<X>...>({detail::as_expression(x).expr()...});
}

}  // namespace relate
