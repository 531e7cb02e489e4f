// The association rows a transaction's flushes wrote, kept until the transaction
// ends. A flush clears the relationship history it wrote, so once the transaction is
// undone (rollback, close, a failed flush) only this journal still knows which link
// rows are back to how they were before it: the collections that survive the undo
// (objects expunged or detached by close()) are then told what the next flush must
// write for those rows to show what the collections hold.
#pragma once

#include <map>
#include <tuple>

namespace relate {

class InstanceState;
class RelationshipProperty;
class SessionImpl;

class LinkJournal {
 public:
  // One association row of `rel` (the relationship that writes it), between `parent`
  // and `target` as seen from `rel`, inserted or deleted by a statement that
  // succeeded.
  void inserted(const RelationshipProperty& rel, InstanceState* parent, InstanceState* target) {
    net_[{&rel, parent, target}] += 1;
  }
  void deleted(const RelationshipProperty& rel, InstanceState* parent, InstanceState* target) {
    net_[{&rel, parent, target}] -= 1;
  }
  // The transaction is undone: every row it changed is as it was before it. The loaded
  // collections of both ends (unless another Session holds them now) get a history
  // for the link that makes the next flush write the row as they show it, in place of
  // what they recorded since the last flush (which assumed that flush's rows).
  void undo(const SessionImpl& session);
  void clear() { net_.clear(); }

 private:
  // Rows inserted minus rows deleted, per link: +1, the row was not there before the
  // transaction; -1, it was; 0, it is as before.
  std::map<std::tuple<const RelationshipProperty*, InstanceState*, InstanceState*>, int> net_;
};

}  // namespace relate
