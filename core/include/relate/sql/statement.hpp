// The statement tree: SELECT (WITH, DISTINCT, columns, FROM, joins, WHERE, GROUP BY,
// HAVING, ORDER BY, LIMIT/OFFSET),
// INSERT (one or many rows, RETURNING), UPDATE and DELETE. Plain data, built by Core
// users and by the ORM alike, compiled for one Dialect by sql::compile.
#pragma once

#include <cstdint>
#include <optional>
#include <relate/export.hpp>
#include <relate/sql/expression.hpp>
#include <string>
#include <variant>
#include <vector>

namespace relate {
class Table;
}

namespace relate::sql {

struct Select;

// A table, or a subquery (then `alias` names it and `table` is the table whose
// columns it selects, so column references can use that table's Columns), or with
// `cte` the common table expression `alias` names (of the rows of `table`).
struct FromTable {
  const Table* table = nullptr;
  std::string alias;  // empty: no alias
  std::shared_ptr<const Select> subquery;
  bool cte = false;
};

struct Join {
  FromTable target;
  Expr on;
  bool outer = true;  // LEFT OUTER JOIN; false: INNER JOIN
};

struct OrderBy {
  Expr expr;
  bool descending = false;
};

// One entry of WITH: name(columns) AS (parts[0] UNION [ALL] parts[1] ...). With more
// than one part the statement says WITH RECURSIVE (a later part may refer to the name).
struct CommonTable {
  std::string name;
  std::vector<const Column*> columns;  // their names name the CTE's columns
  std::vector<std::shared_ptr<const Select>> parts;
  bool union_all = true;
};

struct RELATE_API Select {
  std::vector<CommonTable> with;  // in order: an entry may refer to those before it
  std::vector<Expr> columns;
  bool distinct = false;
  FromTable from;
  std::vector<Join> joins;
  Expr where;
  std::vector<Expr> group_by;
  Expr having;
  std::vector<OrderBy> order_by;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;

  // Every column of `table`, qualified with `alias` if given.
  Select& select_all(const Table& table, const std::string& alias = {});
};

// An upsert: a row whose `target` columns (a unique key) match an existing row's
// updates that row's `update` columns to the values it carried, or with `update`
// empty leaves it alone.
struct OnConflict {
  std::vector<const Column*> target;
  std::vector<const Column*> update;
};

struct Insert {
  const Table* table = nullptr;
  std::vector<const Column*> columns;
  std::vector<std::vector<Value>> rows;  // one or more; each matches `columns`
  std::optional<OnConflict> on_conflict;
  std::vector<const Column*> returning;
  // The rows are inserted in the order given, written as
  //   INSERT INTO table (...) SELECT p0, ...
  //   FROM (VALUES (..., 0), (..., 1), ...) AS relate_rows (p0, ..., n) ORDER BY n
  // so that keys the database generates ascend with the rows
  // (Dialect::GeneratedKeys::ascending). Not with on_conflict.
  bool in_order = false;
};

// SET column = expression (a bound value: sql::param(v); or e.g. price * 0.9).
struct Update {
  const Table* table = nullptr;
  std::vector<std::pair<const Column*, Expr>> values;
  Expr where;
  // The changed rows' values of these columns, as the UPDATE left them (backends
  // whose dialect supports_returning()).
  std::vector<const Column*> returning;
};

struct Delete {
  const Table* table = nullptr;
  Expr where;
  std::vector<const Column*> returning;  // the deleted rows' values, as for Update
};

using Statement = std::variant<Select, Insert, Update, Delete>;

// Core conveniences: select(table) is SELECT of every column of the table.
RELATE_API Select select(const Table& table);
RELATE_API Insert insert(const Table& table);
RELATE_API Update update(const Table& table);
RELATE_API Delete delete_from(const Table& table);

}  // namespace relate::sql
