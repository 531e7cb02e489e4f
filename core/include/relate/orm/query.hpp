// ORM queries: select<T>() with typed column expressions, ordering, limit/offset and
// loader options.
//
//   session.scalars(relate::select<User>()
//                       .where(relate::col(&User::name) == "Alice")
//                       .order_by(&User::id)
//                       .options(relate::load(&User::posts, "lazy")))
//       .all();
#pragma once

#include <cstdint>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/orm/mapping_options.hpp>
#include <relate/sql/expression.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate {

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

// A column of a model, typed by its member type M: comparisons accept what converts
// to M (for std::optional<X>, what converts to X).
template <class M>
class TypedColumn {
  template <class U>
  struct inner {
    using type = U;
  };
  template <class U>
  struct inner<std::optional<U>> {
    using type = U;
  };

 public:
  using value_type = typename inner<M>::type;
  // Text columns (std::string, std::optional<std::string>) take LIKE.
  static constexpr bool is_text = std::is_same_v<value_type, std::string>;

  explicit TypedColumn(sql::MemberRef ref)
      : expr_(std::make_shared<const sql::Node>(sql::Node{std::move(ref)})) {}
  const sql::Expr& expr() const { return expr_; }

  Condition operator==(const value_type& v) const { return cmp(sql::BinaryOp::eq, v); }
  Condition operator!=(const value_type& v) const { return cmp(sql::BinaryOp::ne, v); }
  Condition operator<(const value_type& v) const { return cmp(sql::BinaryOp::lt, v); }
  Condition operator<=(const value_type& v) const { return cmp(sql::BinaryOp::le, v); }
  Condition operator>(const value_type& v) const { return cmp(sql::BinaryOp::gt, v); }
  Condition operator>=(const value_type& v) const { return cmp(sql::BinaryOp::ge, v); }
  // Column against column.
  template <class N>
  Condition operator==(const TypedColumn<N>& other) const {
    return Condition(sql::binary(sql::BinaryOp::eq, expr_, other.expr()));
  }

  Condition in(const std::vector<value_type>& values) const { return in_impl(values, false); }
  Condition not_in(const std::vector<value_type>& values) const { return in_impl(values, true); }
  Condition is_null() const { return Condition(sql::unary(sql::UnaryOp::is_null, expr_)); }
  Condition is_not_null() const { return Condition(sql::unary(sql::UnaryOp::is_not_null, expr_)); }
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

 private:
  Condition cmp(sql::BinaryOp op, const value_type& v) const {
    return Condition(sql::binary(op, expr_, sql::param(column_traits<value_type>::to_value(v))));
  }
  Condition in_impl(const std::vector<value_type>& values, bool negated) const {
    std::vector<Value> vs;
    vs.reserve(values.size());
    for (const auto& v : values) vs.push_back(column_traits<value_type>::to_value(v));
    return Condition(sql::in_list(expr_, std::move(vs), negated));
  }

  sql::Expr expr_;
};

template <class T, class M>
TypedColumn<M> col(M T::*member) {
  return TypedColumn<M>(detail::member_ref(member));
}

struct OrderSpec {
  sql::MemberRef member;
  bool descending = false;
};

template <class T, class M>
OrderSpec asc(M T::*member) {
  return OrderSpec{detail::member_ref(member), false};
}
template <class T, class M>
OrderSpec desc(M T::*member) {
  return OrderSpec{detail::member_ref(member), true};
}

// A loader option: a path of relationship members and the strategy for its last step.
// Chain to go deeper: load(&User::posts, "selectin").load(&Post::tags, "joined").
class RELATE_API LoaderOption {
 public:
  struct Step {
    sql::MemberRef member;
    std::string strategy;
  };
  LoaderOption(sql::MemberRef member, std::string strategy) {
    steps_.push_back(Step{std::move(member), std::move(strategy)});
  }
  template <class T, class M>
  LoaderOption& load(M T::*member, std::string strategy) {
    steps_.push_back(Step{detail::member_ref(member), std::move(strategy)});
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

// The untyped description of a query, as the session executes it.
struct QuerySpec {
  sql::Expr where;
  std::vector<OrderSpec> order_by;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::vector<LoaderOption> options;
};

template <class T>
class Select {
 public:
  Select& where(const Condition& c) {
    spec_.where = spec_.where ? sql::and_(spec_.where, c.expr()) : c.expr();
    return *this;
  }
  Select& order_by(OrderSpec o) {
    spec_.order_by.push_back(std::move(o));
    return *this;
  }
  template <class M>
  Select& order_by(M T::*member) {
    return order_by(asc(member));
  }
  Select& limit(std::int64_t n) {
    spec_.limit = n;
    return *this;
  }
  Select& offset(std::int64_t n) {
    spec_.offset = n;
    return *this;
  }
  template <class... O>
  Select& options(O... opts) {
    (spec_.options.push_back(std::move(opts)), ...);
    return *this;
  }
  const QuerySpec& spec() const { return spec_; }

 private:
  QuerySpec spec_;
};

template <class T>
Select<T> select() {
  return Select<T>();
}

}  // namespace relate
