#include <relate/errors.hpp>
#include <relate/schema.hpp>

namespace relate {

Column& Column::set_default(Value v) {
  default_ = std::move(v);
  return *this;
}

std::string_view referential_action_sql(ReferentialAction action) {
  switch (action) {
    case ReferentialAction::no_action:
      return "NO ACTION";
    case ReferentialAction::restrict:
      return "RESTRICT";
    case ReferentialAction::cascade:
      return "CASCADE";
    case ReferentialAction::set_null:
      return "SET NULL";
    case ReferentialAction::set_default:
      return "SET DEFAULT";
  }
  return "NO ACTION";
}

Column& Column::set_primary_key(bool v) {
  primary_key_ = v;
  if (v) nullable_ = false;
  return *this;
}

Table::Table(std::string name) : name_(std::move(name)) {
  if (name_.empty()) throw MappingError("a table needs a name: an empty one was given");
}

Column& Table::add_column(std::string name, ColumnType type) {
  if (name.empty()) {
    throw MappingError("table '" + name_ + "': a column needs a name, an empty one was given");
  }
  if (find_column(name)) {
    throw ArgumentError("table '" + name_ + "' already has a column named '" + name + "'");
  }
  auto column = std::make_unique<Column>(this, std::move(name), type);
  column->position_ = columns_.size();
  columns_.push_back(std::move(column));
  return *columns_.back();
}

const Column* Table::find_column(std::string_view name) const {
  for (const auto& c : columns_) {
    if (c->name() == name) return c.get();
  }
  return nullptr;
}

const Column& Table::column(std::string_view name) const {
  if (const Column* c = find_column(name)) return *c;
  throw ArgumentError("table '" + name_ + "' has no column named '" + std::string(name) + "'");
}

Column& Table::column(std::string_view name) {
  return const_cast<Column&>(static_cast<const Table&>(*this).column(name));
}

std::vector<const Column*> Table::primary_key() const {
  std::vector<const Column*> key;
  for (const auto& c : columns_) {
    if (c->is_primary_key()) key.push_back(c.get());
  }
  return key;
}

ForeignKeyConstraint& Table::add_foreign_key(std::vector<const Column*> columns,
                                             const Table& referred,
                                             std::vector<const Column*> referred_columns,
                                             std::optional<ReferentialAction> on_delete,
                                             std::optional<ReferentialAction> on_update,
                                             std::string name) {
  if (columns.empty() || columns.size() != referred_columns.size()) {
    throw ArgumentError("foreign key of table '" + name_ + "' to '" + referred.name() +
                        "' needs as many referred columns as columns");
  }
  // Databases disagree on keys of different types (MySQL refuses INTEGER -> BIGINT,
  // SQLite compares 1 and '1' as different): every backend gets the same refusal.
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Column& from = *columns[i];
    const Column& to = *referred_columns[i];
    if (from.type() != to.type()) {
      throw MappingError("foreign key of table '" + name_ + "' to '" + referred.name() +
                         "': column '" + name_ + "." + from.name() + "' is " +
                         std::string(column_type_name(from.type())) + " but '" + referred.name() +
                         "." + to.name() + "', which it refers to, is " +
                         std::string(column_type_name(to.type())) +
                         ": a foreign key column must have the type of the column it refers to");
    }
  }
  foreign_keys_.push_back(ForeignKeyConstraint{std::move(name), std::move(columns), &referred,
                                               std::move(referred_columns), on_delete, on_update});
  return foreign_keys_.back();
}

void Table::add_unique(std::vector<const Column*> columns, std::string name) {
  if (columns.size() == 1 && name.empty()) {
    const_cast<Column*>(columns[0])->set_unique();
    return;
  }
  uniques_.push_back(UniqueConstraint{std::move(name), std::move(columns)});
}

void Table::add_index(std::vector<const Column*> columns, bool unique, std::string name) {
  const bool generated = name.empty();
  if (generated) {
    name = "ix_" + name_;
    for (const Column* c : columns) name += "_" + c->name();
  }
  indexes_.push_back(Index{std::move(name), std::move(columns), unique, generated});
}

std::vector<Index> Table::indexes() const {
  std::vector<Index> all = indexes_;
  for (const auto& c : columns_) {
    if (c->indexed()) all.push_back(Index{"ix_" + name_ + "_" + c->name(), {c.get()}, false, true});
  }
  return all;
}

}  // namespace relate
