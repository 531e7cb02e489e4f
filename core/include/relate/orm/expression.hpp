// Typed SQL expressions over model members, as SQLAlchemy's column expressions:
//
//   col(&Book::price) * 0.9            Expression<double>
//   col(&Book::year) >= 2019           Condition
//
// (SQL functions and aggregates over them: relate/orm/functions.hpp.)
//
// An Expression<T> knows the C++ type T of its value (std::optional<X> when it may be
// NULL), so that comparing or combining incompatible types is a compile error naming
// both, and a query's rows come back as C++ values. Members stay unresolved in the tree
// (MemberExpression) until the Session compiles the query against its MetaData.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/orm/mapping_options.hpp>
#include <relate/orm/member_ref.hpp>
#include <relate/sql/expression.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

namespace relate {

template <class T>
class one;
template <class T>
class many;

struct NamedQuery;

// A member of a model, or of an alias of it (aliased<T>(), or a CTE), in an expression
// tree.
struct RELATE_API MemberExpression final : sql::DeferredRef {
  MemberExpression(MemberRef m, std::uint64_t a, std::weak_ptr<const NamedQuery> c = {},
                   bool of_cte = false)
      : member(m), alias(a), cte(std::move(c)), of_cte(of_cte) {}
  MemberRef member;
  std::uint64_t alias = 0;  // 0: the model itself
  // The alias is this CTE's: what a select of its columns selects from. Not owned, so
  // that a CTE's recursive part can name its columns.
  std::weak_ptr<const NamedQuery> cte;
  bool of_cte = false;
  std::string describe() const override;
};

// EXISTS along a relationship: col(&Author::books).any(cond), col(&Book::author).has(cond).
struct RELATE_API RelationshipPredicate final : sql::DeferredRef {
  RelationshipPredicate(MemberRef r, std::uint64_t a, sql::Expr c)
      : relationship(r), alias(a), condition(std::move(c)) {}
  MemberRef relationship;
  std::uint64_t alias = 0;  // of the relationship's parent
  sql::Expr condition;      // on the target; null: any row
  std::string describe() const override;
};

struct QuerySpec;
template <class... Ts>
class RowSelect;

// A query inside another: a scalar subquery, EXISTS, or IN (query). Compiled by a
// nested QueryCompiler that sees the outer query's FROM entries, so a member of a
// model the subquery does not select from refers to the outer query's row (SQLAlchemy's
// auto-correlation).
struct RELATE_API SubqueryExpression final : sql::DeferredRef {
  enum class Kind { scalar, exists, in, not_in };
  SubqueryExpression(Kind k, std::shared_ptr<const QuerySpec> q, std::type_index e,
                     sql::Expr operand)
      : kind(k), query(std::move(q)), entity(e), operand(std::move(operand)) {}
  Kind kind;
  std::shared_ptr<const QuerySpec> query;
  std::type_index entity;  // select<T>(): T; a select of expressions: void
  sql::Expr operand;       // what IN compares; else null
  std::string describe() const override;
};

namespace detail {

template <class T>
struct nullable_traits {
  using value = T;
  static constexpr bool nullable = false;
};
template <class T>
struct nullable_traits<std::optional<T>> {
  using value = T;
  static constexpr bool nullable = true;
};
// The value type of T without std::optional.
template <class T>
using value_of = typename nullable_traits<T>::value;
template <class T>
inline constexpr bool is_nullable = nullable_traits<T>::nullable;
// V, made std::optional<V> when `nullable`.
template <class V, bool nullable>
using maybe_optional = std::conditional_t<nullable, std::optional<V>, V>;

template <class T>
inline constexpr bool is_numeric = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;
template <class A, class B>
inline constexpr bool comparable = std::is_same_v<value_of<A>, value_of<B>> ||
                                   (is_numeric<value_of<A>> && is_numeric<value_of<B>>);

template <class M>
inline constexpr bool is_relationship_member = false;
template <class T>
inline constexpr bool is_relationship_member<one<T>> = true;
template <class T>
inline constexpr bool is_relationship_member<many<T>> = true;

// The model a relationship member refers to.
template <class M>
struct relationship_target;
template <class T>
struct relationship_target<one<T>> {
  using type = T;
};
template <class T>
struct relationship_target<many<T>> {
  using type = T;
};

template <class T>
sql::Expr value_param(const T& v) {
  return sql::param(column_traits<T>::to_value(v));
}

inline sql::Expr member_expr(MemberRef ref, std::uint64_t alias) {
  return sql::make_node(sql::Deferred{std::make_shared<const MemberExpression>(ref, alias)});
}
inline sql::Expr member_expr(MemberRef ref, std::uint64_t alias,
                             const std::shared_ptr<const NamedQuery>& cte) {
  return sql::make_node(sql::Deferred{
      std::make_shared<const MemberExpression>(ref, alias, cte, cte != nullptr)});
}

}  // namespace detail

// A boolean SQL expression.
class RELATE_API Condition {
 public:
  explicit Condition(sql::Expr e) : expr_(std::move(e)) {}
  const sql::Expr& expr() const { return expr_; }

