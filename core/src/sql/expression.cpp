// Rewriting expression trees: Deferred nodes through the resolver of the layer that
// made them.
#include <relate/sql/expression.hpp>

namespace relate::sql {

DeferredRef::~DeferredRef() = default;

#define RELATE_SQL_MAKE_NODE(N) \
  Expr make_node(N n) { return std::make_shared<const Node>(Node{std::move(n)}); }
RELATE_SQL_NODE_KINDS(RELATE_SQL_MAKE_NODE)
#undef RELATE_SQL_MAKE_NODE

Expr column(const Column& c, std::string qualifier) {
  return make_node(ColumnRef{&c, std::move(qualifier)});
}
Expr param(Value v) { return make_node(Param{std::move(v)}); }
Expr binary(BinaryOp op, Expr l, Expr r) {
  return make_node(Binary{op, std::move(l), std::move(r)});
}
Expr unary(UnaryOp op, Expr e) { return make_node(Unary{op, std::move(e)}); }
Expr like(Expr e, std::string pattern, char escape) {
  return make_node(Like{std::move(e), std::move(pattern), escape});
}
Expr ilike(Expr e, std::string pattern, char escape) {
  return make_node(Like{std::move(e), std::move(pattern), escape, Case::insensitive});
}
Expr in_list(Expr e, std::vector<Value> values, bool negated) {
  return make_node(InList{std::move(e), std::move(values), negated});
}
Expr tuple_in(std::vector<Expr> operands, std::vector<std::vector<Value>> rows) {
  return make_node(TupleIn{std::move(operands), std::move(rows)});
}

namespace {

class DeferredResolver {
 public:
  explicit DeferredResolver(const std::function<Expr(const Deferred&)>& resolve)
      : resolve_(resolve) {}

  Expr operator()(const Expr& e) const {
    if (!e) return e;
    return std::visit([&](const auto& n) { return rewrite(e, n); }, e->v);
  }

 private:
  template <class N>
  Expr rewrite(const Expr& e, const N&) const {
    return e;  // leaves: columns, parameters, labels by name, subqueries
  }
  Expr rewrite(const Expr&, const Deferred& d) const { return resolve_(d); }
  Expr rewrite(const Expr&, const Binary& n) const {
    return binary(n.op, (*this)(n.left), (*this)(n.right));
  }
  Expr rewrite(const Expr&, const Unary& n) const { return unary(n.op, (*this)(n.operand)); }
  Expr rewrite(const Expr&, const Like& n) const {
    return make_node(Like{(*this)(n.operand), n.pattern, n.escape, n.match_case});
  }
  Expr rewrite(const Expr&, const InList& n) const {
    return in_list((*this)(n.operand), n.values, n.negated);
  }
  Expr rewrite(const Expr&, const TupleIn& n) const { return tuple_in(all(n.operands), n.rows); }
  Expr rewrite(const Expr&, const Call& n) const {
    return make_node(Call{n.function, all(n.args), n.distinct});
  }
  Expr rewrite(const Expr&, const Label& n) const {
    return make_node(Label{(*this)(n.operand), n.name});
  }
  Expr rewrite(const Expr&, const Between& n) const {
    return make_node(Between{(*this)(n.operand), (*this)(n.low), (*this)(n.high)});
  }
  Expr rewrite(const Expr&, const CaseWhen& n) const {
    CaseWhen out;
    for (const auto& [when, then] : n.whens) out.whens.emplace_back((*this)(when), (*this)(then));
    out.otherwise = (*this)(n.otherwise);
    return make_node(std::move(out));
  }
  Expr rewrite(const Expr&, const Cast& n) const {
    return make_node(Cast{(*this)(n.operand), n.type});
  }
  Expr rewrite(const Expr&, const InSelect& n) const {
    return make_node(InSelect{(*this)(n.operand), n.query, n.negated});
  }

  std::vector<Expr> all(const std::vector<Expr>& es) const {
    std::vector<Expr> out;
    out.reserve(es.size());
    for (const auto& e : es) out.push_back((*this)(e));
    return out;
  }

  const std::function<Expr(const Deferred&)>& resolve_;
};

}  // namespace

Expr transform_deferred(const Expr& e, const std::function<Expr(const Deferred&)>& resolve) {
  return DeferredResolver(resolve)(e);
}

}  // namespace relate::sql
