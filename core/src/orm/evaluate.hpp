// SynchronizeSession::evaluate: a bulk statement's WHERE and SET expressions computed
// in memory for the objects the Session holds, as SQLAlchemy's evaluator does, with
// SQL's NULL logic. Only what every backend computes as memory would is evaluated:
// comparisons of numbers, booleans, timestamps and blobs (equality), text where the
// Dialect says how it compares (text_comparison), arithmetic on integers and doubles,
// ||, IS NULL, IN, BETWEEN, AND/OR/NOT. LIKE, functions, CASE, CAST, subqueries and
// other tables' columns are not: unevaluatable() names them before any statement runs.
// A value memory cannot be sure of for one row (an integer overflow, a division by
// zero, an integer beyond 2^53 compared with a double) is "unknown" for that row.
#pragma once

#include <optional>
#include <relate/engine/dialect.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/row_snapshot.hpp>
#include <relate/sql/expression.hpp>
#include <string>
#include <unordered_map>

namespace relate {

class InMemoryEvaluator {
 public:
  InMemoryEvaluator(const Mapper& mapper, const Dialect& dialect);

  // What in `expr` cannot be evaluated in memory ("LIKE", "a column of 'authors'"),
  // or nothing.
  std::optional<std::string> unevaluatable(const sql::Expr& expr) const;
  // The value of `expr` for one row of the mapper's table (its columns in the mapper's
  // order): a Value (a condition is a bool, or NULL), or nullopt where memory cannot be
  // sure. Expects an expression unevaluatable() accepted.
  std::optional<Value> evaluate(const sql::Expr& expr, const RowSnapshot& row) const;

  // What a WHERE that evaluated to `v` does to the row: true, false, or unknown.
  static std::optional<bool> matches(const std::optional<Value>& v);

 private:
  // The kinds of values a sub-expression can have, as far as evaluation cares.
  enum class Kind { null, number, single, text, blob, timestamp, boolean_result };
  // The kind of `expr`, or nothing with `why` naming what memory cannot compute.
  std::optional<Kind> kind_of(const sql::Expr& expr, std::string& why) const;
  std::optional<Kind> kind(const sql::ColumnRef& node, std::string& why) const;
  std::optional<Kind> kind(const sql::Binary& node, std::string& why) const;
  std::optional<Kind> kind(const sql::Unary& node, std::string& why) const;
  std::optional<Kind> kind(const sql::InList& node, std::string& why) const;
  std::optional<Kind> kind(const sql::TupleIn& node, std::string& why) const;
  std::optional<Kind> kind(const sql::Between& node, std::string& why) const;
  static Kind kind_of_value(const Value& value);
  // Two operands a comparison `op` can take: the same kind, or numbers, or a NULL.
  std::optional<Kind> comparable(Kind l, Kind r, sql::BinaryOp op, std::string& why) const;
  // Notes `what` as the first thing memory cannot compute; nothing.
  static std::optional<Kind> refuse(std::string& why, std::string what);
  // evaluate() of each kind of node that takes more than a line.
  std::optional<Value> value(const sql::Binary& node, const RowSnapshot& row) const;
  std::optional<Value> value(const sql::Unary& node, const RowSnapshot& row) const;
  std::optional<Value> value(const sql::TupleIn& node, const RowSnapshot& row) const;
  std::optional<Value> value(const sql::Between& node, const RowSnapshot& row) const;

  const Mapper& mapper_;
  const Dialect& dialect_;
  std::unordered_map<const Column*, std::size_t> index_;  // column -> mapper column
};

}  // namespace relate
