// Where the transaction's flushes took deleted objects out of the relationships of the
// objects that remain (docs/sqlalchemy.md, "Deleted objects leave loaded collections
// at flush"), kept until the transaction ends. Undoing the transaction (rollback,
// close, a failed flush) undoes the deletions, so the objects go back where they
// were: an object that keeps its loaded relationships past the undo (detached by
// close(), expunged, or still the Session's after a failed flush) shows them as it did
// before the flush, and its rows are there again. What such an object showed and no
// flush wrote (its row went first) is written by the next flush.
#pragma once

#include <cstddef>
#include <vector>

namespace relate {

class InstanceState;
class RelationshipAttribute;
class SessionImpl;

class LeftRelationships {
 public:
  // Takes `item` (whose row a flush deleted) out of `attr`, a loaded relationship of
  // an object that remains, and records where it was.
  void take_out(RelationshipAttribute& attr, InstanceState* item);
  // The transaction is undone (after the objects' states are restored): each item
  // whose deletion is undone goes back to its place, unless the relationship holds
  // it already, is not loaded, or either end is another Session's now; a reference
  // goes back only if nothing took its place and the foreign key still says so. Most
  // recent first, so places are as they were. A link put back whose foreign key does
  // not say so (made before the deleting flush, never written), and a reference of an
  // `undeleted` object (one whose deletion the undo reverted) whose key does not say
  // so, get the history that makes the next flush write them.
  void put_back(const SessionImpl& session, const std::vector<InstanceState*>& undeleted);
  // A savepoint's record joins its transaction's (this one) when it is released.
  void absorb(LeftRelationships&& later) {
    left_.insert(left_.end(), later.left_.begin(), later.left_.end());
    later.left_.clear();
  }
  void clear() { left_.clear(); }

 private:
  struct Left {
    RelationshipAttribute* attr;
    InstanceState* item;
    std::size_t index;
  };
  std::vector<Left> left_;
};

}  // namespace relate
