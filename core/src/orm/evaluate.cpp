#include "evaluate.hpp"

#include <cmath>
#include <relate/schema.hpp>

namespace relate {

namespace {

using sql::BinaryOp;

bool comparison(BinaryOp op) {
  return op == BinaryOp::eq || op == BinaryOp::ne || op == BinaryOp::lt || op == BinaryOp::le ||
         op == BinaryOp::gt || op == BinaryOp::ge;
}

// The largest magnitude below which every integer is a double exactly.
constexpr std::int64_t exact_in_double = std::int64_t{1} << 53;

bool numeric(const Value& v) {
  return v.kind() == Value::Kind::integer || v.kind() == Value::Kind::real;
}

// -1, 0, 1; nullopt where a double cannot tell (an integer beyond 2^53).
std::optional<int> compare_numbers(const Value& l, const Value& r) {
  if (l.kind() == Value::Kind::integer && r.kind() == Value::Kind::integer) {
    return l.as_int() < r.as_int() ? -1 : (l.as_int() > r.as_int() ? 1 : 0);
  }
  for (const Value* v : {&l, &r}) {
    if (v->kind() == Value::Kind::integer &&
        (v->as_int() > exact_in_double || v->as_int() < -exact_in_double)) {
      return std::nullopt;
    }
  }
  const double a = l.as_double();
  const double b = r.as_double();
  return a < b ? -1 : (a > b ? 1 : 0);
}

std::optional<int> compare(const Value& l, const Value& r) {
  if (numeric(l) && numeric(r)) return compare_numbers(l, r);
  if (l.kind() != r.kind()) return std::nullopt;
  switch (l.kind()) {
    case Value::Kind::boolean:
      return int(l.as_bool()) - int(r.as_bool());
    case Value::Kind::text: {
      // Bytes, as unsigned: std::string's comparison is memcmp's.
      const int c = l.as_text().compare(r.as_text());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Value::Kind::blob:
      return l.as_blob() == r.as_blob() ? 0 : 1;  // (only = and <> reach here)
    case Value::Kind::timestamp:
      return l.as_timestamp() < r.as_timestamp() ? -1
                                                 : (l.as_timestamp() > r.as_timestamp() ? 1 : 0);
    default:
      return std::nullopt;
  }
}

bool holds(BinaryOp op, int order) {
  switch (op) {
    case BinaryOp::eq:
      return order == 0;
    case BinaryOp::ne:
      return order != 0;
    case BinaryOp::lt:
      return order < 0;
    case BinaryOp::le:
      return order <= 0;
    case BinaryOp::gt:
      return order > 0;
    default:
      return order >= 0;
  }
}

std::optional<Value> integer_arithmetic(BinaryOp op, std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  switch (op) {
    case BinaryOp::add:
      if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
      return Value(out);
    case BinaryOp::sub:
      if (__builtin_sub_overflow(a, b, &out)) return std::nullopt;
      return Value(out);
    case BinaryOp::mul:
      if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
      return Value(out);
    case BinaryOp::int_div:
    case BinaryOp::mod:
      // By zero: NULL on SQLite and MySQL, an error on PostgreSQL.
      if (b == 0 || (a == INT64_MIN && b == -1)) return std::nullopt;
      return Value(op == BinaryOp::mod ? a % b : a / b);  // both truncate, as SQL's
    default:
      return std::nullopt;
  }
}

std::optional<Value> real_arithmetic(BinaryOp op, double a, double b) {
  double out = 0;
  switch (op) {
    case BinaryOp::add:
      out = a + b;
      break;
    case BinaryOp::sub:
      out = a - b;
      break;
    case BinaryOp::mul:
      out = a * b;
      break;
    case BinaryOp::div:
      if (b == 0) return std::nullopt;
      out = a / b;
      break;
    default:
      return std::nullopt;
  }
  if (!std::isfinite(out)) return std::nullopt;
  return Value(out);
}

// SQL's three-valued AND / OR of two conditions (bool or NULL).
std::optional<Value> logic(BinaryOp op, const Value& l, const Value& r) {
  const bool decisive = op == BinaryOp::or_;  // the value that decides alone
  if ((!l.is_null() && l.as_bool() == decisive) || (!r.is_null() && r.as_bool() == decisive)) {
    return Value(decisive);
  }
  if (l.is_null() || r.is_null()) return Value();
  return Value(!decisive);
}

std::optional<Value> negated(const std::optional<Value>& v) {
  if (!v || v->is_null()) return v;
  return Value(!v->as_bool());
}

// x IN (values): true if one equals, else NULL if one was NULL or x is, else false.
std::optional<Value> in_values(const Value& x, const std::vector<Value>& values) {
  if (values.empty()) return Value(false);
  if (x.is_null()) return Value();
  bool unknown = false;
  for (const Value& v : values) {
    if (v.is_null()) {
      unknown = true;
      continue;
    }
    const auto order = compare(x, v);
    if (!order) return std::nullopt;
    if (*order == 0) return Value(true);
  }
  return unknown ? Value() : Value(false);
}

}  // namespace

InMemoryEvaluator::InMemoryEvaluator(const Mapper& mapper, const Dialect& dialect)
    : mapper_(mapper), dialect_(dialect) {
  for (std::size_t i = 0; i < mapper.columns().size(); ++i) index_[mapper.columns()[i].column] = i;
}

std::optional<bool> InMemoryEvaluator::matches(const std::optional<Value>& v) {
  if (!v) return std::nullopt;
  if (v->is_null()) return false;
  if (v->kind() != Value::Kind::boolean) return std::nullopt;
  return v->as_bool();
}

std::optional<std::string> InMemoryEvaluator::unevaluatable(const sql::Expr& expr) const {
  std::string why;
  if (kind_of(expr, why)) return std::nullopt;
  return why;
}

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::refuse(std::string& why,
                                                                 std::string what) {
  if (why.empty()) why = std::move(what);
  return std::nullopt;
}

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::comparable(Kind l, Kind r, BinaryOp op,
                                                                     std::string& why) const {
  // Two operands a comparison can take: the same kind, or numbers, or a NULL.
  if (l == Kind::null || r == Kind::null) return Kind::boolean_result;
  const auto number = [](Kind k) { return k == Kind::number || k == Kind::single; };
  if (number(l) && number(r)) return Kind::boolean_result;
  if (l != r) return refuse(why, "a comparison of two kinds of values");
  const bool order = op != BinaryOp::eq && op != BinaryOp::ne;
  if (l == Kind::text) {
    const auto how = dialect_.text_comparison();
    if (how == Dialect::TextComparison::collation ||
        (order && how != Dialect::TextComparison::ordered_bytes)) {
      return refuse(why, "a comparison of texts, which " + std::string(dialect_.name()) +
                             " decides by its collation");
    }
  }
  if (l == Kind::blob && order) return refuse(why, "an ordering of blobs");
  return Kind::boolean_result;
}

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::kind_of(const sql::Expr& expr,
                                                                  std::string& why) const {
  if (!expr) return Kind::boolean_result;  // no WHERE: every row
  return std::visit(
      [&](const auto& node) -> std::optional<Kind> {
        using N = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<N, sql::ColumnRef> || std::is_same_v<N, sql::Binary> ||
                      std::is_same_v<N, sql::Unary> || std::is_same_v<N, sql::InList> ||
                      std::is_same_v<N, sql::TupleIn> || std::is_same_v<N, sql::Between>) {
          return kind(node, why);
        } else if constexpr (std::is_same_v<N, sql::Param>) {
          return kind_of_value(node.value);
        } else if constexpr (std::is_same_v<N, sql::Label>) {
          return kind_of(node.operand, why);
        } else if constexpr (std::is_same_v<N, sql::Like>) {
          return refuse(why, "LIKE");
        } else if constexpr (std::is_same_v<N, sql::Call>) {
          return refuse(
              why, "a function call (" + std::string(Dialect::function_name(node.function)) + ")");
        } else if constexpr (std::is_same_v<N, sql::CaseWhen>) {
          return refuse(why, "CASE");
        } else if constexpr (std::is_same_v<N, sql::Cast>) {
          return refuse(why, "CAST");
        } else {
          return refuse(why, "a subquery or a reference memory cannot follow");
        }
      },
      expr->v);
}

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::kind(const sql::ColumnRef& node,
                                                               std::string& why) const {
  if (!index_.count(node.column)) {
    return refuse(why, "a column of '" + std::string(node.column->table().name()) + "'");
  }
  switch (node.column->type()) {
    case ColumnType::boolean:
      return Kind::boolean_result;
    case ColumnType::real:
      return Kind::single;
    case ColumnType::text:
      return Kind::text;
    case ColumnType::blob:
      return Kind::blob;
    case ColumnType::timestamp:
      return Kind::timestamp;
    default:
      return Kind::number;
  }
}

InMemoryEvaluator::Kind InMemoryEvaluator::kind_of_value(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::null:
      return Kind::null;
    case Value::Kind::boolean:
      return Kind::boolean_result;
    case Value::Kind::text:
      return Kind::text;
    case Value::Kind::blob:
      return Kind::blob;
    case Value::Kind::timestamp:
      return Kind::timestamp;
    default:
      return Kind::number;
  }
}

