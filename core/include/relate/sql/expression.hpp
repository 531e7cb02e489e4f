// SQL expression trees: column references, bound parameters, comparisons, boolean
// logic, IN and IS NULL. Values are always bound parameters, never spliced into text.
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

enum class BinaryOp { eq, ne, lt, le, gt, ge, like, and_, or_ };
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
  std::variant<ColumnRef, MemberRef, Param, Binary, Unary, InList, TupleIn> v;
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
