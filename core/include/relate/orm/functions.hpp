// SQL functions and aggregates over typed expressions, as SQLAlchemy's func.*:
//
//   count(&Book::id), avg(&Book::price), lower(&Author::name), coalesce(...), cast<T>(...),
//   case_<V>({{condition, result}, ...}, otherwise)
//
// Each takes an Expression or a member pointer, and its C++ result type follows SQL's
// (an aggregate over no rows is NULL: std::optional).
#pragma once

#include <cstdint>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/orm/expression.hpp>
#include <relate/sql/expression.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate {

// COUNT(*).
inline Expression<std::int64_t> count() { return detail::call<std::int64_t>(sql::Function::count); }
// COUNT(x): the rows where x is not NULL.
template <class X>
Expression<std::int64_t> count(const X& x) {
  return detail::call<std::int64_t>(sql::Function::count, x);
}
template <class X>
Expression<std::int64_t> count_distinct(const X& x) {
  return Expression<std::int64_t>(
      sql::make_node(sql::Call{sql::Function::count, {detail::as_expression(x).expr()}, true}));
}
// SUM, MIN and MAX are NULL over no rows, AVG too; SUM keeps the operand's type (read
// as a 64-bit integer or a double), AVG is a double.
template <class X>
auto sum(const X& x) {
  using V = detail::value_of<detail::type_of<X>>;
  static_assert(detail::is_numeric<V>, "relate: sum() takes a number");
  using R = std::conditional_t<std::is_integral_v<V>, std::int64_t, double>;
  return detail::cast_to<std::optional<R>>(detail::call<R>(sql::Function::sum, x).expr());
}
template <class X>
Expression<std::optional<double>> avg(const X& x) {
  static_assert(detail::is_numeric<detail::value_of<detail::type_of<X>>>,
                "relate: avg() takes a number");
  return detail::cast_to<std::optional<double>>(detail::call<double>(sql::Function::avg, x).expr());
}
template <class X>
Expression<std::optional<detail::value_of<detail::type_of<X>>>> min(const X& x) {
  return detail::call<std::optional<detail::value_of<detail::type_of<X>>>>(sql::Function::min, x);
}
template <class X>
Expression<std::optional<detail::value_of<detail::type_of<X>>>> max(const X& x) {
  return detail::call<std::optional<detail::value_of<detail::type_of<X>>>>(sql::Function::max, x);
}

template <class X>
Expression<detail::type_of<X>> lower(const X& x) {
  static_assert(detail::expression_of<X>::is_text, "relate: lower() takes text");
  return detail::call<detail::type_of<X>>(sql::Function::lower, x);
}
template <class X>
Expression<detail::type_of<X>> upper(const X& x) {
  static_assert(detail::expression_of<X>::is_text, "relate: upper() takes text");
  return detail::call<detail::type_of<X>>(sql::Function::upper, x);
}
template <class X>
Expression<detail::type_of<X>> trim(const X& x) {
  static_assert(detail::expression_of<X>::is_text, "relate: trim() takes text");
  return detail::call<detail::type_of<X>>(sql::Function::trim, x);
}
// The length in characters.
template <class X>
Expression<detail::maybe_optional<std::int64_t, detail::is_nullable<detail::type_of<X>>>> length(
    const X& x) {
  static_assert(detail::expression_of<X>::is_text, "relate: length() takes text");
  return detail::call<
      detail::maybe_optional<std::int64_t, detail::is_nullable<detail::type_of<X>>>>(
      sql::Function::length, x);
}
template <class X>
Expression<detail::type_of<X>> abs(const X& x) {
  static_assert(detail::is_numeric<detail::value_of<detail::type_of<X>>>,
                "relate: abs() takes a number");
  return detail::call<detail::type_of<X>>(sql::Function::abs, x);
}
// Rounded to `digits` decimal places, as a double.
template <class X>
Expression<detail::maybe_optional<double, detail::is_nullable<detail::type_of<X>>>> round(
    const X& x, int digits = 0) {
  static_assert(detail::is_numeric<detail::value_of<detail::type_of<X>>>,
                "relate: round() takes a number");
  using R = detail::maybe_optional<double, detail::is_nullable<detail::type_of<X>>>;
  return detail::cast_to<R>(sql::make_node(sql::Call{
      sql::Function::round, {detail::as_expression(x).expr(), detail::value_param(digits)}}));
}
// The first of x and `otherwise` that is not NULL; a value for `otherwise` makes the
// result non-nullable.
template <class X, class V>
auto coalesce(const X& x, const V& otherwise) {
  using A = detail::type_of<X>;
  if constexpr (is_expression<V> || std::is_member_object_pointer_v<V>) {
    using B = detail::type_of<V>;
    static_assert(detail::comparable<A, B>, "relate: coalesce() of incompatible types");
    return Expression<B>(sql::make_node(
        sql::Call{sql::Function::coalesce,
                  {detail::as_expression(x).expr(), detail::as_expression(otherwise).expr()}}));
  } else {
    using R = detail::value_of<A>;
    static_assert(std::is_convertible_v<const V&, R>,
                  "relate: coalesce()'s fallback does not convert to the expression's type");
    return Expression<R>(sql::make_node(
        sql::Call{sql::Function::coalesce,
                  {detail::as_expression(x).expr(), detail::value_param<R>(R(otherwise))}}));
  }
}
// CAST(x AS <the column type of R>).
template <class R, class X>
Expression<detail::maybe_optional<detail::value_of<R>, detail::is_nullable<detail::type_of<X>> ||
                                                           detail::is_nullable<R>>>