namespace {

// Integers divided by integers: truncated, or a decimal (MySQL).
bool has_double_operand(const sql::Binary& node) {
  for (const sql::Expr& side : {node.left, node.right}) {
    const auto* p = std::get_if<sql::Param>(&side->v);
    const auto* c = std::get_if<sql::ColumnRef>(&side->v);
    if ((p && p->value.kind() == Value::Kind::real) ||
        (c && c->column->type() == ColumnType::double_precision)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::kind(const sql::Binary& node,
                                                               std::string& why) const {
  const auto l = kind_of(node.left, why);
  const auto r = kind_of(node.right, why);
  if (!l || !r) return std::nullopt;
  if (comparison(node.op)) return comparable(*l, *r, node.op, why);
  const auto is = [&](Kind k) {
    return (*l == k || *l == Kind::null) && (*r == k || *r == Kind::null);
  };
  if (node.op == BinaryOp::and_ || node.op == BinaryOp::or_) {
    if (is(Kind::boolean_result)) return Kind::boolean_result;
    return refuse(why, "AND or OR of something other than conditions");
  }
  if (node.op == BinaryOp::concat) {
    if (is(Kind::text)) return Kind::text;
    return refuse(why, "|| of something other than texts");
  }
  if (*l == Kind::single || *r == Kind::single) {
    return refuse(why,
                  "arithmetic on a float column, which a backend may compute in single "
                  "precision");
  }
  if (node.op == BinaryOp::div && !has_double_operand(node)) {
    return refuse(why,
                  "/ without a double operand, which backends compute differently (int_div "
                  "truncates everywhere)");
  }
  if (is(Kind::number)) return Kind::number;
  return refuse(why, "arithmetic on something other than numbers");
}

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::kind(const sql::Unary& node,
                                                               std::string& why) const {
  const auto k = kind_of(node.operand, why);
  if (!k) return std::nullopt;
  if (node.op == sql::UnaryOp::is_null || node.op == sql::UnaryOp::is_not_null) {
    return Kind::boolean_result;
  }
  if (node.op == sql::UnaryOp::negate) {
    if (*k == Kind::number || *k == Kind::null) return Kind::number;
    return refuse(why, "- of something other than a number");
  }
  if (*k == Kind::boolean_result || *k == Kind::null) return Kind::boolean_result;
  return refuse(why, "NOT of something other than a condition");
}

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::kind(const sql::InList& node,
                                                               std::string& why) const {
  const auto k = kind_of(node.operand, why);
  if (!k) return std::nullopt;
  for (const Value& v : node.values) {
    if (!comparable(*k, kind_of_value(v), BinaryOp::eq, why)) return std::nullopt;
  }
  return Kind::boolean_result;
}

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::kind(const sql::TupleIn& node,
                                                               std::string& why) const {
  for (std::size_t i = 0; i < node.operands.size(); ++i) {
    const auto k = kind_of(node.operands[i], why);
    if (!k) return std::nullopt;
    for (const auto& row : node.rows) {
      if (!comparable(*k, kind_of_value(row[i]), BinaryOp::eq, why)) return std::nullopt;
    }
  }
  return Kind::boolean_result;
}

std::optional<InMemoryEvaluator::Kind> InMemoryEvaluator::kind(const sql::Between& node,
                                                               std::string& why) const {
  const auto x = kind_of(node.operand, why);
  const auto low = kind_of(node.low, why);
  const auto high = kind_of(node.high, why);
  if (!x || !low || !high) return std::nullopt;
  if (!comparable(*x, *low, BinaryOp::ge, why) || !comparable(*x, *high, BinaryOp::le, why)) {
    return std::nullopt;
  }
  return Kind::boolean_result;
}

std::optional<Value> InMemoryEvaluator::evaluate(const sql::Expr& expr,
                                                 const RowSnapshot& row) const {
  if (!expr) return Value(true);
  return std::visit(
      [&](const auto& node) -> std::optional<Value> {
        using N = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<N, sql::ColumnRef>) {
          return row[index_.at(node.column)];
        } else if constexpr (std::is_same_v<N, sql::Param>) {
          return node.value;
        } else if constexpr (std::is_same_v<N, sql::Binary> || std::is_same_v<N, sql::Unary> ||
                             std::is_same_v<N, sql::TupleIn> || std::is_same_v<N, sql::Between>) {
          return value(node, row);
        } else if constexpr (std::is_same_v<N, sql::InList>) {
          const auto x = evaluate(node.operand, row);
          if (!x) return std::nullopt;
          const auto in = in_values(*x, node.values);
          return node.negated ? negated(in) : in;
        } else if constexpr (std::is_same_v<N, sql::Label>) {
          return evaluate(node.operand, row);
        } else {
          return std::nullopt;  // unevaluatable() refused it
        }
      },
      expr->v);
}

std::optional<Value> InMemoryEvaluator::value(const sql::Binary& node,
                                              const RowSnapshot& row) const {
  const auto l = evaluate(node.left, row);
  const auto r = evaluate(node.right, row);
  if (!l || !r) return std::nullopt;
  // The tree's `= NULL` is IS NULL (`== std::nullopt`), as the SQL compiler writes it.
  if ((node.op == BinaryOp::eq || node.op == BinaryOp::ne) &&
      std::holds_alternative<sql::Param>(node.right->v) && r->is_null()) {
    return Value(l->is_null() == (node.op == BinaryOp::eq));
  }
  if (node.op == BinaryOp::and_ || node.op == BinaryOp::or_) return logic(node.op, *l, *r);
  if (l->is_null() || r->is_null()) return Value();
  if (comparison(node.op)) {
    const auto order = compare(*l, *r);
    if (!order) return std::nullopt;
    return Value(holds(node.op, *order));
  }
  if (node.op == BinaryOp::concat) return Value(l->as_text() + r->as_text());
  if (!numeric(*l) || !numeric(*r)) return std::nullopt;
  if (l->kind() == Value::Kind::integer && r->kind() == Value::Kind::integer &&
      node.op != BinaryOp::div) {
    return integer_arithmetic(node.op, l->as_int(), r->as_int());
  }
  for (const Value* v : {&*l, &*r}) {  // as a double, an integer beyond 2^53 moves
    if (v->kind() == Value::Kind::integer &&
        (v->as_int() > exact_in_double || v->as_int() < -exact_in_double)) {
      return std::nullopt;
    }
  }
  return real_arithmetic(node.op, l->as_double(), r->as_double());
}

std::optional<Value> InMemoryEvaluator::value(const sql::Unary& node,
                                              const RowSnapshot& row) const {
  const auto v = evaluate(node.operand, row);
  if (!v) return std::nullopt;
  switch (node.op) {
    case sql::UnaryOp::is_null:
      return Value(v->is_null());
    case sql::UnaryOp::is_not_null:
      return Value(!v->is_null());
    case sql::UnaryOp::not_:
      return negated(v);
    case sql::UnaryOp::negate:
      if (v->is_null()) return v;
      if (v->kind() == Value::Kind::real) return Value(-v->as_double());
      if (v->kind() != Value::Kind::integer || v->as_int() == INT64_MIN) return std::nullopt;
      return Value(-v->as_int());
  }
  return std::nullopt;
}

std::optional<Value> InMemoryEvaluator::value(const sql::TupleIn& node,
                                              const RowSnapshot& row) const {
  // OR over the rows of AND over the columns.
  std::optional<Value> any = Value(false);
  for (const auto& values : node.rows) {
    std::optional<Value> all = Value(true);
    for (std::size_t i = 0; i < node.operands.size() && all; ++i) {
      const auto x = evaluate(node.operands[i], row);
      if (!x) return std::nullopt;
      const auto eq = in_values(*x, {values[i]});
      if (!eq) return std::nullopt;
      all = logic(BinaryOp::and_, *all, *eq);
    }
    if (!all) return std::nullopt;
    any = logic(BinaryOp::or_, *any, *all);
  }
  return any;
}

std::optional<Value> InMemoryEvaluator::value(const sql::Between& node,
                                              const RowSnapshot& row) const {
  const auto x = evaluate(node.operand, row);
  const auto low = evaluate(node.low, row);
  const auto high = evaluate(node.high, row);
  if (!x || !low || !high) return std::nullopt;
  if (x->is_null() || low->is_null() || high->is_null()) {
    // NULL, unless one bound alone already fails.
    std::optional<Value> out = Value();
    if (!x->is_null() && !low->is_null()) {
      const auto o = compare(*x, *low);
      if (!o) return std::nullopt;
      if (*o < 0) out = Value(false);
    }
    if (!x->is_null() && !high->is_null()) {
      const auto o = compare(*x, *high);
      if (!o) return std::nullopt;
      if (*o > 0) out = Value(false);
    }
    return out;
  }
  const auto above = compare(*x, *low);
  const auto below = compare(*x, *high);
  if (!above || !below) return std::nullopt;
  return Value(*above >= 0 && *below <= 0);
}

}  // namespace relate
