// Writes statement trees as SQL. Portable SQL is written here; every dialect-specific
// piece (quoting, placeholders, LIMIT/OFFSET, LIKE) comes from the Dialect. What the
// compiler writes fits every backend the same way: identifiers within the backend's
// limit, values every backend stores exactly (relate::check_portable), and no more
// bound parameters than the backend takes in one statement.
#include <relate/engine/dialect.hpp>
#include <relate/errors.hpp>
#include <relate/schema.hpp>
#include <relate/sql/compiler.hpp>
#include <type_traits>

#include "like_pattern.hpp"
#include "same_name.hpp"

namespace relate::sql {

namespace {

// How IN lists are written: bound parameters, or (for a statement that would bind more
// than the backend takes) lists of integers inline.
enum class InValues { bound, inline_integers };

class Compiler {
 public:
  Compiler(const Dialect& dialect, InValues in_values) : dialect_(dialect), in_values_(in_values) {}

  CompiledStatement finish() { return std::move(out_); }

  void statement(const Select& s) {
    from_names_.emplace_back();
    if (!s.with.empty()) with(s.with);
    out_.sql += s.distinct ? "SELECT DISTINCT " : "SELECT ";
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      if (i) out_.sql += ", ";
      select_item(s.columns[i]);
    }
    out_.sql += " FROM ";
    from(s.from);
    for (const Join& j : s.joins) {
      out_.sql += j.outer ? " LEFT OUTER JOIN " : " JOIN ";
      from(j.target);
      out_.sql += " ON ";
      expr(j.on);
    }
    where(s.where);
    if (!s.group_by.empty()) {
      out_.sql += " GROUP BY ";
      for (std::size_t i = 0; i < s.group_by.size(); ++i) {
        if (i) out_.sql += ", ";
        expr(s.group_by[i]);
      }
    }
    if (s.having) {
      out_.sql += " HAVING ";
      expr(s.having);
    }
    if (!s.order_by.empty()) {
      out_.sql += " ORDER BY ";
      for (std::size_t i = 0; i < s.order_by.size(); ++i) {
        if (i) out_.sql += ", ";
        expr(s.order_by[i].expr);
        if (s.order_by[i].descending) out_.sql += " DESC";
      }
    }
    if (s.limit || s.offset) {
      out_.sql += dialect_.limit_offset(s.limit, s.offset, out_.params.size());
      if (s.limit) out_.params.emplace_back(*s.limit);
      if (s.offset) out_.params.emplace_back(*s.offset);
    }
    from_names_.pop_back();
    if (from_names_.empty()) check_cte_names();
  }

  void statement(const Insert& s) {
    if (s.in_order && !s.columns.empty()) {
      ordered_insert(s);
      return;
    }
    out_.sql += "INSERT INTO " + q(s.table->name());
    if (s.columns.empty()) {
      out_.sql += dialect_.default_values();
    } else {
      out_.sql += " (";
      for (std::size_t i = 0; i < s.columns.size(); ++i) {
        if (i) out_.sql += ", ";
        out_.sql += q(s.columns[i]->name());
      }
      out_.sql += ") VALUES ";
      for (std::size_t r = 0; r < s.rows.size(); ++r) {
        if (r) out_.sql += ", ";
        out_.sql += "(";
        for (std::size_t i = 0; i < s.rows[r].size(); ++i) {
          if (i) out_.sql += ", ";
          bind(s.rows[r][i], ValueUse::stored, i < s.columns.size() ? s.columns[i] : nullptr);
        }
        out_.sql += ")";
      }
    }
    if (s.on_conflict) out_.sql += dialect_.on_conflict(*s.table, s.columns, *s.on_conflict);
    returning(s.returning, "INSERT");
  }

