// The association rows a transaction's flushes wrote, kept until the transaction
// ends. A flush clears the relationship history it wrote (or left unwritten because
// an end's row went), so once the transaction is undone (rollback, close, a failed
// flush) only this journal still knows which link rows are back to how they were
// before it: the collections that survive the undo (objects expunged, or detached by
// close()) are then told what the next flush must write for those rows to show what
// the collections hold.
#pragma once

#include <unordered_map>
#include <vector>

#include "identity_key.hpp"

namespace relate {

class InstanceState;
class RelationshipProperty;
class SessionImpl;

class LinkJournal {
 public:
  // A flush dealt with the association row of `rel` (the relationship that writes it)
  // between `parent` and `target` as seen from `rel`: inserted it, deleted it, or left
  // it as it was because an end's row was deleted. `existed`: the row was there before
  // that flush. Only the first record of a row counts: it says how the row was before
  // the transaction. Ends without a row (new objects) are not recorded: a new object
  // writes every link it holds.
  void record(const RelationshipProperty& rel, InstanceState* parent, IdentityKey parent_key,
              InstanceState* target, IdentityKey target_key, bool existed);
  // The transaction is undone: every row it changed is as it was before it. The loaded
  // collections of the ends (the objects that wrote, and the object the Session holds
  // for each end's row now, unless another Session holds them) get a history for the
  // link that makes the next flush write the row as they show it, in place of what
  // they recorded since the last flush (which assumed that flush's rows).
  void undo(const SessionImpl& session);
  // A savepoint's journal joins its transaction's (this one) when the savepoint is
  // released: a row recorded here first keeps how it was, later rows follow.
  void absorb(LinkJournal&& later);
  void clear() {
    rows_.clear();
    index_.clear();
  }

 private:
  struct Row {
    const RelationshipProperty* rel;
    IdentityKey parent_key, target_key;
    bool existed_before;
    // The objects that stood for the ends when the row was written.
    std::vector<InstanceState*> parents, targets;
  };
  struct RowKey {
    const RelationshipProperty* rel;
    IdentityKey parent, target;
    friend bool operator==(const RowKey&, const RowKey&) = default;
  };
  struct RowKeyHash {
    std::size_t operator()(const RowKey& k) const noexcept;
  };
  std::vector<Row> rows_;  // in the order first written, which undo() keeps
  std::unordered_map<RowKey, std::size_t, RowKeyHash> index_;
};

}  // namespace relate
