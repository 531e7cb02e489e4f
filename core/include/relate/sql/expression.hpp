// SQL expression trees: column references, bound parameters, comparisons, boolean
// logic, arithmetic, functions and aggregates, CASE, CAST, LIKE, IN, EXISTS and
// subqueries. Values are always bound parameters, never spliced into text (integers
// of an IN list too long to bind are the one exception: see InList).
//
// A higher layer may leave references in the tree that only it can resolve (the
// ORM's model members and relationship predicates): Deferred nodes, which it
// replaces with plain nodes (transform_deferred) before the tree is compiled.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <relate/column_traits.hpp>
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

// int_div divides integers as integers (truncating) on every backend; div is the
// division of the operands' SQL types. concat joins text.
enum class BinaryOp { eq, ne, lt, le, gt, ge, and_, or_, add, sub, mul, div, int_div, mod, concat };
enum class UnaryOp { not_, is_null, is_not_null, negate };

struct Node;
using Expr = std::shared_ptr<const Node>;
struct Select;

struct ColumnRef {
  const Column* column;
  std::string qualifier;  // table alias; empty: the table's own name
};

// What a higher layer put in the tree for itself to resolve; compiling one is an
// ArgumentError that says what it is (describe()).
class RELATE_API DeferredRef {
 public:
  virtual ~DeferredRef();
  virtual std::string describe() const = 0;
};

struct Deferred {
  std::shared_ptr<const DeferredRef> ref;
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

// Functions whose spelling a Dialect may change. count with no argument is COUNT(*).
enum class Function {
  count,
  sum,
  avg,
  min,
  max,
  lower,
  upper,
  length,  // in characters
  trim,
  coalesce,
  abs,
  round,
};

struct Call {
  Function function;
  std::vector<Expr> args;
  bool distinct = false;  // COUNT(DISTINCT x)
};

// `operand AS name` in a select list; elsewhere the operand alone. LabelRef refers to
// the label by name (ORDER BY a label).
struct Label {
  Expr operand;
  std::string name;
};
struct LabelRef {
  std::string name;
};

struct Between {
  Expr operand;
  Expr low;
  Expr high;
};

// CASE WHEN c1 THEN r1 ... ELSE otherwise END (no ELSE when otherwise is null).
struct CaseWhen {
  std::vector<std::pair<Expr, Expr>> whens;
  Expr otherwise;
};

// CAST(operand AS <the dialect's type for `type`>).
struct Cast {
  Expr operand;
  ColumnType type;
};

// EXISTS (query); a scalar subquery (query); operand [NOT] IN (query).
struct Exists {
  std::shared_ptr<const Select> query;
};
struct ScalarSubquery {
  std::shared_ptr<const Select> query;
};
struct InSelect {
  Expr operand;
  std::shared_ptr<const Select> query;
  bool negated = false;
};

// The literal 1, as in SELECT 1 (EXISTS subqueries).
struct One {};

struct Node {
  std::variant<ColumnRef, Deferred, Param, Binary, Unary, Like, InList, TupleIn, Call, Label,
               LabelRef, Between, CaseWhen, Cast, Exists, ScalarSubquery, InSelect, One>
      v;
};

// A node of any kind above, one overload per kind. Compiled in the library
// (expression.cpp), so that building a tree instantiates neither the variant nor its
// shared_ptr here.
// clang-format off
#define RELATE_SQL_NODE_KINDS(X) \
  X(ColumnRef) \
  X(Deferred) \
  X(Param) \
  X(Binary) \
  X(Unary) \
  X(Like) \
  X(InList) \
  X(TupleIn) \
  X(Call) \
  X(Label) \
  X(LabelRef) \
  X(Between) \
  X(CaseWhen) \
  X(Cast) \
  X(Exists) \
  X(ScalarSubquery) \
  X(InSelect) \
  X(One)
// clang-format on
#define RELATE_SQL_DECLARE_MAKE_NODE(N) RELATE_API Expr make_node(N n);
RELATE_SQL_NODE_KINDS(RELATE_SQL_DECLARE_MAKE_NODE)
#undef RELATE_SQL_DECLARE_MAKE_NODE

RELATE_API Expr column(const Column& c, std::string qualifier = {});
RELATE_API Expr param(Value v);
RELATE_API Expr binary(BinaryOp op, Expr l, Expr r);
RELATE_API Expr unary(UnaryOp op, Expr e);
// Case-sensitive LIKE; ilike ignores case. The escape character is ASCII punctuation
// other than % and _; the compiler refuses a pattern in which it is followed by
// anything but %, _ or itself (relate::ArgumentError), as PostgreSQL would.
RELATE_API Expr like(Expr e, std::string pattern, char escape = '\\');
RELATE_API Expr ilike(Expr e, std::string pattern, char escape = '\\');
// `text` as a LIKE pattern that matches exactly it: %, _ and `escape` escaped.
RELATE_API std::string escape_like(std::string_view text, char escape = '\\');

RELATE_API Expr in_list(Expr e, std::vector<Value> values, bool negated = false);
RELATE_API Expr tuple_in(std::vector<Expr> operands, std::vector<std::vector<Value>> rows);
// AND of both; either may be null (absent).
RELATE_API Expr and_(Expr a, Expr b);

// Rewrites every Deferred node through `resolve` (Deferred -> Expr), sharing
// unchanged subtrees. Subqueries are left as they are: their builder resolves them.
RELATE_API Expr transform_deferred(const Expr& e,
                                   const std::function<Expr(const Deferred&)>& resolve);

}  // namespace relate::sql
