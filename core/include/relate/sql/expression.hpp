// SQL expression trees: column references, bound parameters, comparisons, boolean
// logic, LIKE, IN and IS NULL. Values are always bound parameters, never spliced into
// text (integers of an IN list too long to bind are the one exception: see InList).
// ORM queries refer to model members (MemberRef) that the session resolves to
// columns before compiling.
#pragma once

#include <cstddef>
#include <memory>
#include <relate/export.hpp>
#include <relate/value.hpp>
#include <string>
#include <string_view>
#include <typeindex>
#include <variant>
#include <vector>

namespace relate {
class Column;
}

namespace relate::sql {

enum class BinaryOp { eq, ne, lt, le, gt, ge, and_, or_ };
enum class UnaryOp { not_, is_null, is_not_null };

struct Node;
using Expr = std::shared_ptr<const Node>;

struct ColumnRef {
  const Column* column;
  std::string qualifier;  // table alias; empty: the table's own name
};

// A member of a mapped model, e.g. &User::name; resolved to a ColumnRef by the ORM.
struct MemberRef {
  std::type_index model;
  std::size_t field;
  std::string_view model_name;
  std::string_view member_name;
};

struct Param {
  Value value;
};

struct Binary {
  BinaryOp op;
  Expr left;
  Expr right;
};

struct Unary {
  UnaryOp op;
  Expr operand;
};

// Whether LIKE tells upper from lower case. Case::insensitive folds ASCII letters on
// every backend; other letters as docs/backends.md says.
enum class Case { sensitive, insensitive };

// operand LIKE pattern, the same on every backend: `%` matches any run of characters,
// `_` one character, and `escape` makes the next %, _ or escape character literal
// (escape_like writes such a pattern for a literal text).
struct Like {
  Expr operand;
  std::string pattern;
  char escape = '\\';
  Case match_case = Case::sensitive;
};

// An empty list matches nothing (NOT IN: everything). A list longer than the backend
// binds in one statement (Dialect::max_parameters) is written inline when it holds
// integers only, which need no quoting; otherwise compiling it is an ArgumentError.
struct InList {
  Expr operand;
  std::vector<Value> values;
  bool negated = false;
};

// (a, b) IN ((?, ?), (?, ?)): composite keys; one operand compiles as a plain IN.
struct TupleIn {
  std::vector<Expr> operands;
  std::vector<std::vector<Value>> rows;
};

struct Node {
  std::variant<ColumnRef, MemberRef, Param, Binary, Unary, Like, InList, TupleIn> v;
};

inline Expr column(const Column& c, std::string qualifier = {}) {
  return std::make_shared<const Node>(Node{ColumnRef{&c, std::move(qualifier)}});
}
inline Expr param(Value v) { return std::make_shared<const Node>(Node{Param{std::move(v)}}); }
inline Expr binary(BinaryOp op, Expr l, Expr r) {
  return std::make_shared<const Node>(Node{Binary{op, std::move(l), std::move(r)}});
}
inline Expr unary(UnaryOp op, Expr e) {
  return std::make_shared<const Node>(Node{Unary{op, std::move(e)}});
}
// Case-sensitive LIKE; ilike ignores case. The escape character is ASCII punctuation
// other than % and _; the compiler refuses a pattern in which it is followed by
// anything but %, _ or itself (relate::ArgumentError), as PostgreSQL would.
inline Expr like(Expr e, std::string pattern, char escape = '\\') {
  return std::make_shared<const Node>(Node{Like{std::move(e), std::move(pattern), escape}});
}
inline Expr ilike(Expr e, std::string pattern, char escape = '\\') {
  return std::make_shared<const Node>(
      Node{Like{std::move(e), std::move(pattern), escape, Case::insensitive}});
}
// `text` as a LIKE pattern that matches exactly it: %, _ and `escape` escaped.
RELATE_API std::string escape_like(std::string_view text, char escape = '\\');

inline Expr in_list(Expr e, std::vector<Value> values, bool negated = false) {
  return std::make_shared<const Node>(Node{InList{std::move(e), std::move(values), negated}});
}
inline Expr tuple_in(std::vector<Expr> operands, std::vector<std::vector<Value>> rows) {
  return std::make_shared<const Node>(Node{TupleIn{std::move(operands), std::move(rows)}});
}
// AND of both; either may be null (absent).
RELATE_API Expr and_(Expr a, Expr b);

// Rewrites every MemberRef through `resolve`, sharing unchanged subtrees.
template <class F>
Expr transform_members(const Expr& e, F&& resolve);

}  // namespace relate::sql

namespace relate::sql {

template <class F>
Expr transform_members(const Expr& e, F&& resolve) {
  if (!e) return e;
  return std::visit(
      [&](const auto& n) -> Expr {
        using N = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<N, MemberRef>) {
          return resolve(n);
        } else if constexpr (std::is_same_v<N, Binary>) {
          return binary(n.op, transform_members(n.left, resolve),
                        transform_members(n.right, resolve));
        } else if constexpr (std::is_same_v<N, Unary>) {
          return unary(n.op, transform_members(n.operand, resolve));
        } else if constexpr (std::is_same_v<N, Like>) {
          return std::make_shared<const Node>(
              Node{Like{transform_members(n.operand, resolve), n.pattern, n.escape, n.match_case}});
        } else if constexpr (std::is_same_v<N, InList>) {
          return in_list(transform_members(n.operand, resolve), n.values, n.negated);
        } else if constexpr (std::is_same_v<N, TupleIn>) {
          std::vector<Expr> operands;
          for (const auto& o : n.operands) operands.push_back(transform_members(o, resolve));
          return tuple_in(std::move(operands), n.rows);
        } else {
          return e;
        }
      },
      e->v);
}

}  // namespace relate::sql
