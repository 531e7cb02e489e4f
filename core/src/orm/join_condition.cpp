#include "join_condition.hpp"

#include <relate/errors.hpp>
#include <relate/orm/expression.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>

namespace relate {

namespace {

const char* side_name(JoinSide side) {
  switch (side) {
    case JoinSide::parent:
      return "the relationship's model";
    case JoinSide::target:
      return "its target";
    case JoinSide::secondary:
      return "the association table";
  }
  return "";
}

const JoinColumn* placeholder(const sql::Expr& e) {
  const auto* d = e ? std::get_if<sql::Deferred>(&e->v) : nullptr;
  return d ? dynamic_cast<const JoinColumn*>(d->ref.get()) : nullptr;
}

void split_and(const sql::Expr& e, std::vector<sql::Expr>& terms) {
  const auto* b = std::get_if<sql::Binary>(&e->v);
  if (b && b->op == sql::BinaryOp::and_) {
    split_and(b->left, terms);
    split_and(b->right, terms);
    return;
  }
  terms.push_back(e);
}

}  // namespace

std::string JoinColumn::describe() const { return "a column of a relationship's join condition"; }
std::string SecondaryColumnExpression::describe() const {
  return "secondary_col(\"" + name + "\")";
}

sql::Expr join_column(JoinSide side, const Column& column, std::size_t index) {
  return sql::make_node(sql::Deferred{std::make_shared<const JoinColumn>(side, &column, index)});
}

sql::Expr name_join(const sql::Expr& condition, const RelationshipProperty& rel,
                    const JoinNames& names) {
  return sql::transform_deferred(condition, [&](const sql::Deferred& d) -> sql::Expr {
    const auto* c = dynamic_cast<const JoinColumn*>(d.ref.get());
    if (!c) return sql::make_node(d);
    switch (c->side) {
      case JoinSide::parent:
        if (names.parent_values) {
          Value v = rel.parent().get(names.parent_values->object(), c->index);
          // A NULL compares as SQL's NULL (nothing equals it), never as IS NULL; typed,
          // so that PostgreSQL knows what it is.
          if (v.is_null()) {
            return sql::make_node(sql::Cast{sql::param(std::move(v)), c->column->type()});
          }
          return sql::param(std::move(v));
        }
        return sql::column(*c->column, names.parent);
      case JoinSide::target:
        return sql::column(*c->column, names.target);
      case JoinSide::secondary:
        return sql::column(*c->column, names.secondary);
    }
    return sql::make_node(d);
  });
}

sql::Expr mirror_join(const sql::Expr& condition) {
  return sql::transform_deferred(condition, [](const sql::Deferred& d) -> sql::Expr {
    const auto* c = dynamic_cast<const JoinColumn*>(d.ref.get());
    if (!c || c->side == JoinSide::secondary) return sql::make_node(d);
    return join_column(c->side == JoinSide::parent ? JoinSide::target : JoinSide::parent,
                       *c->column, c->index);
  });
}

ResolvedJoin resolve_join(const sql::Expr& condition, std::string_view relationship,
                          std::string_view which, JoinSide first, JoinSide second,
                          const Mapper& parent, const Mapper& target, const Table* secondary) {
  auto fail = [&](const std::string& what) {
    throw MappingError("relationship " + std::string(relationship) + " " + std::string(which) +
                       ": " + what);
  };
  auto check_side = [&](JoinSide side, const std::string& what) {
    if (side != first && side != second) {
      fail(what + " is of " + side_name(side) + ", but this condition joins " + side_name(first) +
           " and " + side_name(second));
    }
  };
  const bool self = &parent == &target;
  bool names_first = false;
  bool names_second = false;
  ResolvedJoin out;
  out.condition = sql::transform_deferred(condition, [&](const sql::Deferred& d) -> sql::Expr {
    if (const auto* m = dynamic_cast<const MemberExpression*>(d.ref.get())) {
      JoinSide side = JoinSide::parent;
      if (m->member.model == parent.type() && m->alias == 0) {
        // (a self-referential many-to-many's secondaryjoin joins the target alone)
        const bool joins_parent = first == JoinSide::parent || second == JoinSide::parent;
        side = self && !joins_parent ? JoinSide::target : JoinSide::parent;
      } else if (m->member.model == target.type() &&
                 (m->alias == detail::remote_alias || (!self && m->alias == 0))) {
        side = JoinSide::target;
      } else if (m->alias == detail::remote_alias) {
        fail("remote(" + m->describe() + ") names the target's side, and " +
             std::string(m->member.model_name) + " is not the target");
      } else {
        fail(m->describe() + " is of neither side (" + std::string(parent.name()) + ", " +
             std::string(target.name()) + ")" + (m->alias ? " or of an alias" : ""));
      }
      check_side(side, m->describe());
      (side == first ? names_first : names_second) = true;
      const Mapper& mapper = side == JoinSide::parent ? parent : target;
      const auto column = mapper.column_of_field(m->member.field);
      if (!column) fail(m->describe() + " is a relationship, not a column");
      return join_column(side, *mapper.columns()[*column].column, *column);
    }
    if (const auto* s = dynamic_cast<const SecondaryColumnExpression*>(d.ref.get())) {
      if (!secondary) fail(s->describe() + " is for a many-to-many's association table");
      check_side(JoinSide::secondary, s->describe());
      (JoinSide::secondary == first ? names_first : names_second) = true;
      for (const auto& c : secondary->columns()) {
        if (c->name() == s->name) return join_column(JoinSide::secondary, *c, 0);
      }
      fail("association table '" + secondary->name() + "' has no column '" + s->name + "'");
    }
    fail(d.ref->describe() + " cannot be part of a join condition");
    return nullptr;
  });
  if (!names_first || !names_second) {
    // A condition that does not join the two sides relates every row, or none.
    const JoinSide missing = names_first ? second : first;
    fail(std::string("it names no column of ") + side_name(missing) +
         (self && missing == JoinSide::target
              ? ": where both sides are one model, remote(&Model::member) names the "
                "target's columns"
              : ""));
  }
  std::vector<sql::Expr> terms;
  split_and(out.condition, terms);
  out.terms = terms.size();
  for (const sql::Expr& term : terms) {
    const auto* b = std::get_if<sql::Binary>(&term->v);
    if (!b || b->op != sql::BinaryOp::eq) continue;
    const JoinColumn* l = placeholder(b->left);
    const JoinColumn* r = placeholder(b->right);
    if (!l || !r || l->side == r->side) continue;
    out.equalities.push_back(l->side == first ? ResolvedJoin::Equality{l, r}
                                              : ResolvedJoin::Equality{r, l});
  }
  return out;
}

}  // namespace relate
