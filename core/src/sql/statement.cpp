#include <relate/schema.hpp>
#include <relate/sql/statement.hpp>

namespace relate::sql {

Expr and_(Expr a, Expr b) {
  if (!a) return b;
  if (!b) return a;
  return binary(BinaryOp::and_, std::move(a), std::move(b));
}

Select& Select::select_all(const Table& table, const std::string& alias) {
  for (const auto& c : table.columns()) columns.push_back(column(*c, alias));
  return *this;
}

Select select(const Table& table) {
  Select s;
  s.from.table = &table;
  s.select_all(table);
  return s;
}

Insert insert(const Table& table) {
  Insert i;
  i.table = &table;
  return i;
}

Update update(const Table& table) {
  Update u;
  u.table = &table;
  return u;
}

Delete delete_from(const Table& table) {
  Delete d;
  d.table = &table;
  return d;
}

}  // namespace relate::sql
