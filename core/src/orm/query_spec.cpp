// The clauses select<T>() and select(expressions...) add to their QuerySpec, and the
// steps of a loader option: compiled here once, not in every query of an application.
#include <relate/orm/query.hpp>

namespace relate {

void LoaderOption::add_step(MemberRef member, std::string strategy, std::uint64_t alias) {
  steps_.push_back(Step{member, std::move(strategy), alias});
}

namespace detail {

void add_where(QuerySpec& spec, const Condition& condition) {
  spec.where = sql::and_(spec.where, condition.expr());
}

void add_having(QuerySpec& spec, const Condition& condition) {
  spec.having = sql::and_(spec.having, condition.expr());
}

void add_join(QuerySpec& spec, std::optional<RelationshipPath> path, std::type_index target,
              std::uint64_t alias, CteReference cte, sql::Expr on, bool outer) {
  spec.joins.push_back(
      JoinSpec{std::move(path), target, alias, std::move(cte), std::move(on), outer});
}

void add_order_by(QuerySpec& spec, OrderSpec order) { spec.order_by.push_back(std::move(order)); }

void add_group_by(QuerySpec& spec, sql::Expr expr) { spec.group_by.push_back(std::move(expr)); }

void add_option(QuerySpec& spec, LoaderOption option) { spec.options.push_back(std::move(option)); }

}  // namespace detail

}  // namespace relate
