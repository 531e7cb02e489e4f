// Many-to-many: the rows of association tables, written by one action per
// relationship (both sides of a back_populates pair together), after both ends of
// every link exist and before either end is deleted. The links of a deleted object go
// with one DELETE per side that declares the relationship (unless passive_deletes
// leaves them to the database); a link removed from a collection is deleted by
// itself, also when its other end is deleted and declares no side of its own.
#include <algorithm>
#include <relate/schema.hpp>
#include <set>
#include <utility>

#include "unit_of_work.hpp"

namespace relate {

namespace {

// A link as (its parent, its target), seen from the side of the relationship that
// writes it, so that appending on either side of a back_populates pair is the same
// link.
Link link_of(const RelationshipProperty& rel, const RelationshipProperty& side,
             InstanceState* owner, InstanceState* item) {
  if (&side == &rel) return {owner, item};
  return {item, owner};
}

}  // namespace

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

namespace {

void match_side(sql::Expr& where, const std::vector<RelationshipProperty::SecondaryPair>& pairs,
                const RowSnapshot& key_values) {
  for (const auto& pair : pairs) {
    where = sql::and_(where, sql::binary(sql::BinaryOp::eq, sql::column(*pair.column),
                                         sql::param(key_values[pair.key])));
  }
}

}  // namespace

bool UnitOfWork::links_go_with_row(const RelationshipProperty& rel, InstanceState& owner) const {
  if (rel.passive_deletes() == PassiveDeletes::all) return false;
  return rel.passive_deletes() != PassiveDeletes::on || rel.attribute(owner.object()).is_loaded();
}

void UnitOfWork::write_associations(const RelationshipProperty& rel) {
  const RelationshipProperty* back = rel.back_populates();
  // The changed attributes of either side, in the order their objects came into the
  // session.
  std::vector<RelationshipAttribute*> attributes;
  for (RelationshipAttribute* attr : s_.modified_attributes_) {
    if (attr->property() == &rel || (back && attr->property() == back)) attributes.push_back(attr);
  }
  std::sort(attributes.begin(), attributes.end(),
            [](RelationshipAttribute* a, RelationshipAttribute* b) {
              const auto sa = InstanceAccess::sequence(*a->owner());
              const auto sb = InstanceAccess::sequence(*b->owner());
              return sa != sb ? sa < sb : a < b;
            });
  LinkList inserts, deletes;
  // Links a new object holds now: new links, whatever the other side's history says.
  std::set<Link> held_by_new;
  for (RelationshipAttribute* attr : attributes) {
    const RelationshipProperty& side = *attr->property();
    InstanceState* owner = attr->owner();
    // A row deleted by this flush or an earlier one took its links with it.
    if (deleting(owner) || owner->session() != &s_ || owner->status() == ObjectStatus::deleted) {
      continue;
    }
    if (inserted_.count(owner)) {
      for (std::size_t i = 0; i < attr->raw_size(); ++i) {
        const Link link = link_of(rel, side, owner, attr->raw_at(i));
        inserts.add(link);
        held_by_new.insert(link);
      }
    }
    // A new object's removals only cancel an add seen through the other side.
    if (!inserted_.count(owner)) {
      for (InstanceState* item : attr->added()) inserts.add(link_of(rel, side, owner, item));
    }
    for (InstanceState* item : attr->removed()) deletes.add(link_of(rel, side, owner, item));
  }
  // A link removed and added again (through either side) stays as it is.
  for (const Link& link : deletes.order()) {
    if (held_by_new.count(link)) {
      deletes.erase(link);
    } else if (inserts.contains(link)) {
      inserts.erase(link);
      deletes.erase(link);
    }
  }
  const auto gone = delete_links_of_deleted_rows(rel);
  delete_links(rel, deletes, gone);
  insert_links(rel, inserts);
}

std::unordered_set<const InstanceState*> UnitOfWork::delete_links_of_deleted_rows(
    const RelationshipProperty& rel) {
  // One DELETE per deleted object and side that owns the relationship; returns the
  // objects whose links went.
  std::unordered_set<const InstanceState*> gone;
  const RelationshipProperty* back = rel.back_populates();
  for (InstanceState* d : deletes_) {
    for (const RelationshipProperty* side : {&rel, back}) {
      if (!side || d->mapper() != &side->parent() || !links_go_with_row(*side, *d)) continue;
      sql::Delete del = sql::delete_from(*rel.secondary());
      match_side(del.where, side->parent_secondary(), d->committed());
      conn().execute(del);
      gone.insert(d);
    }
  }
  return gone;
}

void UnitOfWork::delete_links(const RelationshipProperty& rel, const LinkList& links,
                              const std::unordered_set<const InstanceState*>& gone) {
  for (const Link& link : links.order()) {
    const auto& [parent, target] = link;
    if (!links.contains(link)) continue;
    if (gone.count(parent) || gone.count(target)) {
      journal_link(rel, link, true);  // the row went with an end's
      continue;
    }
    // An end that had no row before this flush (new, or never in the Session) has no
    // link row to delete; an end outside the Session is not this flush's to change
    // (SQLAlchemy skips it too); a deleted end took its links with it.
    const auto unchanged = [this](InstanceState* end) {
      return end->committed().empty() || inserted_.count(end) || end->session() != &s_ ||
             end->status() == ObjectStatus::deleted;
    };
    if (unchanged(parent) || unchanged(target)) continue;
    sql::Delete del = sql::delete_from(*rel.secondary());
    match_side(del.where, rel.parent_secondary(), parent->committed());
    match_side(del.where, rel.target_secondary(), target->committed());
    conn().execute(del);
    expect_rows(1, "DELETE", *rel.secondary());
    journal_link(rel, link, true);
  }
}

void UnitOfWork::journal_link(const RelationshipProperty& rel, const Link& link, bool existed) {
  const auto& [parent, target] = link;
  if (parent->committed().empty() || target->committed().empty()) return;
  // A parent whose row this transaction (or savepoint) inserted goes back to pending
  // or transient when it is undone, and writes every link it holds when it is flushed
  // again: its rows need no record.
  const auto saved = s_.log_.journal.find(parent);
  if (saved != s_.log_.journal.end() && saved->second.status == ObjectStatus::pending) return;
  s_.log_.written_links.record(rel, parent, s_.key_of(*parent), target, s_.key_of(*target),
                               existed);
}

void UnitOfWork::insert_links(const RelationshipProperty& rel, const LinkList& links) {
  if (links.order().empty()) return;
  // New links share multi-row INSERTs.
  sql::Insert ins = sql::insert(*rel.secondary());
  for (const auto& pair : rel.parent_secondary()) ins.columns.push_back(pair.column);
  for (const auto& pair : rel.target_secondary()) ins.columns.push_back(pair.column);
  const std::size_t most = rows_per_insert(ins.columns.size());
  std::vector<Link> batch;  // the links of ins.rows
  auto write = [&] {
    if (ins.rows.empty()) return;
    conn().execute(ins);
    expect_rows(static_cast<std::int64_t>(ins.rows.size()), "INSERT", *rel.secondary());
    for (const Link& link : batch) journal_link(rel, link, false);
    ins.rows.clear();
    batch.clear();
  };
  for (const Link& link : links.order()) {
    const auto& [parent, target] = link;
    if (!links.contains(link)) continue;
    if (deleting(parent) || deleting(target)) {
      journal_link(rel, link, false);  // an end's row goes: no row to write
      continue;
    }
    check_target(rel, *parent, *target);
    if (const RelationshipProperty* back = rel.back_populates()) {
      check_target(*back, *target, *parent);
    } else {
      check_target(rel, *target, *parent);
    }
    batch.push_back(link);
    std::vector<Value>& row = ins.rows.emplace_back();
    for (const auto& pair : rel.parent_secondary()) row.push_back(parent->committed()[pair.key]);
    for (const auto& pair : rel.target_secondary()) row.push_back(target->committed()[pair.key]);
    if (ins.rows.size() == most) write();
  }
  write();
}

}  // namespace relate
