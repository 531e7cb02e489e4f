// Mapper: a model type as the type-erased runtime sees it. The typed mapping
// (MetaData::table<T>) generates a table of accessor functions once; the session,
// unit of work, SQL generation and loader strategies work on that table alone.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/orm/instance.hpp>
#include <relate/value.hpp>
#include <string>
#include <string_view>
#include <typeindex>
#include <utility>
#include <vector>

namespace relate {

class Column;
class Table;
class RelationshipProperty;
class RelationshipAttribute;
class MetaDataImpl;

class RELATE_API Mapper {
 public:
  // A member is found at its offset in the object and read and written by the
  // accessors of its C++ type (relate/orm/model_layout.hpp).
  struct ColumnField {
    std::size_t field;  // index of the member in the aggregate
    std::string_view member;
    const Column* column;
    std::size_t offset;
    Value (*read)(const void* member);
    void (*write)(void* member, Value&& value);

    Value get(const void* object) const { return read(static_cast<const char*>(object) + offset); }
    void set(void* object, Value&& value) const {
      write(static_cast<char*>(object) + offset, std::move(value));
    }
  };
  struct RelationshipField {
    std::size_t field;
    std::string_view member;
    bool collection;  // many<T>; otherwise one<T>
    std::type_index target;
    std::string_view target_name;
    std::size_t offset;
    RelationshipAttribute* (*attribute_at)(void* member);
    const RelationshipProperty* property = nullptr;  // set by configure()

    RelationshipAttribute* attribute(void* object) const {
      return attribute_at(static_cast<char*>(object) + offset);
    }
  };
  struct Blueprint {
    std::type_index type;
    std::string_view name;
    std::vector<std::string_view> field_names;
    std::vector<ColumnField> columns;  // column = null; filled when the table is made
    std::vector<bool> nullable;        // per column: the member is std::optional
    std::vector<ColumnType> types;     // per column
    std::vector<RelationshipField> relationships;
    detail::Construction construction;
  };

  explicit Mapper(Blueprint blueprint) : bp_(std::move(blueprint)) {}

  std::type_index type() const { return bp_.type; }
  // The model's C++ name, e.g. "User".
  std::string_view name() const { return bp_.name; }
  const Table& table() const { return *table_; }

  const std::vector<ColumnField>& columns() const { return bp_.columns; }
  // Indexes into columns() of the primary key.
  const std::vector<std::size_t>& primary_key() const { return primary_key_; }
  // The column mapped from a member, if that member is a column.
  std::optional<std::size_t> column_of_field(std::size_t field) const;

  const std::vector<RelationshipField>& relationship_fields() const { return bp_.relationships; }
  const RelationshipField* relationship_field(std::size_t field) const;
  // Configured relationships declared on this model (not those pointing at it).
  const std::vector<const RelationshipProperty*>& relationships() const { return relationships_; }
  // The same without the viewonly ones: what the unit of work and the write cascades
  // follow.
  const std::vector<const RelationshipProperty*>& written_relationships() const { return written_; }
  // Relationships of other models whose foreign key lives in this model's table,
  // and one-to-many relationships of this model: what the unit of work syncs.
  const std::vector<const RelationshipProperty*>& dependent_relationships() const {
    return dependents_;
  }

  // A new, default-constructed object of the model, unbound, placed in `graph`'s
  // memory and owned by it.
  InstanceState* create_in(detail::ObjectGraph& graph) const;
  Value get(const void* object, std::size_t column) const {
    return bp_.columns[column].get(object);
  }
  void set(void* object, std::size_t column, Value&& value) const {
    bp_.columns[column].set(object, std::move(value));
  }
  std::vector<Value> values(const void* object) const;

  // Binds the object's relationship members to it; `loaded` false marks them
  // unloaded (objects coming from the database). A new object's related objects are
  // bound too, and their side of each back_populates pair points back at it; so is
  // every object relate::make made unbound in its graph (linked to it from their
  // side only), through this mapper's MetaData.
  void bind(InstanceState& state, bool loaded) const;
  // The mapper of `model` in this mapper's MetaData, or null.
  const Mapper* sibling_mapper(const std::type_info& model) const;

 private:
  friend class MetaDataImpl;
  void bind_one(InstanceState& state, bool loaded) const;
  const MetaDataImpl* metadata_ = nullptr;
  Blueprint bp_;
  const Table* table_ = nullptr;
  std::vector<std::size_t> primary_key_;
  std::vector<std::optional<std::size_t>> column_of_field_;
  std::vector<const RelationshipProperty*> relationships_;
  std::vector<const RelationshipProperty*> dependents_;
  std::vector<const RelationshipProperty*> written_;
};

}  // namespace relate
