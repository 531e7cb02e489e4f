// Writes statement trees as SQL. Portable SQL is written here; every dialect-specific
// piece (quoting, placeholders, LIMIT/OFFSET) comes from the Dialect.
#include <relate/engine/dialect.hpp>
#include <relate/errors.hpp>
#include <relate/schema.hpp>
#include <relate/sql/compiler.hpp>

namespace relate::sql {

namespace {

class Compiler {
 public:
  explicit Compiler(const Dialect& dialect) : dialect_(dialect) {}

  CompiledStatement finish() { return std::move(out_); }

  void statement(const Select& s) {
    out_.sql += "SELECT ";
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      if (i) out_.sql += ", ";
      if (const auto* c = std::get_if<ColumnRef>(&s.columns[i]->v)) {
        out_.sql += dialect_.select_column(column_sql(*c), *c->column);
      } else {
        expr(s.columns[i]);
      }
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
  }

  void statement(const Insert& s) {
    out_.sql += "INSERT INTO " + q(s.table->name());
    if (s.columns.empty()) {
      out_.sql += " DEFAULT VALUES";
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
          bind(s.rows[r][i]);
        }
        out_.sql += ")";
      }
    }
    if (!s.returning.empty()) {
      out_.sql += " RETURNING ";
      for (std::size_t i = 0; i < s.returning.size(); ++i) {
        if (i) out_.sql += ", ";
        out_.sql += q(s.returning[i]->name());
      }
    }
  }

  void statement(const Update& s) {
    out_.sql += "UPDATE " + q(s.table->name()) + " SET ";
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (i) out_.sql += ", ";
      out_.sql += q(s.values[i].first->name()) + " = ";
      bind(s.values[i].second);
    }
    where(s.where);
  }

  void statement(const Delete& s) {
    out_.sql += "DELETE FROM " + q(s.table->name());
    where(s.where);
  }

 private:
  std::string q(std::string_view name) const { return dialect_.quote_identifier(name); }

  void bind(const Value& v) {
    out_.sql += dialect_.placeholder(out_.params.size());
    out_.params.push_back(v);
  }

  void from(const FromTable& f) {
    if (f.subquery) {
      out_.sql += '(';
      statement(*f.subquery);
      out_.sql += ')';
    } else {
      out_.sql += q(f.table->name());
    }
    if (!f.alias.empty()) out_.sql += " AS " + q(f.alias);
  }

  void where(const Expr& e) {
    if (!e) return;
    out_.sql += " WHERE ";
    expr(e);
  }

  static std::string_view op_sql(BinaryOp op) {
    switch (op) {
      case BinaryOp::eq:
        return " = ";
      case BinaryOp::ne:
        return " != ";
      case BinaryOp::lt:
        return " < ";
      case BinaryOp::le:
        return " <= ";
      case BinaryOp::gt:
        return " > ";
      case BinaryOp::ge:
        return " >= ";
      case BinaryOp::like:
        return " LIKE ";
      case BinaryOp::and_:
        return " AND ";
      case BinaryOp::or_:
        return " OR ";
    }
    return " ? ";
  }

  void expr(const Expr& e) {
    std::visit([this](const auto& n) { node(n); }, e->v);
  }

  std::string column_sql(const ColumnRef& c) const {
    return q(c.qualifier.empty() ? c.column->table().name() : c.qualifier) + '.' +
           q(c.column->name());
  }
  void node(const ColumnRef& c) { out_.sql += column_sql(c); }
  void node(const MemberRef& m) {
    throw ArgumentError("the expression refers to " + std::string(m.model_name) +
                        "::" + std::string(m.member_name) +
                        ", which only an ORM query (Session) can resolve to a column");
  }
  void node(const Param& p) { bind(p.value); }
  void node(const Binary& b) {
    // A comparison with NULL is IS NULL in SQL; `== nullopt` means that.
    if ((b.op == BinaryOp::eq || b.op == BinaryOp::ne) && is_null_param(b.right)) {
      expr(b.left);
      out_.sql += b.op == BinaryOp::eq ? " IS NULL" : " IS NOT NULL";
      return;
    }
    const bool group = b.op == BinaryOp::and_ || b.op == BinaryOp::or_;
    if (group) out_.sql += '(';
    expr(b.left);
    out_.sql += op_sql(b.op);
    expr(b.right);
    if (group) out_.sql += ')';
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
    for (std::size_t i = 0; i < in.values.size(); ++i) {
      if (i) out_.sql += ", ";
      bind(in.values[i]);
    }
    out_.sql += ')';
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
    for (std::size_t r = 0; r < in.rows.size(); ++r) {
      if (r) out_.sql += ", ";
      group([&](std::size_t i) { bind(in.rows[r][i]); }, in.rows[r].size());
    }
    out_.sql += ')';
  }

  static bool is_null_param(const Expr& e) {
    const auto* p = std::get_if<Param>(&e->v);
    return p && p->value.is_null();
  }

  const Dialect& dialect_;
  CompiledStatement out_;
};

}  // namespace

CompiledStatement compile(const Statement& statement, const Dialect& dialect) {
  Compiler c(dialect);
  std::visit([&c](const auto& s) { c.statement(s); }, statement);
  return c.finish();
}

}  // namespace relate::sql