  friend Condition operator&&(const Condition& a, const Condition& b) {
    return Condition(sql::binary(sql::BinaryOp::and_, a.expr_, b.expr_));
  }
  friend Condition operator||(const Condition& a, const Condition& b) {
    return Condition(sql::binary(sql::BinaryOp::or_, a.expr_, b.expr_));
  }
  friend Condition operator!(const Condition& a) {
    return Condition(sql::unary(sql::UnaryOp::not_, a.expr_));
  }

 private:
  sql::Expr expr_;
};

struct OrderSpec {
  sql::Expr expr;
  bool descending = false;
};

// An SQL expression whose value has the C++ type T.
template <class T>
class Expression {
 public:
  using type = T;
  using value_type = detail::value_of<T>;
  static constexpr bool nullable = detail::is_nullable<T>;
  // Text expressions take LIKE and its family.
  static constexpr bool is_text = std::is_same_v<value_type, std::string>;

  explicit Expression(sql::Expr e) : expr_(std::move(e)) {}
  const sql::Expr& expr() const { return expr_; }

  // Against a value of a type that converts to value_type.
  template <class V>
  Condition operator==(const V& v) const {
    return cmp<V>(sql::BinaryOp::eq, v);
  }
  template <class V>
  Condition operator!=(const V& v) const {
    return cmp<V>(sql::BinaryOp::ne, v);
  }
  template <class V>
  Condition operator<(const V& v) const {
    return cmp<V>(sql::BinaryOp::lt, v);
  }
  template <class V>
  Condition operator<=(const V& v) const {
    return cmp<V>(sql::BinaryOp::le, v);
  }
  template <class V>
  Condition operator>(const V& v) const {
    return cmp<V>(sql::BinaryOp::gt, v);
  }
  template <class V>
  Condition operator>=(const V& v) const {
    return cmp<V>(sql::BinaryOp::ge, v);
  }
  // `== std::nullopt` is IS NULL, `!= std::nullopt` IS NOT NULL.
  Condition operator==(std::nullopt_t) const { return is_null(); }
  Condition operator!=(std::nullopt_t) const { return is_not_null(); }

  // Against another expression (a column, an aggregate, a subquery...).
  template <class U>
  Condition operator==(const Expression<U>& o) const {
    return cmp_expr<U>(sql::BinaryOp::eq, o);
  }
  template <class U>
  Condition operator!=(const Expression<U>& o) const {
    return cmp_expr<U>(sql::BinaryOp::ne, o);
  }
  template <class U>
  Condition operator<(const Expression<U>& o) const {
    return cmp_expr<U>(sql::BinaryOp::lt, o);
  }
  template <class U>
  Condition operator<=(const Expression<U>& o) const {
    return cmp_expr<U>(sql::BinaryOp::le, o);
  }
  template <class U>
  Condition operator>(const Expression<U>& o) const {
    return cmp_expr<U>(sql::BinaryOp::gt, o);
  }
  template <class U>
  Condition operator>=(const Expression<U>& o) const {
    return cmp_expr<U>(sql::BinaryOp::ge, o);
  }

