// MetaData internals: tables, mappers, relationship declarations, and configure(),
// which resolves member references into columns, foreign keys and relationships.
#pragma once

#include <mutex>
#include <relate/metadata.hpp>
#include <unordered_map>

#include "event_listeners.hpp"

namespace relate {

class FlushPlan;

class MetaDataImpl : public std::enable_shared_from_this<MetaDataImpl> {
 public:
  Table& add_table(std::string name);
  void add_mapper(Mapper::Blueprint blueprint, std::string name, std::vector<TableOption> options);
  void configure();
  std::vector<const Table*> sorted_tables() const;
  // What every flush of this mapping does, in order; made once by configure().
  const FlushPlan& flush_plan() const { return *flush_plan_; }

  std::vector<std::unique_ptr<Table>> tables;
  // MetaData::on's listeners, for every Session of this mapping.
  EventListeners listeners;
  std::vector<std::unique_ptr<Mapper>> mappers;
  std::unordered_map<std::type_index, Mapper*> by_type;
  std::vector<RelationshipSpec> relationship_specs;
  std::vector<std::unique_ptr<RelationshipProperty>> relationships;

  std::mutex mutex;
  bool configured = false;

 private:
  struct PendingForeignKey {
    Mapper* mapper;
    ForeignKeyOption option;
  };
  std::vector<PendingForeignKey> pending_foreign_keys_;
  std::unique_ptr<const FlushPlan> flush_plan_;

  Mapper& mapper_of(const MemberRef& ref, std::string_view context) const;
  std::size_t column_index(const Mapper& m, const MemberRef& ref,
                           std::string_view context) const;
  void apply_option(Mapper& m, Table& t, const TableOption& option);
  void resolve_foreign_key(const PendingForeignKey& fk);
  void configure_relationship(const RelationshipSpec& spec);
  // One side's own options: cascade, passive_deletes, lazy, order_by.
  void configure_side_options(const RelationshipSpec& spec, RelationshipProperty& prop);
  // A side made as the other's back_populates, declared again for its own options.
  void configure_declared_side(const RelationshipSpec& spec, RelationshipProperty& prop);
  void configure_back_populates(const RelationshipSpec& spec, RelationshipProperty& prop,
                                Mapper& parent, Mapper& target);
  RelationshipProperty& configure_foreign_key_path(const RelationshipSpec& spec, Mapper& parent,
                                                   const Mapper::RelationshipField& field,
                                                   Mapper& target);
  // A one-to-many or many-to-one whose join is the user's primaryjoin().
  RelationshipProperty& configure_primaryjoin(const RelationshipSpec& spec, Mapper& parent,
                                              const Mapper::RelationshipField& field,
                                              Mapper& target);
  void configure_viewonly(const RelationshipSpec& spec, RelationshipProperty& prop);
  // The join condition of a foreign key's column pairs.
  static sql::Expr key_condition(const RelationshipProperty& prop);
  // The columns foreign_keys() names.
  std::vector<const Column*> foreign_key_columns(const RelationshipSpec& spec) const;
  RelationshipProperty& configure_many_to_many(const RelationshipSpec& spec, Mapper& parent,
                                               const Mapper::RelationshipField& field,
                                               Mapper& target);
  RelationshipProperty& make_property(Mapper& parent, const Mapper::RelationshipField& field,
                                      const Mapper& target);
};

std::string member_name(const MemberRef& ref);
// The mapper's fields, from what MetaData::table<T>() generated (model_layout.cpp).
Mapper::Blueprint blueprint(const detail::ModelLayout& layout);
// The index of `c` in the mapper's columns (relationship_config.cpp).
std::size_t index_of_column(const Mapper& m, const Column* c);

}  // namespace relate
