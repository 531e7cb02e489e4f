// What a Cte<T> checks and how its recursive part is kept (cte.hpp); the WITH entries
// themselves are made by QueryCompiler::use_cte.
#include <relate/errors.hpp>
#include <relate/orm/cte.hpp>
#include <relate/schema.hpp>

namespace relate {

namespace detail {

QuerySpec recursive_part(QuerySpec spec, const NamedQuery& cte) {
  if (spec.select_from_cte.definition == &cte) spec.select_from_cte.owned.reset();
  for (JoinSpec& j : spec.joins) {
    if (j.target_cte.definition == &cte) j.target_cte.owned.reset();
  }
  return spec;
}

std::shared_ptr<const Table> row_table(
    const std::string& name, const std::vector<std::pair<std::string_view, ColumnType>>& fields) {
  auto table = std::make_shared<Table>(name);
  for (const auto& [field, type] : fields) table->add_column(std::string(field), type);
  return table;
}

void check_cte_name(const std::string& name) {
  if (name.empty()) throw ArgumentError("a CTE needs a name");
}

void check_no_recursive_part(const NamedQuery& cte) {
  if (cte.recursive) {
    throw ArgumentError("the CTE " + cte.name + " has its recursive part already");
  }
}

}  // namespace detail

}  // namespace relate