cast(const X& x) {
  using Out = detail::maybe_optional<detail::value_of<R>, detail::is_nullable<detail::type_of<X>> ||
                                                              detail::is_nullable<R>>;
  return detail::cast_to<Out>(detail::as_expression(x).expr());
}

// A THEN or the ELSE of case_<V>(): a value that converts to V, a member, or an
// expression whose C++ type goes with V's (one that may be NULL only where V is a
// std::optional).
template <class V>
class CaseResult {
 public:
  template <class X>
  CaseResult(const X& x) : expr_(make(x)) {}  // NOLINT: implicit, as a branch is written
  const sql::Expr& expr() const { return expr_; }

 private:
  template <class X>
  static sql::Expr make(const X& x) {
    using Target = detail::value_of<V>;
    if constexpr (is_expression<X> || std::is_member_object_pointer_v<X>) {
      using U = detail::type_of<X>;
      static_assert(detail::comparable<V, U>,
                    "relate: a case_<V>() branch's C++ type ('X') does not go with V");
      static_assert(detail::is_nullable<V> || !detail::is_nullable<U>,
                    "relate: a case_<V>() branch may be NULL: make V a std::optional");
      static_assert(!std::is_integral_v<Target> ||
                        !std::is_floating_point_v<detail::value_of<U>>,
                    "relate: a floating-point branch of an integer case_<V>() is rounded "
                    "differently by each backend: round() or cast() it first");
      return detail::as_expression(x).expr();
    } else {
      static_assert(std::is_convertible_v<const X&, V>,
                    "relate: a case_<V>() branch's value does not convert to V");
      static_assert(!std::is_integral_v<Target> || !std::is_floating_point_v<X>,
                    "relate: a floating-point value in an integer case_<V>() would lose its "
                    "fraction: convert it yourself");
      return detail::value_param<V>(V(x));
    }
  }
  sql::Expr expr_;
};

// CASE WHEN c1 THEN r1 ... ELSE otherwise END, each result a value or an expression
// (CaseResult); without `otherwise` it may be NULL.
template <class V>
Expression<V> case_(const std::vector<std::pair<Condition, CaseResult<V>>>& whens,
                    const CaseResult<V>& otherwise) {
  sql::CaseWhen c;
  for (const auto& [when, then] : whens) c.whens.emplace_back(when.expr(), then.expr());
  c.otherwise = otherwise.expr();
  return Expression<V>(sql::make_node(std::move(c)));
}
template <class V>
Expression<std::optional<V>> case_(
    const std::vector<std::pair<Condition, CaseResult<std::optional<V>>>>& whens) {
  sql::CaseWhen c;
  for (const auto& [when, then] : whens) c.whens.emplace_back(when.expr(), then.expr());
  return Expression<std::optional<V>>(sql::make_node(std::move(c)));
}

}  // namespace relate