  Condition in(const std::vector<value_type>& values) const { return in_impl(values, false); }
  Condition not_in(const std::vector<value_type>& values) const { return in_impl(values, true); }
  // IN (a query of one column): col(&Author::id).in(select(&Book::author_id).where(...)).
  template <class... U>
  Condition in(const RowSelect<U...>& query) const {
    return in_query<U...>(query, SubqueryExpression::Kind::in);
  }
  template <class... U>
  Condition not_in(const RowSelect<U...>& query) const {
    return in_query<U...>(query, SubqueryExpression::Kind::not_in);
  }
  Condition is_null() const { return Condition(sql::unary(sql::UnaryOp::is_null, expr_)); }
  Condition is_not_null() const { return Condition(sql::unary(sql::UnaryOp::is_not_null, expr_)); }
  // low <= x <= high, inclusive as SQL's BETWEEN.
  template <class L, class H>
  Condition between(const L& low, const H& high) const {
    return Condition(sql::make_node(sql::Between{expr_, operand(low), operand(high)}));
  }

  // LIKE, the same on every backend: case-sensitive, `%` any run of characters, `_` one
  // character, `escape` before %, _ or itself makes it literal. ilike ignores the case
  // of ASCII letters (others: docs/backends.md).
  Condition like(std::string pattern, char escape = '\\') const requires is_text {
    return Condition(sql::like(expr_, std::move(pattern), escape));
  }
  Condition ilike(std::string pattern, char escape = '\\') const requires is_text {
    return Condition(sql::ilike(expr_, std::move(pattern), escape));
  }
  // Contains, begins or ends with `text`, taken literally (% and _ in it match only
  // themselves), as SQLAlchemy's contains(..., autoescape=True); icontains & co. ignore
  // case as ilike does.
  Condition contains(std::string_view text) const requires is_text {
    return like("%" + sql::escape_like(text) + "%");
  }
  Condition startswith(std::string_view text) const requires is_text {
    return like(sql::escape_like(text) + "%");
  }
  Condition endswith(std::string_view text) const requires is_text {
    return like("%" + sql::escape_like(text));
  }
  Condition icontains(std::string_view text) const requires is_text {
    return ilike("%" + sql::escape_like(text) + "%");
  }
  Condition istartswith(std::string_view text) const requires is_text {
    return ilike(sql::escape_like(text) + "%");
  }
  Condition iendswith(std::string_view text) const requires is_text {
    return ilike("%" + sql::escape_like(text));
  }

  // `expr AS name` in a select list.
  Expression label(std::string name) const {
    return Expression(sql::make_node(sql::Label{expr_, std::move(name)}));
  }
  OrderSpec asc() const { return OrderSpec{expr_, false}; }
  OrderSpec desc() const { return OrderSpec{expr_, true}; }

