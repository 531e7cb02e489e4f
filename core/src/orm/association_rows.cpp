// Many-to-many: the rows of association tables. Rows of deleted objects and rows for
// removed links are deleted before rows for new links are inserted, after both ends
// of every link exist and before any object row is deleted.
#include <algorithm>
#include <relate/schema.hpp>
#include <set>
#include <tuple>

#include "unit_of_work.hpp"

namespace relate {

namespace {

// A link as (relationship it is written through, its parent, its target), seen from
// one fixed side of a back_populates pair so that appending on either side is the
// same link.
using Link = std::tuple<const RelationshipProperty*, InstanceState*, InstanceState*>;

Link canonical(const RelationshipProperty& rel, InstanceState* owner, InstanceState* item) {
  const RelationshipProperty* back = rel.back_populates();
  if (back && back < &rel) return {back, item, owner};
  return {&rel, owner, item};
}

// Links in the order they were made, each once.
class LinkList {
 public:
  void add(const Link& link) {
    if (seen_.insert(link).second) order_.push_back(link);
  }
  bool erase(const Link& link) { return seen_.erase(link) > 0; }
  bool contains(const Link& link) const { return seen_.count(link) > 0; }
  const std::vector<Link>& order() const { return order_; }

 private:
  std::set<Link> seen_;
  std::vector<Link> order_;
};

void match_side(sql::Expr& where, const std::vector<RelationshipProperty::SecondaryPair>& pairs,
                const RowSnapshot& key_values) {
  for (const auto& pair : pairs) {
    where = sql::and_(where, sql::binary(sql::BinaryOp::eq, sql::column(*pair.column),
                                         sql::param(key_values[pair.key])));
  }
}

}  // namespace

void UnitOfWork::write_associations() {
  // The modified attributes in the order their objects came into the session.
  std::vector<RelationshipAttribute*> attributes;
  for (RelationshipAttribute* attr : s_.modified_attributes_) {
    if (attr->property() && attr->property()->direction() == RelationshipDirection::many_to_many) {
      attributes.push_back(attr);
    }
  }
  std::sort(attributes.begin(), attributes.end(),
            [](RelationshipAttribute* a, RelationshipAttribute* b) {
              const auto sa = InstanceAccess::sequence(*a->owner());
              const auto sb = InstanceAccess::sequence(*b->owner());
              return sa != sb ? sa < sb : a < b;
            });
  LinkList inserts, deletes;
  for (RelationshipAttribute* attr : attributes) {
    const RelationshipProperty* rel = attr->property();
    InstanceState* owner = attr->owner();
    if (deleting_.count(owner) || owner->session() != &s_) continue;
    if (inserted_.count(owner)) {
      // A new object: every item it holds is a new link.
      for (std::size_t i = 0; i < attr->raw_size(); ++i) {
        inserts.add(canonical(*rel, owner, attr->raw_at(i)));
      }
    } else {
      for (InstanceState* item : attr->added()) inserts.add(canonical(*rel, owner, item));
      for (InstanceState* item : attr->removed()) deletes.add(canonical(*rel, owner, item));
    }
  }
  // A link removed and added again (through either side) stays as it is.
  for (const Link& link : deletes.order()) {
    if (inserts.contains(link)) {
      inserts.erase(link);
      deletes.erase(link);
    }
  }

  // Rows of deleted objects: one DELETE per many-to-many relationship of the object.
  for (InstanceState* d : deletes_) {
    for (const RelationshipProperty* rel : d->mapper()->relationships()) {
      if (rel->direction() != RelationshipDirection::many_to_many) continue;
      if (rel->passive_deletes() == PassiveDeletes::all) continue;
      if (rel->passive_deletes() == PassiveDeletes::on &&
          !rel->attribute(d->object()).is_loaded()) {
        continue;
      }
      sql::Delete del = sql::delete_from(*rel->secondary());
      match_side(del.where, rel->parent_secondary(), d->committed());
      conn().execute(del);
    }
  }
  for (const Link& link : deletes.order()) {
    const auto& [rel, parent, target] = link;
    if (!deletes.contains(link) || deleting_.count(parent) || deleting_.count(target)) continue;
    sql::Delete del = sql::delete_from(*rel->secondary());
    match_side(del.where, rel->parent_secondary(), parent->committed());
    match_side(del.where, rel->target_secondary(), target->committed());
    conn().execute(del);
  }
  // New links of one relationship share multi-row INSERTs.
  const RelationshipProperty* batch_rel = nullptr;
  sql::Insert ins;
  std::size_t most = 0;
  auto write_batch = [&] {
    if (batch_rel && !ins.rows.empty()) conn().execute(ins);
    batch_rel = nullptr;
  };
  for (const Link& link : inserts.order()) {
    const auto& [rel, parent, target] = link;
    if (!inserts.contains(link) || deleting_.count(parent) || deleting_.count(target)) continue;
    if (parent->session() != &s_ || target->session() != &s_) continue;
    if (rel != batch_rel) {
      write_batch();
      batch_rel = rel;
      ins = sql::insert(*rel->secondary());
      for (const auto& pair : rel->parent_secondary()) ins.columns.push_back(pair.column);
      for (const auto& pair : rel->target_secondary()) ins.columns.push_back(pair.column);
      most = rows_per_insert(ins.columns.size());
    }
    std::vector<Value>& row = ins.rows.emplace_back();
    for (const auto& pair : rel->parent_secondary()) row.push_back(parent->committed()[pair.key]);
    for (const auto& pair : rel->target_secondary()) row.push_back(target->committed()[pair.key]);
    if (ins.rows.size() == most) {
      conn().execute(ins);
      ins.rows.clear();
    }
  }
  write_batch();
}

}  // namespace relate
