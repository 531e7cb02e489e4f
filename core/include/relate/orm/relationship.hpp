// RelationshipProperty: the configured form of one relationship() declaration, as the
// session, unit of work and loader strategies see it. Built by MetaData::configure().
#pragma once

#include <cstddef>
#include <relate/export.hpp>
#include <relate/sql/expression.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate {

class Column;
class Mapper;
class RelationshipAttribute;
class Table;
struct ForeignKeyConstraint;

enum class RelationshipDirection { one_to_many, many_to_one, many_to_many };

// SQLAlchemy's cascade options. The default is "save-update, merge".
struct RELATE_API CascadeOptions {
  bool save_update = true;
  bool merge = true;
  bool refresh_expire = false;
  bool expunge = false;
  bool delete_ = false;
  bool delete_orphan = false;

  // Parses "all, delete-orphan" and the like; an unknown word throws MappingError
  // naming `relationship`.
  static CascadeOptions parse(std::string_view text, std::string_view relationship);
};

enum class PassiveDeletes {
  off,  // load unloaded children to null their foreign key or delete them
  on,   // leave unloaded children to the database's ON DELETE
  all,  // never load or null children; the database decides (RESTRICT raises)
};

class RELATE_API RelationshipProperty {
 public:
  // "User.posts"
  const std::string& name() const { return name_; }
  std::string_view member() const { return member_; }
  const Mapper& parent() const { return *parent_; }
  const Mapper& target() const { return *target_; }
  RelationshipDirection direction() const { return direction_; }
  bool uselist() const { return uselist_; }
  // The other side of a back_populates pair, or null.
  const RelationshipProperty* back_populates() const { return back_; }
  const CascadeOptions& cascade() const { return cascade_; }
  PassiveDeletes passive_deletes() const { return passive_deletes_; }
  // Default loader strategy name.
  const std::string& lazy() const { return lazy_; }

  // Column pairs of the foreign key, as indexes into the mappers' columns():
  // `referenced` on the side holding the key being referred to, `foreign` on the side
  // holding the foreign key. For one_to_many the parent is the referenced side.
  struct ColumnPair {
    std::size_t referenced;
    std::size_t foreign;
  };
  const std::vector<ColumnPair>& column_pairs() const { return pairs_; }
  // The foreign key this relationship follows (one-to-many, many-to-one).
  const ForeignKeyConstraint* foreign_key() const { return foreign_key_; }

  // Many-to-many: the association table, and for each side its key columns (indexes
  // into that side's mapper columns) with the association columns that refer to them.
  struct SecondaryPair {
    std::size_t key;
    const Column* column;
  };
  const Table* secondary() const { return secondary_; }
  const std::vector<SecondaryPair>& parent_secondary() const { return parent_secondary_; }
  const std::vector<SecondaryPair>& target_secondary() const { return target_secondary_; }

  // Foreign key written by a second UPDATE after both rows exist (and nulled by an
  // UPDATE before deletes), to break cycles of mutually referring rows.
  bool post_update() const { return post_update_; }
  const Mapper& referenced_mapper() const {
    return direction_ == RelationshipDirection::one_to_many ? *parent_ : *target_;
  }
  const Mapper& foreign_mapper() const {
    return direction_ == RelationshipDirection::one_to_many ? *target_ : *parent_;
  }

  // Never written by the unit of work (viewonly()); loaded like any other.
  bool viewonly() const { return viewonly_; }
  // The join condition between the parent and the target (for a many-to-many: the
  // parent and the association table), and a many-to-many's between the association
  // table and the target. Its columns are placeholders that loading.hpp's functions
  // name for a statement (a JOIN, one parent's lazy load, an EXISTS).
  const sql::Expr& primaryjoin() const { return primaryjoin_; }
  const sql::Expr& secondaryjoin() const { return secondaryjoin_; }
  // The join is the column pairs' equality alone: a parent's related rows are those
  // whose columns equal its key (what batched IN loading and the identity map's
  // many-to-one shortcut rely on). False for a custom primaryjoin with more terms.
  bool key_join() const { return key_join_; }

  // Ordering of the loaded collection: target column index and direction.
  struct Order {
    std::size_t column;
    bool descending;
  };
  const std::vector<Order>& order_by() const { return order_by_; }

  // The attribute of this relationship inside an object of the parent model.
  RelationshipAttribute& attribute(void* object) const {
    return *attribute_(static_cast<char*>(object) + attribute_offset_);
  }

 private:
  friend class MetaDataImpl;
  std::string name_;
  std::string_view member_;
  const Mapper* parent_ = nullptr;
  const Mapper* target_ = nullptr;
  RelationshipDirection direction_ = RelationshipDirection::one_to_many;
  bool uselist_ = true;
  const RelationshipProperty* back_ = nullptr;
  CascadeOptions cascade_;
  PassiveDeletes passive_deletes_ = PassiveDeletes::off;
  std::string lazy_ = "lazy";
  std::vector<ColumnPair> pairs_;
  const ForeignKeyConstraint* foreign_key_ = nullptr;
  const Table* secondary_ = nullptr;
  std::vector<SecondaryPair> parent_secondary_;
  std::vector<SecondaryPair> target_secondary_;
  bool post_update_ = false;
  std::vector<Order> order_by_;
  RelationshipAttribute* (*attribute_)(void* member) = nullptr;
  // Last, so that the members above keep their places for plugins built before them.
  bool viewonly_ = false;
  sql::Expr primaryjoin_;
  sql::Expr secondaryjoin_;
  bool key_join_ = true;
  std::size_t attribute_offset_ = 0;  // of the member in the parent's objects
};

}  // namespace relate