  void ordered_insert(const Insert& s) {
    if (s.on_conflict) throw ArgumentError("an INSERT in order cannot also be an upsert");
    const bool named = dialect_.names_values_columns();
    // The list's columns: the values, then each row's position.
    auto name = [named](std::size_t i) {
      return named ? "p" + std::to_string(i) : "column" + std::to_string(i + 1);
    };
    out_.sql += "INSERT INTO " + q(s.table->name()) + " (";
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      if (i) out_.sql += ", ";
      out_.sql += q(s.columns[i]->name());
    }
    out_.sql += ") SELECT ";
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      if (i) out_.sql += ", ";
      out_.sql += dialect_.inserted_value(q(name(i)), *s.columns[i]);
    }
    out_.sql += " FROM (VALUES ";
    for (std::size_t r = 0; r < s.rows.size(); ++r) {
      if (r) out_.sql += ", ";
      out_.sql += "(";
      for (std::size_t i = 0; i < s.rows[r].size(); ++i) {
        bind(s.rows[r][i], ValueUse::stored, i < s.columns.size() ? s.columns[i] : nullptr);
        out_.sql += ", ";
      }
      out_.sql += std::to_string(r) + ")";
    }
    out_.sql += ") AS " + q("relate_rows");
    if (named) {
      out_.sql += " (";
      for (std::size_t i = 0; i <= s.columns.size(); ++i)
        out_.sql += q(name(i)) + (i < s.columns.size() ? ", " : ")");
    }
    out_.sql += " ORDER BY " + q(name(s.columns.size()));
    returning(s.returning, "INSERT");
  }

  void statement(const Update& s) {
    out_.sql += "UPDATE " + q(s.table->name()) + " SET ";
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (i) out_.sql += ", ";
      out_.sql += q(s.values[i].first->name()) + " = ";
      if (const auto* p = std::get_if<Param>(&s.values[i].second->v)) {
        bind(p->value, ValueUse::stored, s.values[i].first);
      } else {
        expr(s.values[i].second);
      }
    }
    where(s.where);
    returning(s.returning, "UPDATE");
  }

  void statement(const Delete& s) {
    out_.sql += "DELETE FROM " + q(s.table->name());
    where(s.where);
    returning(s.returning, "DELETE");
  }

 private:
  // A name from the schema: one the backend would cut short is refused, not sent.
  std::string q(std::string_view name) const {
    if (!dialect_.identifier_fits(name)) {
      dialect_.check_identifier(name, "identifier '" + std::string(name) + "'");
    }
    return dialect_.quote_identifier(name);
  }
  void returning(const std::vector<const Column*>& columns, std::string_view statement) {
    if (columns.empty()) return;
    if (!dialect_.supports_returning()) {
      throw ArgumentError(std::string(statement) + " ... RETURNING is not supported by the " +
                          std::string(dialect_.name()) + " backend");
    }
    out_.sql += " RETURNING ";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) out_.sql += ", ";
      out_.sql += q(columns[i]->name());
    }
  }
  // An alias Relate or the user made up for this statement: shortened to fit.
  std::string alias(const std::string& name) const {
    return dialect_.quote_identifier(dialect_.fit_identifier(name));
  }

  // `column`: where the value goes or what it is compared with, for error messages.
  void bind(const Value& v, ValueUse use = ValueUse::compared, const Column* column = nullptr) {
    out_.sql += placeholder(v, use, column);
  }
  std::string placeholder(const Value& v, ValueUse use, const Column* column = nullptr) {
    try {
      check_portable(v, use);
    } catch (const DataError& e) {
      // The column's name is put together only when it is needed.
      if (!column) throw;
      throw DataError("column '" + column->table().name() + "." + column->name() +
                      "': " + e.what());
    }
    std::string marker = dialect_.value_placeholder(out_.params.size(), v);
    out_.params.push_back(v);
    return marker;
  }

  // One entry of a SELECT list: a column as the dialect reads it, a label with its
  // name.
  void select_item(const Expr& e) {
    const auto* c = std::get_if<ColumnRef>(&e->v);
    if (c && nesting_ == 0) {
      // Read by the application: as the dialect reads the column's type. Inside a
      // subquery a column keeps its SQL type, for the query around it to compare.
      out_.sql += dialect_.select_column(column_sql(*c), *c->column);
    } else if (const auto* l = std::get_if<Label>(&e->v)) {
      expr(l->operand);
      out_.sql += " AS " + alias(l->name);
    } else {
      expr(e);
    }
  }

  void subquery(const Select& s) {
    out_.sql += '(';
    ++nesting_;
    statement(s);
    --nesting_;
    out_.sql += ')';
  }

  // WITH [RECURSIVE] name(columns) AS (part UNION [ALL] part), ...: the parts keep
  // their columns' SQL types, as subqueries do.
  void with(const std::vector<CommonTable>& entries) {
    bool recursive = false;
    for (const CommonTable& t : entries) recursive = recursive || t.parts.size() > 1;
    out_.sql += recursive ? "WITH RECURSIVE " : "WITH ";
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const CommonTable& t = entries[i];
      cte_names_.push_back(dialect_.fit_identifier(t.name));
      if (i) out_.sql += ", ";
      out_.sql += alias(t.name) + " (";
      for (std::size_t c = 0; c < t.columns.size(); ++c) {
        if (c) out_.sql += ", ";
        out_.sql += q(t.columns[c]->name());
      }
      out_.sql += ") AS (";
      ++nesting_;
      for (std::size_t p = 0; p < t.parts.size(); ++p) {
        if (p) out_.sql += t.union_all ? " UNION ALL " : " UNION ";
        statement(*t.parts[p]);
      }
      --nesting_;
      out_.sql += ") ";
    }
  }

  void from(const FromTable& f) {
    name_entry(f);
    if (f.cte) {
      out_.sql += alias(f.alias);  // a WITH entry of the statement, by its name
      return;
    }
    if (f.subquery) {
      subquery(*f.subquery);
    } else {
      out_.sql += q(f.table->name());
    }
    if (!f.alias.empty()) out_.sql += " AS " + alias(f.alias);
  }

  static bool has_name(const std::vector<std::string>& names, std::string_view name) {
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return same_name(n, name); });
  }

  // Two FROM entries of one SELECT under one name are refused before the database sees
  // them: a column qualified by that name would be ambiguous.
  void name_entry(const FromTable& f) {
    const std::string name = f.alias.empty() ? f.table->name() : dialect_.fit_identifier(f.alias);
    if (has_name(from_names_.back(), name)) {
      throw ArgumentError("two FROM entries of one SELECT are named '" + name +
                          "': give the subquery, CTE or alias another name");
    }
    from_names_.back().push_back(name);
    if (!f.cte && !f.subquery) tables_read_.push_back(f.table->name());
  }

  // A CTE named as a table the statement reads would stand for that table, everywhere
  // in the statement: refused, as two CTEs of one name are.
  void check_cte_names() const {
    for (const std::string& name : cte_names_) {
      if (std::count_if(cte_names_.begin(), cte_names_.end(),
                        [&](const std::string& n) { return same_name(n, name); }) > 1) {
        throw ArgumentError("two CTEs of the statement are named '" + name + "'");
      }
      if (has_name(tables_read_, name)) {
        throw ArgumentError("the CTE '" + name +
                            "' has the name of a table the statement reads, "
                            "and would stand for that table: give it another name");
      }
    }
  }

  void where(const Expr& e) {
    if (!e) return;
    out_.sql += " WHERE ";
    expr(e);
  }

  void expr(const Expr& e) {
    std::visit([this](const auto& n) { node(n); }, e->v);
  }

  std::string column_sql(const ColumnRef& c) const {
    return (c.qualifier.empty() ? q(c.column->table().name()) : alias(c.qualifier)) + '.' +
           q(c.column->name());
  }
  // The column an expression is, if it is one.
  static const Column* column_of(const Expr& e) {
    const auto* c = std::get_if<ColumnRef>(&e->v);
    return c ? c->column : nullptr;
  }
  void node(const ColumnRef& c) { out_.sql += column_sql(c); }
  void node(const Deferred& d) {
    throw ArgumentError("the expression refers to " + d.ref->describe() +
                        ", which a plain Core statement cannot resolve to a column: run the "
                        "typed statement through a Session, or relate::execute(connection, "
                        "metadata, statement) (relate/orm/core_execute.hpp)");
  }
  void node(const Param& p) { bind(p.value); }
  void node(const Binary& b) {
    // A comparison with NULL is IS NULL in SQL; `== nullopt` means that.
    if ((b.op == BinaryOp::eq || b.op == BinaryOp::ne) && is_null_param(b.right)) {
      expr(b.left);
      out_.sql += b.op == BinaryOp::eq ? " IS NULL" : " IS NOT NULL";
      return;
    }
    if (b.op == BinaryOp::concat) {
      const std::string left = captured([&] { operand(b.left, b.right); });
      const std::string right = captured([&] { operand(b.right, b.left); });
      out_.sql += dialect_.concat(left, right);
      return;
    }
    // Every operator but comparisons is parenthesised, so that the tree's grouping is
    // the SQL's whatever the precedence.
    const bool compare = b.op == BinaryOp::eq || b.op == BinaryOp::ne || b.op == BinaryOp::lt ||
                         b.op == BinaryOp::le || b.op == BinaryOp::gt || b.op == BinaryOp::ge;
    if (!compare) out_.sql += '(';
    operand(b.left, b.right);
    out_.sql += dialect_.binary_operator(b.op);
    operand(b.right, b.left);
    if (!compare) out_.sql += ')';
  }
  // One side of a binary operator; a value is checked against the other side's column.
  void operand(const Expr& e, const Expr& other) {
    if (const auto* p = std::get_if<Param>(&e->v)) {
      bind(p->value, ValueUse::compared, column_of(other));
    } else {
      expr(e);
    }
  }
  // The SQL `write` appends, taken out of the output (its parameters stay bound, in
  // order).
  template <class F>
  std::string captured(F&& write) {
    const std::size_t start = out_.sql.size();
    write();
    std::string text = out_.sql.substr(start);
    out_.sql.resize(start);
    return text;
  }
  void node(const Call& c) {
    std::vector<std::string> args;
    for (const Expr& a : c.args) args.push_back(captured([&] { expr(a); }));
    out_.sql += dialect_.call(c.function, args, c.distinct);
  }
  void node(const Label& l) { expr(l.operand); }
  void node(const LabelRef& l) { out_.sql += alias(l.name); }
  void node(const Between& b) {
    out_.sql += '(';
    expr(b.operand);
    out_.sql += " BETWEEN ";
    operand(b.low, b.operand);
    out_.sql += " AND ";
    operand(b.high, b.operand);
    out_.sql += ')';
  }
  void node(const CaseWhen& c) {
    out_.sql += "CASE";
    for (const auto& [when, then] : c.whens) {
      out_.sql += " WHEN ";
      expr(when);
      out_.sql += " THEN ";
      expr(then);
    }
    if (c.otherwise) {
      out_.sql += " ELSE ";
      expr(c.otherwise);
    }
    out_.sql += " END";
  }
  void node(const Cast& c) {
    out_.sql += "CAST(";
    expr(c.operand);
    out_.sql += " AS " + dialect_.cast_type(c.type) + ')';
  }
  void node(const Exists& e) {
    out_.sql += "EXISTS ";
    subquery(*e.query);
  }
  void node(const ScalarSubquery& s) { subquery(*s.query); }
  void node(const InSelect& in) {
    expr(in.operand);
    out_.sql += in.negated ? " NOT IN " : " IN ";
    if ((in.query->limit || in.query->offset) && !dialect_.supports_limit_in_in_subquery()) {
      out_.sql += "(SELECT * FROM ";
      subquery(*in.query);
      out_.sql += " AS " + alias("in_limited") + ')';
      return;
    }
    subquery(*in.query);
  }
  void node(const One&) { out_.sql += '1'; }
  void node(const Like& l) {
    check_like_pattern(l.pattern, l.escape);
    // The operand is written first, so that its parameters come before the pattern's.
    const std::size_t start = out_.sql.size();
    expr(l.operand);
    std::string operand = out_.sql.substr(start);
    out_.sql.resize(start);
    out_.sql +=
        dialect_.like(operand, l, [this](Value v) { return placeholder(v, ValueUse::compared); });
  }
  void node(const Unary& u) {
    switch (u.op) {
      case UnaryOp::not_:
        out_.sql += "NOT (";
        expr(u.operand);
        out_.sql += ')';
        break;
      case UnaryOp::is_null:
        expr(u.operand);
        out_.sql += " IS NULL";
        break;
      case UnaryOp::is_not_null:
        expr(u.operand);
        out_.sql += " IS NOT NULL";
        break;
      case UnaryOp::negate:
        out_.sql += "(-";
        expr(u.operand);
        out_.sql += ')';
        break;
    }
  }
  void node(const InList& in) {
    if (in.values.empty()) {
      // IN () is not SQL; an empty list matches nothing (NOT IN: everything).
      out_.sql += in.negated ? "1 = 1" : "1 = 0";
      return;
    }
    expr(in.operand);
    out_.sql += in.negated ? " NOT IN (" : " IN (";
    const bool inline_values = writes_inline(in.values);
    for (std::size_t i = 0; i < in.values.size(); ++i) {
      if (i) out_.sql += ", ";
      value(in.values[i], inline_values, column_of(in.operand));
    }
    out_.sql += ')';
  }

  // Integers need no quoting: written as digits they cannot be anything but numbers.
  bool writes_inline(const std::vector<Value>& values) const {
    if (in_values_ != InValues::inline_integers) return false;
    for (const Value& v : values) {
      if (v.kind() != Value::Kind::integer) return false;
    }
    return true;
  }
  void value(const Value& v, bool inline_value, const Column* column) {
    if (inline_value) {
      out_.sql += std::to_string(v.as_int());
    } else {
      bind(v, ValueUse::compared, column);
    }
  }

  void node(const TupleIn& in) {
    if (in.rows.empty()) {
      out_.sql += "1 = 0";
      return;
    }
    const bool single = in.operands.size() == 1;
    auto group = [&](auto&& each, std::size_t n) {
      if (!single) out_.sql += '(';
      for (std::size_t i = 0; i < n; ++i) {
        if (i) out_.sql += ", ";
        each(i);
      }
      if (!single) out_.sql += ')';
    };
    group([&](std::size_t i) { expr(in.operands[i]); }, in.operands.size());
    out_.sql += " IN (";
    bool inline_values = in_values_ == InValues::inline_integers;
    for (const auto& row : in.rows) inline_values = inline_values && writes_inline(row);
    for (std::size_t r = 0; r < in.rows.size(); ++r) {
      if (r) out_.sql += ", ";
      group(
          [&](std::size_t i) {
            value(in.rows[r][i], inline_values,
                  i < in.operands.size() ? column_of(in.operands[i]) : nullptr);
          },
          in.rows[r].size());
    }
    out_.sql += ')';
  }

  static bool is_null_param(const Expr& e) {
    const auto* p = std::get_if<Param>(&e->v);
    return p && p->value.is_null();
  }

  const Dialect& dialect_;
  const InValues in_values_;
  int nesting_ = 0;  // subqueries the compiler is inside
  // The FROM names of each SELECT the compiler is inside, the tables the statement
  // reads, and the names of its CTEs.
  std::vector<std::vector<std::string>> from_names_;
  std::vector<std::string> tables_read_;
  std::vector<std::string> cte_names_;
  CompiledStatement out_;
};