 private:
  template <class V>
  Condition cmp(sql::BinaryOp op, const V& v) const {
    return Condition(sql::binary(op, expr_, operand(v)));
  }
  // A value compared with this expression. A number compares as itself (1999.5 with an
  // integer column is not 1999, nor 5e9 with a 32-bit one 705032704; the dialect keeps
  // its type: Dialect::value_placeholder); anything else converts to value_type.
  template <class V>
  static sql::Expr operand(const V& v) {
    if constexpr (detail::is_numeric<V> && detail::is_numeric<value_type>) {
      return detail::value_param<V>(v);
    } else {
      static_assert(std::is_convertible_v<const V&, value_type>,
                    "relate: the value does not convert to the expression's C++ type (see the "
                    "types in 'V' and 'T' of this instantiation)");
      return detail::value_param<value_type>(v);
    }
  }
  template <class U>
  Condition cmp_expr(sql::BinaryOp op, const Expression<U>& o) const {
    static_assert(detail::comparable<T, U>,
                  "relate: these two expressions cannot be compared: their C++ types ('T' and "
                  "'U' of this instantiation) are neither the same nor both numbers");
    return Condition(sql::binary(op, expr_, o.expr()));
  }
  template <class... U, class Q>
  Condition in_query(const Q& query, SubqueryExpression::Kind kind) const {
    static_assert(sizeof...(U) == 1, "relate: IN (subquery) takes a query of one column");
    static_assert((detail::comparable<T, U> && ...),
                  "relate: IN (subquery): the query's column and this expression cannot be "
                  "compared: their C++ types ('T' and 'U' of this instantiation) are neither "
                  "the same nor both numbers");
    return Condition(query.subquery(kind, expr_));
  }
  Condition in_impl(const std::vector<value_type>& values, bool negated) const {
    std::vector<Value> vs;
    vs.reserve(values.size());
    for (const auto& v : values) vs.push_back(column_traits<value_type>::to_value(v));
    return Condition(sql::in_list(expr_, std::move(vs), negated));
  }

