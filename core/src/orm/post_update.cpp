// post_update (SQLAlchemy's name): rows that refer to each other cannot both be
// inserted with their keys, nor deleted while they still refer to each other. Such a
// foreign key is left out of the INSERT and written by a second UPDATE once both rows
// exist, and nulled by an UPDATE before rows that both go are deleted.
#include <algorithm>
#include <relate/schema.hpp>

#include "metadata_impl.hpp"
#include "unit_of_work.hpp"

namespace relate {

namespace {

bool has_post_update(const Mapper& m) {
  for (const RelationshipProperty* rel : m.dependent_relationships()) {
    if (rel->post_update()) return true;
  }
  for (const RelationshipProperty* rel : m.written_relationships()) {
    if (rel->post_update()) return true;
  }
  return false;
}

}  // namespace

void UnitOfWork::post_updates() {
  std::vector<InstanceState*> states;
  for (InstanceState* s : s_.identity_) {
    if (s->status() == ObjectStatus::persistent && !deleting(s) && has_post_update(*s->mapper())) {
      states.push_back(s);
    }
  }
  std::sort(states.begin(), states.end(), [](InstanceState* a, InstanceState* b) {
    return InstanceAccess::sequence(*a) < InstanceAccess::sequence(*b);
  });
  for (InstanceState* s : states) {
    const RowWrite write = inserted_.count(s) ? RowWrite::insert : RowWrite::update;
    sync_many_to_one(*s, write, SyncPhase::post_update);
    sync_one_to_many(*s, write, SyncPhase::post_update);
  }
  for (InstanceState* s : states) update(*s, false);
}

void UnitOfWork::unlink_post_update_cycles() {
  // A row about to be deleted that refers, through a post_update foreign key, to
  // another row about to be deleted: null the reference first, so that neither
  // DELETE violates the other's foreign key. In memory the deleted objects keep their
  // members.
  std::vector<std::pair<InstanceState*, std::vector<Value>>> nulled;
  for (InstanceState* d : deletes_) {
    if (switching(d)) continue;  // its row stays, taken over by a new object
    const Mapper& m = *d->mapper();
    for (const RelationshipProperty* rel : m.dependent_relationships()) {
      if (!rel->post_update() || &rel->foreign_mapper() != &m) continue;
      std::vector<Value> key;
      for (std::size_t pk : rel->referenced_mapper().primary_key()) {
        for (const auto& pair : rel->column_pairs()) {
          if (pair.referenced == pk) key.push_back(d->committed()[pair.foreign]);
        }
      }
      InstanceState* target = s_.lookup(rel->referenced_mapper(), key);
      if (!target || !deleting(target)) continue;
      std::vector<std::size_t> columns;
      for (const auto& pair : rel->column_pairs()) columns.push_back(pair.foreign);
      const bool first = std::none_of(nulled.begin(), nulled.end(),
                                      [d](const auto& n) { return n.first == d; });
      if (first) nulled.emplace_back(d, m.values(d->object()));
      set_columns(*d, columns, std::vector<Value>(columns.size()));
    }
  }
  for (auto& [d, members] : nulled) {
    update(*d, false);
    const Mapper& m = *d->mapper();
    for (std::size_t i = 0; i < members.size(); ++i) m.set(d->object(), i, std::move(members[i]));
  }
}

}  // namespace relate
