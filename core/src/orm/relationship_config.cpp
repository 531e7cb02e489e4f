// Relationship configuration: which foreign key or join condition a relationship()
// follows (association_config.cpp: a many-to-many's table), its direction, its
// back_populates pair, and the checks that make a mistake a MappingError naming both
// sides. Part of MetaData::configure().
#include <algorithm>
#include <relate/orm/loader.hpp>

#include "join_condition.hpp"
#include "metadata_impl.hpp"

namespace relate {

namespace {

const Mapper::RelationshipField* find_field(const Mapper& m, const MemberRef& ref) {
  if (ref.model != m.type()) return nullptr;
  return m.relationship_field(ref.field);
}

}  // namespace

RelationshipProperty& MetaDataImpl::make_property(Mapper& parent,
                                                  const Mapper::RelationshipField& field,
                                                  const Mapper& target) {
  if (field.property) {
    throw MappingError("relationship " + std::string(parent.name()) +
                       "::" + std::string(field.member) + " is declared twice");
  }
  auto prop = std::make_unique<RelationshipProperty>();
  prop->name_ = std::string(parent.name()) + "." + std::string(field.member);
  prop->member_ = field.member;
  prop->parent_ = &parent;
  prop->target_ = &target;
  prop->attribute_ = field.attribute_at;
  prop->attribute_offset_ = field.offset;
  prop->uselist_ = field.collection;
  const_cast<Mapper::RelationshipField&>(field).property = prop.get();
  parent.relationships_.push_back(prop.get());
  relationships.push_back(std::move(prop));
  return *relationships.back();
}

namespace {

// Candidate foreign keys joining `from` (holding the key) to `to` (referenced).
std::vector<const ForeignKeyConstraint*> foreign_keys_between(
    const Mapper& from, const Mapper& to, const std::vector<const Column*>& only) {
  std::vector<const ForeignKeyConstraint*> out;
  for (const auto& fk : from.table().foreign_keys()) {
    if (fk.referred_table != &to.table()) continue;
    if (!only.empty() &&
        !std::is_permutation(fk.columns.begin(), fk.columns.end(), only.begin(), only.end())) {
      continue;
    }
    out.push_back(&fk);
  }
  return out;
}

}  // namespace

std::size_t index_of_column(const Mapper& m, const Column* c) {
  for (std::size_t i = 0; i < m.columns().size(); ++i) {
    if (m.columns()[i].column == c) return i;
  }
  return 0;
}

void MetaDataImpl::configure_relationship(const RelationshipSpec& spec) {
  const std::string name = member_name(spec.member);
  auto it = by_type.find(spec.member.model);
  if (it == by_type.end()) {
    throw MappingError("relationship " + name + ": " + std::string(spec.member.model_name) +
                       " is not mapped in this MetaData");
  }
  Mapper& parent = *it->second;
  const auto* field = find_field(parent, spec.member);
  if (!field) throw MappingError("relationship " + name + " is not a one<T> or many<T> member");
  auto target_it = by_type.find(field->target);
  if (target_it == by_type.end()) {
    throw MappingError("relationship " + name + " refers to " + std::string(field->target_name) +
                       ", which is not mapped in this MetaData");
  }
  Mapper& target = *target_it->second;
  if (field->property) {
    // Made already, as the back_populates of the other side's declaration: this
    // declaration configures its own side.
    configure_declared_side(spec, const_cast<RelationshipProperty&>(*field->property));
    return;
  }

  if (spec.secondaryjoin && !spec.secondary) {
    throw MappingError("relationship " + name +
                       ": secondaryjoin is for a many-to-many (.secondary(\"table\"))");
  }
  RelationshipProperty& prop = spec.secondary ? configure_many_to_many(spec, parent, *field, target)
                               : spec.primaryjoin
                                   ? configure_primaryjoin(spec, parent, *field, target)
                                   : configure_foreign_key_path(spec, parent, *field, target);
  configure_viewonly(spec, prop);
  prop.post_update_ = spec.post_update;
  if (spec.post_update && prop.direction_ == RelationshipDirection::many_to_many) {
    throw MappingError("relationship " + name +
                       ": post_update is for foreign keys of one-to-many and many-to-one");
  }
  configure_side_options(spec, prop);
  if (spec.back_populates) configure_back_populates(spec, prop, parent, target);
}

void MetaDataImpl::configure_viewonly(const RelationshipSpec& spec, RelationshipProperty& prop) {
  prop.viewonly_ = spec.viewonly;
  if (!spec.viewonly) return;
  const std::string name = member_name(spec.member);
  // What only a written relationship does is refused rather than ignored.
  const char* refused = spec.back_populates                           ? "back_populates (backref)"
                        : spec.post_update                            ? "post_update"
                        : spec.passive_deletes != PassiveDeletes::off ? "passive_deletes"
                                                                      : nullptr;
  if (refused) {
    throw MappingError("relationship " + name + " is viewonly: " + refused +
                       " is for relationships the unit of work writes");
  }
}

void MetaDataImpl::configure_side_options(const RelationshipSpec& spec,
                                          RelationshipProperty& prop) {
  const std::string name = member_name(spec.member);
  prop.cascade_ = CascadeOptions::parse(
      spec.cascade.value_or(prop.viewonly_ ? "none" : "save-update, merge"), name);
  if (prop.viewonly_ && (prop.cascade_.save_update || prop.cascade_.merge ||
                         prop.cascade_.delete_ || prop.cascade_.delete_orphan)) {
    throw MappingError("relationship " + name +
                       " is viewonly: the cascades save-update, merge, delete and "
                       "delete-orphan write through a relationship (refresh-expire and "
                       "expunge may be given)");
  }
  if (prop.cascade_.delete_orphan && prop.direction_ != RelationshipDirection::one_to_many) {
    throw MappingError("relationship " + name +
                       ": delete-orphan cascade is for the one side of a one-to-many (the "
                       "objects of a " +
                       std::string(prop.direction_ == RelationshipDirection::many_to_one
                                       ? "many-to-one"
                                       : "many-to-many") +
                       " may have many parents)");
  }
  prop.passive_deletes_ = spec.passive_deletes;
  if (spec.passive_deletes == PassiveDeletes::all &&
      (prop.cascade_.delete_ || prop.cascade_.delete_orphan)) {
    throw MappingError("relationship " + name +
                       ": passive_deletes(\"all\") leaves children to the database, which "
                       "contradicts a 'delete' or 'delete-orphan' cascade");
  }
  if (spec.lazy) {
    try {
      find_loader_strategy(*spec.lazy);
    } catch (const ArgumentError& e) {
      throw MappingError("relationship " + name + ": " + e.what());
    }
    prop.lazy_ = *spec.lazy;
  }
  for (const auto& [member, desc] : spec.order_by) {
    prop.order_by_.push_back(
        {column_index(*prop.target_, member, "relationship " + name + " order_by"), desc});
  }
}

void MetaDataImpl::configure_declared_side(const RelationshipSpec& spec,
                                           RelationshipProperty& prop) {
  const std::string name = member_name(spec.member);
  const RelationshipProperty* back = prop.back_;
  const auto* named =
      spec.back_populates ? find_field(*prop.target_, *spec.back_populates) : nullptr;
  if (!back || !named || named->property != back) {
    throw MappingError("relationship " + name + " is declared twice" +
                       (back ? " (it is the back_populates of " + back->name() +
                                   "; declare it again only with back_populates " + back->name() +
                                   ")"
                             : std::string()));
  }
  if (spec.secondary && (!prop.secondary_ || prop.secondary_->name() != *spec.secondary)) {
    throw MappingError("relationship " + name + " names association table '" + *spec.secondary +
                       "', but its pair " + back->name() + " uses " +
                       (prop.secondary_ ? "'" + prop.secondary_->name() + "'" : "a foreign key"));
  }
  if (!spec.foreign_keys.empty() || spec.secondary_on_delete ||
      !spec.secondary_parent_columns.empty() || spec.primaryjoin || spec.secondaryjoin) {
    throw MappingError("relationship " + name + ": its pair " + back->name() +
                       " decides the join (foreign_keys, secondary_columns, "
                       "secondary_on_delete, primaryjoin, secondaryjoin); declare them there");
  }
  if (spec.viewonly) {
    throw MappingError("relationship " + name +
                       " is viewonly: back_populates (backref) is "
                       "for relationships the unit of work writes");
  }
  if (spec.post_update) {
    prop.post_update_ = true;
    const_cast<RelationshipProperty*>(back)->post_update_ = true;
  }
  configure_side_options(spec, prop);
}

void MetaDataImpl::configure_back_populates(const RelationshipSpec& spec,
                                            RelationshipProperty& prop, Mapper& parent,
                                            Mapper& target) {
  const std::string name = member_name(spec.member);
  const MemberRef& back_ref = *spec.back_populates;
  const std::string back_name = member_name(back_ref);
  const auto* back_field = find_field(target, back_ref);
  if (!back_field) {
    throw MappingError("relationship " + name + " back_populates " + back_name + ", but " +
                       back_name + " is not a relationship member of " +
                       std::string(target.name()));
  }
  if (back_field->target != parent.type()) {
    throw MappingError("relationship " + name + " back_populates " + back_name + ", but " +
                       back_name + " refers to " + std::string(back_field->target_name) + ", not " +
                       std::string(parent.name()));
  }
  const bool back_is_collection = back_field->collection;
  switch (prop.direction_) {
    case RelationshipDirection::one_to_many:
      if (back_is_collection && &parent != &target) {
        throw MappingError("relationship " + name + " back_populates " + back_name +
                           ": a one-to-many pairs with a one<" + std::string(parent.name()) +
                           "> member, but " + back_name + " is a many<>");
      }
      break;
    case RelationshipDirection::many_to_many:
      if (!back_is_collection) {
        throw MappingError("relationship " + name + " back_populates " + back_name +
                           ": a many-to-many pairs with a many<" + std::string(parent.name()) +
                           "> member, but " + back_name + " is a one<>");
      }
      break;
    case RelationshipDirection::many_to_one:
      break;
  }
  RelationshipProperty& back = make_property(target, *back_field, parent);
  back.direction_ =
      prop.direction_ == RelationshipDirection::one_to_many   ? RelationshipDirection::many_to_one
      : prop.direction_ == RelationshipDirection::many_to_one ? RelationshipDirection::one_to_many
                                                              : RelationshipDirection::many_to_many;
  back.pairs_ = prop.pairs_;
  back.foreign_key_ = prop.foreign_key_;
  back.secondary_ = prop.secondary_;
  back.parent_secondary_ = prop.target_secondary_;
  back.target_secondary_ = prop.parent_secondary_;
  back.post_update_ = prop.post_update_;
  back.key_join_ = prop.key_join_;
  if (prop.direction_ == RelationshipDirection::many_to_many) {
    back.primaryjoin_ = mirror_join(prop.secondaryjoin_);
    back.secondaryjoin_ = mirror_join(prop.primaryjoin_);
  } else {
    back.primaryjoin_ = mirror_join(prop.primaryjoin_);
  }
  back.cascade_ = CascadeOptions::parse("save-update, merge", back_name);
  prop.back_ = &back;
  back.back_ = &prop;
}

RelationshipProperty& MetaDataImpl::configure_foreign_key_path(
    const RelationshipSpec& spec, Mapper& parent, const Mapper::RelationshipField& field,
    Mapper& target) {
  const std::string name = member_name(spec.member);
  const std::vector<const Column*> only = foreign_key_columns(spec);

  // Which side holds the foreign key decides the direction.
  auto to_parent = foreign_keys_between(target, parent, only);  // one-to-many
  auto to_target = foreign_keys_between(parent, target, only);  // many-to-one
  if (&parent == &target) {
    (field.collection ? to_target : to_parent).clear();
  } else if (field.collection) {
    to_target.clear();
  } else if (!to_target.empty()) {
    to_parent.clear();
  }
  const bool one_to_many = !to_parent.empty();
  const auto& candidates = one_to_many ? to_parent : to_target;
  if (candidates.empty()) {
    throw MappingError("relationship " + name + " -> " + std::string(target.name()) +
                       ": no foreign key joins tables '" + parent.table().name() + "' and '" +
                       target.table().name() +
                       "'; declare one with relate::foreign_key(...), name it with "
                       ".foreign_keys(...), or use .secondary(\"table\") for many-to-many");
  }
  if (candidates.size() > 1) {
    throw MappingError("relationship " + name + " -> " + std::string(target.name()) +
                       ": more than one foreign key joins tables '" + parent.table().name() +
                       "' and '" + target.table().name() + "'; choose with .foreign_keys(...)");
  }
  const ForeignKeyConstraint& fk = *candidates.front();

  RelationshipProperty& prop = make_property(parent, field, target);
  prop.direction_ =
      one_to_many ? RelationshipDirection::one_to_many : RelationshipDirection::many_to_one;
  prop.foreign_key_ = &fk;
  const Mapper& referenced = one_to_many ? parent : target;
  const Mapper& foreign = one_to_many ? target : parent;
  for (std::size_t i = 0; i < fk.columns.size(); ++i) {
    prop.pairs_.push_back({index_of_column(referenced, fk.referred_columns[i]),
                           index_of_column(foreign, fk.columns[i])});
  }
  prop.primaryjoin_ = key_condition(prop);
  return prop;
}

RelationshipProperty& MetaDataImpl::configure_primaryjoin(const RelationshipSpec& spec,
                                                          Mapper& parent,
                                                          const Mapper::RelationshipField& field,
                                                          Mapper& target) {
  const std::string name = member_name(spec.member);
  const ResolvedJoin join = resolve_join(spec.primaryjoin, name, "primaryjoin", JoinSide::parent,
                                         JoinSide::target, parent, target, nullptr);
  const std::vector<const Column*> only = foreign_key_columns(spec);
  // The foreign keys whose every column the condition equates with the column it
  // refers to: held by the target (one-to-many) or by the parent (many-to-one).
  struct Candidate {
    const ForeignKeyConstraint* fk;
    bool one_to_many;
  };
  std::vector<Candidate> candidates;
  const std::vector<bool> directions =
      field.collection ? std::vector<bool>{true} : std::vector<bool>{false, true};
  for (const bool one_to_many : directions) {
    const Mapper& holder = one_to_many ? target : parent;
    const Mapper& referred = one_to_many ? parent : target;
    for (const ForeignKeyConstraint* fk : foreign_keys_between(holder, referred, only)) {
      bool all = true;
      for (std::size_t i = 0; all && i < fk->columns.size(); ++i) {
        all = std::any_of(join.equalities.begin(), join.equalities.end(), [&](const auto& e) {
          const JoinColumn* held = one_to_many ? e.b : e.a;
          const JoinColumn* refers = one_to_many ? e.a : e.b;
          return held->column == fk->columns[i] && refers->column == fk->referred_columns[i];
        });
      }
      if (all) candidates.push_back({fk, one_to_many});
    }
    // A one<> follows its own foreign key first (many-to-one), else the target's
    // (one-to-one).
    if (!field.collection && !candidates.empty()) break;
  }
  if (candidates.size() > 1) {
    throw MappingError("relationship " + name +
                       " primaryjoin: it equates the columns of more than one foreign key; "
                       "choose with .foreign_keys(...)");
  }
  if (candidates.empty() && !spec.viewonly) {
    throw MappingError("relationship " + name +
                       " primaryjoin: it equates no foreign key's columns with the columns "
                       "they refer to, so nothing says what to write; declare the foreign key "
                       "(relate::foreign_key), or make the relationship .viewonly()");
  }
  RelationshipProperty& prop = make_property(parent, field, target);
  prop.primaryjoin_ = join.condition;
  if (candidates.empty()) {
    // Read only, by the condition alone: no column pairs.
    prop.direction_ =
        field.collection ? RelationshipDirection::one_to_many : RelationshipDirection::many_to_one;
    prop.key_join_ = false;
    return prop;
  }
  const auto [fk, one_to_many] = candidates.front();
  prop.direction_ =
      one_to_many ? RelationshipDirection::one_to_many : RelationshipDirection::many_to_one;
  prop.foreign_key_ = fk;
  const Mapper& referenced = one_to_many ? parent : target;
  const Mapper& foreign = one_to_many ? target : parent;
  for (std::size_t i = 0; i < fk->columns.size(); ++i) {
    prop.pairs_.push_back({index_of_column(referenced, fk->referred_columns[i]),
                           index_of_column(foreign, fk->columns[i])});
  }
  // Terms beyond the key's equalities narrow what is loaded.
  prop.key_join_ = join.terms == fk->columns.size();
  return prop;
}

sql::Expr MetaDataImpl::key_condition(const RelationshipProperty& prop) {
  const bool one_to_many = prop.direction_ == RelationshipDirection::one_to_many;
  sql::Expr out;
  for (const auto& pair : prop.pairs_) {
    const std::size_t parent_col = one_to_many ? pair.referenced : pair.foreign;
    const std::size_t target_col = one_to_many ? pair.foreign : pair.referenced;
    out = sql::and_(
        out, sql::binary(sql::BinaryOp::eq,
                         join_column(JoinSide::target, *prop.target_->columns()[target_col].column,
                                     target_col),
                         join_column(JoinSide::parent, *prop.parent_->columns()[parent_col].column,
                                     parent_col)));
  }
  return out;
}

std::vector<const Column*> MetaDataImpl::foreign_key_columns(const RelationshipSpec& spec) const {
  const std::string name = member_name(spec.member);
  std::vector<const Column*> only;
  for (const auto& fk_member : spec.foreign_keys) {
    const Mapper& owner = mapper_of(fk_member, "relationship " + name + " foreign_keys");
    only.push_back(owner.columns()[column_index(owner, fk_member, "relationship " + name)].column);
  }
  return only;
}

}  // namespace relate