  sql::Expr expr_;
};

// The column a member is mapped to: col(&Book::title).
template <class T, class M>
requires(!detail::is_relationship_member<M>) Expression<M> col(M T::*member) {
  return Expression<M>(detail::member_expr(detail::member_ref(member), 0));
}

namespace detail {
// The alias id that remote() marks: the relationship's target in a join condition.
inline constexpr std::uint64_t remote_alias = ~std::uint64_t{0};
}  // namespace detail

// In a relationship's primaryjoin: the member on the relationship's target side, where
// both sides are the same model (a self-referential relationship), as SQLAlchemy's
// remote(): col(&Node::id) == remote(&Node::parent_id).
template <class T, class M>
requires(!detail::is_relationship_member<M>) Expression<M> remote(M T::*member) {
  return Expression<M>(detail::member_expr(detail::member_ref(member), detail::remote_alias));
}

// A column of a many-to-many's association table, by name, in the relationship's
// primaryjoin or secondaryjoin: secondary_col<std::string>("role") == "admin".
struct RELATE_API SecondaryColumnExpression final : sql::DeferredRef {
  explicit SecondaryColumnExpression(std::string n) : name(std::move(n)) {}
  std::string name;
  std::string describe() const override;
};
template <class T>
Expression<T> secondary_col(std::string name) {
  return Expression<T>(sql::make_node(
      sql::Deferred{std::make_shared<const SecondaryColumnExpression>(std::move(name))}));
}

template <class T>
inline constexpr bool is_expression = false;
template <class T>
inline constexpr bool is_expression<Expression<T>> = true;

namespace detail {

// What functions and operators take: an Expression, or a member pointer.
template <class T>
const Expression<T>& as_expression(const Expression<T>& e) {
  return e;
}
template <class T, class M>
requires(!is_relationship_member<M>) Expression<M> as_expression(M T::*member) {
  return col(member);
}
template <class X>
using expression_of = std::decay_t<decltype(as_expression(std::declval<const X&>()))>;
template <class X>
using type_of = typename expression_of<X>::type;

template <class R, class... E>
Expression<R> call(sql::Function f, const E&... args) {
  return Expression<R>(sql::make_node(sql::Call{f, {as_expression(args).expr()...}}));
}
template <class R>
Expression<R> cast_to(const sql::Expr& e) {
  return Expression<R>(sql::make_node(sql::Cast{e, column_traits<value_of<R>>::type}));
}

template <class A, class B>
auto arithmetic(sql::BinaryOp op, const sql::Expr& a, const sql::Expr& b) {
  constexpr bool numbers = is_numeric<value_of<A>> && is_numeric<value_of<B>>;
  static_assert(numbers,
                "relate: arithmetic takes numbers; these C++ types ('A' and 'B' of this "
                "instantiation) are not both numbers");
  if constexpr (numbers) {
    using R = std::common_type_t<value_of<A>, value_of<B>>;
    if (op == sql::BinaryOp::div && std::is_integral_v<R>) op = sql::BinaryOp::int_div;
    return Expression<maybe_optional<R, is_nullable<A> || is_nullable<B>>>(sql::binary(op, a, b));
  } else {
    return Expression<value_of<A>>(nullptr);
  }
}

}  // namespace detail

// Arithmetic between expressions, or an expression and a number: + - * / % and unary -.
// Integers divide as integers on every backend.
#define RELATE_ARITHMETIC_OPERATOR(op, kind)                                                \
  template <class A, class B>                                                               \
  auto operator op(const Expression<A>& a, const Expression<B>& b) {                        \
    return detail::arithmetic<A, B>(sql::BinaryOp::kind, a.expr(), b.expr());               \
  }                                                                                         \
  template <class A, class V>                                                               \
  requires(std::is_arithmetic_v<V>) auto operator op(const Expression<A>& a, V v) {         \
    return detail::arithmetic<A, V>(sql::BinaryOp::kind, a.expr(), detail::value_param(v)); \
  }                                                                                         \
  template <class V, class B>                                                               \
  requires(std::is_arithmetic_v<V>) auto operator op(V v, const Expression<B>& b) {         \
    return detail::arithmetic<V, B>(sql::BinaryOp::kind, detail::value_param(v), b.expr()); \
  }
RELATE_ARITHMETIC_OPERATOR(+, add)
RELATE_ARITHMETIC_OPERATOR(-, sub)
RELATE_ARITHMETIC_OPERATOR(*, mul)
RELATE_ARITHMETIC_OPERATOR(/, div)
#undef RELATE_ARITHMETIC_OPERATOR

template <class A, class B>
auto operator%(const Expression<A>& a, const Expression<B>& b) {
  static_assert(std::is_integral_v<detail::value_of<A>> && std::is_integral_v<detail::value_of<B>>,
                "relate: % takes integers");
  return detail::arithmetic<A, B>(sql::BinaryOp::mod, a.expr(), b.expr());
}
template <class A, class V>
requires(std::is_integral_v<V>) auto operator%(const Expression<A>& a, V v) {
  return a % Expression<V>(detail::value_param(v));
}

template <class A>
Expression<A> operator-(const Expression<A>& a) {
  static_assert(detail::is_numeric<detail::value_of<A>>, "relate: unary - takes a number");
  return Expression<A>(sql::unary(sql::UnaryOp::negate, a.expr()));
}

// String concatenation: || (CONCAT on MySQL).
template <class A, class B>
requires(std::is_same_v<detail::value_of<A>, std::string>&&
             std::is_same_v<detail::value_of<B>, std::string>)
    Expression<
        detail::maybe_optional<std::string, detail::is_nullable<A> || detail::is_nullable<B>>>
operator+(const Expression<A>& a, const Expression<B>& b) {
  return Expression<
      detail::maybe_optional<std::string, detail::is_nullable<A> || detail::is_nullable<B>>>(
      sql::binary(sql::BinaryOp::concat, a.expr(), b.expr()));
}
template <class A>
requires(std::is_same_v<detail::value_of<A>, std::string>) Expression<A>
operator+(const Expression<A>& a, std::string_view b) {
  return Expression<A>(
      sql::binary(sql::BinaryOp::concat, a.expr(), detail::value_param(std::string(b))));
}
template <class B>
requires(std::is_same_v<detail::value_of<B>, std::string>) Expression<B>
operator+(std::string_view a, const Expression<B>& b) {
  return Expression<B>(
      sql::binary(sql::BinaryOp::concat, detail::value_param(std::string(a)), b.expr()));
}

// Ordering.
template <class T, class M>
OrderSpec asc(M T::*member) {
  return col(member).asc();
}
template <class T, class M>
OrderSpec desc(M T::*member) {
  return col(member).desc();
}
template <class T>
OrderSpec asc(const Expression<T>& e) {
  return e.asc();
}
template <class T>
OrderSpec desc(const Expression<T>& e) {
  return e.desc();
}

}  // namespace relate
