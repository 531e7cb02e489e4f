// Common table expressions of a model's rows, as SQLAlchemy's select(...).cte():
//
//   // Category 1 and everything below it.
//   auto tree = relate::cte("tree", relate::select<Category>().where(
//                                       relate::col(&Category::id) == 1));
//   tree.union_all(relate::select<Category>().join(
//       tree, relate::col(&Category::parent_id) == tree(&Category::id)));
//   session.scalars(relate::select(tree).order_by(tree(&Category::name))).all();
//
// A Cte<T> is an alias of T (alias.hpp) whose name is a WITH entry of the statement:
// `WITH [RECURSIVE] tree(columns of T) AS (anchor [UNION ALL recursive part])`. Its
// columns are T's, so its rows load as objects of T through the identity map, and
// tree(&T::member) names a column of it anywhere an alias's column goes: select lists,
// where, order_by, joins and subqueries. The recursive part refers to the CTE in its
// joins (or select_from); it runs until it adds no rows.
#pragma once

#include <memory>
#include <optional>
#include <relate/export.hpp>
#include <relate/orm/query.hpp>
#include <relate/orm/rows.hpp>
#include <relate/reflect.hpp>
#include <string>
#include <string_view>
#include <typeindex>
#include <utility>
#include <vector>

namespace relate {

class Table;

// What a Cte<T> names, or a Subquery<T> (subquery.hpp): a named query of a model's
// rows that a statement reads from; shared by the queries that refer to it.
struct NamedQuery {
  std::string name;
  std::type_index entity = typeid(void);
  QuerySpec anchor;
  std::optional<QuerySpec> recursive;  // the part after UNION [ALL]
  bool union_all = true;
  // A subquery: written where it is used, as FROM (SELECT ...) AS name, and never as a
  // WITH entry.
  bool subquery = false;
  // Of a column select (subquery<R>(select(...)), cte<R>(name, select(...))): its
  // columns, named and typed as the fields of the row struct R; null for a model's rows.
  std::shared_ptr<const Table> row_table;
};

namespace detail {
// `spec`, with its references to `cte` (its joins and select_from) no longer owning it.
RELATE_API QuerySpec recursive_part(QuerySpec spec, const NamedQuery& cte);
// The columns of a row struct: one per field, by name and column type.
RELATE_API std::shared_ptr<const Table> row_table(
    const std::string& name, const std::vector<std::pair<std::string_view, ColumnType>>& fields);
template <class R, std::size_t... I>
std::shared_ptr<const Table> row_table_of(const std::string& name, std::index_sequence<I...>) {
  return row_table(
      name, {{reflect::field_name<R, I>, column_traits<reflect::field_type<R, I>>::type}...});
}
// A definition of the rows of `query` as R's: R has one field per column of the
// select, of the column's C++ type (checked at compile time, as Rows::as<R>() does).
template <class R, class... Ts>
std::shared_ptr<NamedQuery> row_definition(std::string name, const RowSelect<Ts...>& query,
                                           bool subquery) {
  static_assert(row_struct_fits<R, Ts...>());
  auto def = std::make_shared<NamedQuery>();
  def->name = std::move(name);
  def->entity = typeid(R);
  def->anchor = query.spec();
  def->subquery = subquery;
  def->row_table = row_table_of<R>(def->name.empty() ? "anon" : def->name,
                                   std::make_index_sequence<sizeof...(Ts)>{});
  return def;
}
// Refuses a name that cannot name a CTE, and a second recursive part.
RELATE_API void check_cte_name(const std::string& name);
RELATE_API void check_no_recursive_part(const NamedQuery& cte);
}  // namespace detail

template <class T>
class Cte : public Alias<T> {
 public:
  Cte(std::string name, const Select<T>& anchor) {
    detail::check_cte_name(name);
    def_ = std::make_shared<NamedQuery>();
    def_->name = std::move(name);
    def_->entity = typeid(T);
    def_->anchor = anchor.spec();
    this->cte_ = CteReference{def_, def_.get()};
  }

  // The recursive part, after UNION ALL: a query of T that joins this CTE.
  Cte& union_all(const Select<T>& recursive) { return add_recursive(recursive, true); }
  // The same after UNION: rows met before are not added again (a walk of a graph with
  // cycles ends).
  Cte& union_(const Select<T>& recursive) { return add_recursive(recursive, false); }

  const std::string& name() const { return def_->name; }

 private:
  Cte& add_recursive(const Select<T>& recursive, bool all) {
    detail::check_no_recursive_part(*def_);
    def_->recursive = detail::recursive_part(recursive.spec(), *def_);
    def_->union_all = all;
    return *this;
  }

  std::shared_ptr<NamedQuery> def_;
};

// A CTE named `name` of the rows `anchor` selects.
template <class T>
Cte<T> cte(std::string name, const Select<T>& anchor) {
  return Cte<T>(std::move(name), anchor);
}

// A CTE of a column select, its rows read as those of the row struct R (one field per
// column, named as the CTE's columns): relate::cte<Total>("totals", select(&Book::author_id,
// relate::sum(&Book::price)).group_by(&Book::author_id)); totals(&Total::sum) names a
// column of it, and it joins ON a condition like any alias.
template <class R>
class RowCte : public Alias<R> {
 public:
  template <class... Ts>
  RowCte(std::string name, const RowSelect<Ts...>& anchor) {
    detail::check_cte_name(name);
    def_ = detail::row_definition<R>(std::move(name), anchor, false);
    this->cte_ = CteReference{def_, def_.get()};
  }

  // The recursive part, after UNION ALL (or UNION): a select of the same columns that
  // joins this CTE.
  template <class... Ts>
  RowCte& union_all(const RowSelect<Ts...>& recursive) {
    return add_recursive(recursive, true);
  }
  template <class... Ts>
  RowCte& union_(const RowSelect<Ts...>& recursive) {
    return add_recursive(recursive, false);
  }

  const std::string& name() const { return def_->name; }

 private:
  template <class... Ts>
  RowCte& add_recursive(const RowSelect<Ts...>& recursive, bool all) {
    static_assert(detail::row_struct_fits<R, Ts...>());
    detail::check_no_recursive_part(*def_);
    def_->recursive = detail::recursive_part(recursive.spec(), *def_);
    def_->union_all = all;
    return *this;
  }

  std::shared_ptr<NamedQuery> def_;
};

template <class R, class... Ts>
RowCte<R> cte(std::string name, const RowSelect<Ts...>& anchor) {
  return RowCte<R>(std::move(name), anchor);
}

}  // namespace relate