CompiledStatement compile_with(const Statement& statement, const Dialect& dialect,
                               InValues in_values) {
  Compiler c(dialect, in_values);
  std::visit([&c](const auto& s) { c.statement(s); }, statement);
  return c.finish();
}

}  // namespace

namespace {

// Whether running the statement gives rows back: the backend is told, never guesses.
Returns returns_of(const Statement& statement) {
  return std::visit(
      [](const auto& s) {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Select>) {
          return Returns::rows;
        } else {
          return s.returning.empty() ? Returns::no_rows : Returns::rows;
        }
      },
      statement);
}

}  // namespace

CompiledStatement compile(const Statement& statement, const Dialect& dialect) {
  CompiledStatement out = compile_with(statement, dialect, InValues::bound);
  out.returns = returns_of(statement);
  const std::size_t limit = dialect.max_parameters();
  if (out.params.size() <= limit) return out;
  // Over the limit the server would refuse the statement (PostgreSQL and MySQL count
  // parameters in 16 bits): lists of integers go inline; anything else is refused.
  out = compile_with(statement, dialect, InValues::inline_integers);
  out.returns = returns_of(statement);
  if (out.params.size() <= limit) return out;
  throw ArgumentError("the statement binds " + std::to_string(out.params.size()) +
                      " parameters, and the " + std::string(dialect.name()) +
                      " backend takes at most " + std::to_string(limit) +
                      " in one statement (IN lists of integers are written inline; other "
                      "values are not): split it into several statements");
}

}  // namespace relate::sql
