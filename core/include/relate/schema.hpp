// Schema, usable without the ORM as SQLAlchemy Core is: Table, Column, primary keys,
// unique constraints, indexes and (composite) foreign keys with their referential
// actions. A MetaData owns the tables; the ORM's mapping fills them from models.
#pragma once

#include <memory>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

enum class ReferentialAction { no_action, restrict, cascade, set_null, set_default };

// Spelled as in DDL: relate::cascade, relate::set_null, ...
inline constexpr ReferentialAction no_action = ReferentialAction::no_action;
inline constexpr ReferentialAction restrict = ReferentialAction::restrict;
inline constexpr ReferentialAction cascade = ReferentialAction::cascade;
inline constexpr ReferentialAction set_null = ReferentialAction::set_null;
inline constexpr ReferentialAction set_default = ReferentialAction::set_default;

RELATE_API std::string_view referential_action_sql(ReferentialAction action);

class Table;

class RELATE_API Column {
 public:
  Column(Table* table, std::string name, ColumnType type) noexcept
      : table_(table), name_(std::move(name)), type_(type) {}

  const std::string& name() const { return name_; }
  ColumnType type() const { return type_; }
  const Table& table() const { return *table_; }
  bool nullable() const { return nullable_; }
  bool is_primary_key() const { return primary_key_; }
  bool autoincrement() const { return autoincrement_; }
  bool unique() const { return unique_; }
  bool indexed() const { return index_; }
  const std::optional<Value>& default_value() const { return default_; }
  std::size_t position() const { return position_; }

  // Builder-style setters, for Core tables built at run time.
  Column& set_nullable(bool v) {
    nullable_ = v;
    return *this;
  }
  Column& set_primary_key(bool v = true);
  Column& set_autoincrement(bool v = true) {
    autoincrement_ = v;
    return *this;
  }
  Column& set_unique(bool v = true) {
    unique_ = v;
    return *this;
  }
  Column& set_index(bool v = true) {
    index_ = v;
    return *this;
  }
  Column& set_default(Value v);

 private:
  friend class Table;
  friend class MetaDataImpl;  // renames mapped columns: relate::column(&T::m).name("x")
  Table* table_;
  std::string name_;
  ColumnType type_;
  std::size_t position_ = 0;
  bool nullable_ = true;
  bool primary_key_ = false;
  bool autoincrement_ = false;
  bool unique_ = false;
  bool index_ = false;
  std::optional<Value> default_;
};

struct ForeignKeyConstraint {
  std::string name;  // empty: unnamed
  std::vector<const Column*> columns;
  const Table* referred_table = nullptr;
  std::vector<const Column*> referred_columns;
  // Unset: the clause is left out of the DDL (the database's default, NO ACTION).
  std::optional<ReferentialAction> on_delete;
  std::optional<ReferentialAction> on_update;

  ReferentialAction delete_action() const { return on_delete.value_or(no_action); }
};

struct UniqueConstraint {
  std::string name;
  std::vector<const Column*> columns;
};

struct Index {
  std::string name;
  std::vector<const Column*> columns;
  bool unique = false;
  // ix_<table>_<columns>, made up by Relate: DDL shortens it to fit a backend's limit
  // (Dialect::fit_identifier) where a name the user chose is an error.
  bool generated_name = false;
};

class RELATE_API Table {
 public:
  // An empty name is a relate::MappingError.
  explicit Table(std::string name);
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  const std::string& name() const { return name_; }

  // An empty name is a relate::MappingError; one the table has already an ArgumentError.
  Column& add_column(std::string name, ColumnType type);
  const std::vector<std::unique_ptr<Column>>& columns() const { return columns_; }
  // The column of that name; throws relate::ArgumentError naming table and column.
  const Column& column(std::string_view name) const;
  const Column* find_column(std::string_view name) const;
  Column& column(std::string_view name);

  std::vector<const Column*> primary_key() const;

  ForeignKeyConstraint& add_foreign_key(std::vector<const Column*> columns, const Table& referred,
                                        std::vector<const Column*> referred_columns,
                                        std::optional<ReferentialAction> on_delete = {},
                                        std::optional<ReferentialAction> on_update = {},
                                        std::string name = {});
  const std::vector<ForeignKeyConstraint>& foreign_keys() const { return foreign_keys_; }

  void add_unique(std::vector<const Column*> columns, std::string name = {});
  const std::vector<UniqueConstraint>& unique_constraints() const { return uniques_; }

  void add_index(std::vector<const Column*> columns, bool unique = false, std::string name = {});
  // Declared indexes plus one per column marked index().
  std::vector<Index> indexes() const;

 private:
  std::string name_;
  std::vector<std::unique_ptr<Column>> columns_;
  std::vector<ForeignKeyConstraint> foreign_keys_;
  std::vector<UniqueConstraint> uniques_;
  std::vector<Index> indexes_;
};

}  // namespace relate
