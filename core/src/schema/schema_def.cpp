#include <algorithm>
#include <relate/schema_def.hpp>

namespace relate {

namespace {

template <class Entry, class Entries>
Entry* named(Entries& entries, std::string_view name) {
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [name](const auto& e) { return e.name == name; });
  return it == entries.end() ? nullptr : &*it;
}

}  // namespace

const ColumnDef* TableDef::find_column(std::string_view name) const {
  return named<const ColumnDef>(columns, name);
}

ColumnDef* TableDef::find_column(std::string_view name) { return named<ColumnDef>(columns, name); }

const TableDef* SchemaDef::find_table(std::string_view name) const {
  return named<const TableDef>(tables, name);
}

TableDef* SchemaDef::find_table(std::string_view name) { return named<TableDef>(tables, name); }

}  // namespace relate
