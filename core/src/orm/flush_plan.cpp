// The actions of a flush and the edges that order them, SQLAlchemy's
// per_property_dependencies in one place:
//   - a foreign key from F's table to R's: R's rows are saved before F's (a new child
//     takes its parent's key), F's rows are saved (re-pointed, nulled) and deleted
//     before R's are deleted;
//   - a table no foreign key refers to has its rows deleted before its new rows are
//     inserted, so a key a new row takes (a unique one-to-one key) is free by then;
//   - a many-to-many's links are written after both ends are saved and before either
//     is deleted;
//   - post_update keys are written after both rows are saved, and nulled between
//     rows that are both about to be deleted.
// Self-references order rows inside one action (flush_order.cpp), not actions.
#include "flush_plan.hpp"

#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>
#include <unordered_map>
#include <unordered_set>

#include "metadata_impl.hpp"
#include "topological_order.hpp"

namespace relate {

FlushPlan::FlushPlan(const MetaDataImpl& metadata) {
  // Saves first, then links, then deletes: the order actions take when nothing
  // constrains them.
  for (std::size_t i = 0; i < metadata.mappers.size(); ++i) {
    index_.emplace(metadata.mappers[i].get(), i);
    save_of_.push_back(add({Kind::save_rows, metadata.mappers[i].get()}));
  }
  add_association_actions(metadata);
  add_post_update_actions(metadata);
  for (const auto& m : metadata.mappers) delete_of_.push_back(add({Kind::delete_rows, m.get()}));

  order_by_foreign_keys(metadata);
  order_association_rows();
  order_post_updates(metadata);
  for (std::size_t i : detail::topological_order(actions_.size(), edges_)) {
    sorted_.push_back(actions_[i]);
  }
}

std::size_t FlushPlan::add(Action action) {
  actions_.push_back(action);
  return actions_.size() - 1;
}

void FlushPlan::order(std::size_t before, std::size_t after) { edges_.emplace_back(before, after); }

void FlushPlan::add_association_actions(const MetaDataImpl& metadata) {
  for (const auto& rel : metadata.relationships) {
    if (rel->direction() != RelationshipDirection::many_to_many || rel->viewonly()) continue;
    // Both sides of a back_populates pair write the same links: one action for both.
    const RelationshipProperty* back = rel->back_populates();
    bool planned = false;
    for (const auto& [other, action] : links_) planned = planned || other == back;
    if (!planned) links_.emplace_back(rel.get(), add({Kind::associations, nullptr, rel.get()}));
  }
}

void FlushPlan::add_post_update_actions(const MetaDataImpl& metadata) {
  for (const auto& rel : metadata.relationships) {
    if (!rel->post_update()) continue;
    post_updates_ = add({Kind::post_updates});
    unlink_cycles_ = add({Kind::unlink_cycles});
    return;
  }
}

void FlushPlan::order_by_foreign_keys(const MetaDataImpl& metadata) {
  std::unordered_map<const Table*, std::size_t> mapper_of;
  for (std::size_t i = 0; i < metadata.mappers.size(); ++i) {
    mapper_of.emplace(&metadata.mappers[i]->table(), i);
  }
  // post_update's foreign keys are written after both rows exist: they order nothing.
  std::unordered_set<const ForeignKeyConstraint*> deferred;
  for (const auto& r : metadata.relationships) {
    if (r->post_update() && r->foreign_key()) deferred.insert(r->foreign_key());
  }
  std::unordered_set<const Table*> referred;
  for (const auto& t : metadata.tables) {
    for (const auto& fk : t->foreign_keys()) referred.insert(fk.referred_table);
  }
  for (std::size_t f = 0; f < metadata.mappers.size(); ++f) {
    const Table& table = metadata.mappers[f]->table();
    if (!referred.count(&table)) order(delete_of_[f], save_of_[f]);
    for (const auto& fk : table.foreign_keys()) {
      auto it = mapper_of.find(fk.referred_table);
      if (deferred.count(&fk) || it == mapper_of.end() || it->second == f) continue;
      const std::size_t r = it->second;
      order(save_of_[r], save_of_[f]);
      order(save_of_[f], delete_of_[r]);
      order(delete_of_[f], delete_of_[r]);
    }
  }
}

void FlushPlan::order_association_rows() {
  for (const auto& [rel, links] : links_) {
    for (const Mapper* end : {&rel->parent(), &rel->target()}) {
      order(save_of_[index_.at(end)], links);
      order(links, delete_of_[index_.at(end)]);
    }
  }
}

void FlushPlan::order_post_updates(const MetaDataImpl& metadata) {
  if (!post_updates_) return;
  order(*post_updates_, *unlink_cycles_);
  for (const auto& rel : metadata.relationships) {
    if (!rel->post_update()) continue;
    for (const Mapper* end : {&rel->referenced_mapper(), &rel->foreign_mapper()}) {
      order(save_of_[index_.at(end)], *post_updates_);
      order(*unlink_cycles_, delete_of_[index_.at(end)]);
    }
  }
}

}  // namespace relate
