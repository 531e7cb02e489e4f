// What the migration code shares: finding a table or a column of a described schema,
// failing with an ArgumentError that names what is missing, and the overload set that
// visits an Operation.
#pragma once

#include <relate/errors.hpp>
#include <relate/schema_def.hpp>
#include <string>

namespace relate::migrate::detail {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

[[noreturn]] inline void refuse(const std::string& message) { throw ArgumentError(message); }

template <class Schema>
auto& table_in(Schema& schema, const std::string& name) {
  auto* t = schema.find_table(name);
  if (!t) refuse("no table " + name);
  return *t;
}

template <class Table>
auto& column_in(Table& table, const std::string& name) {
  auto* c = table.find_column(name);
  if (!c) refuse("table " + table.name + " has no column " + name);
  return *c;
}

}  // namespace relate::migrate::detail
