"""Differences the fuzzer found and reported (findings.md has each with its reproduction)
that are neither fixed in Relate nor documented as deliberate yet.

They are never hidden by default. `run.py --mask ID,...` (or `--mask all`) hides the
named ones, only to look for other differences behind them while they wait for a
decision; each mask ignores exactly the observation its finding explains. Once a
finding is fixed its mask goes; once it is documented as deliberate it moves to
known_differences.py.
"""

from dataclasses import dataclass, field
from typing import Callable, Optional

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value


@dataclass(frozen=True)
class Finding:
    id: str
    summary: str
    # (where, Relate's value, SQLAlchemy's value, Relate's observation,
    #  SQLAlchemy's observation) -> True when the difference is this finding's
    mask: Optional[Callable] = None
    # Where the two sides would diverge for good: (verb, differences, Relate's
    # observation, SQLAlchemy's) -> True when this finding explains the step's
    # differences; the sequence is then abandoned.
    abandon: Optional[Callable] = None
    # Where the difference would make the two sides diverge, the SQLAlchemy runner is
    # driven as Relate behaves instead: operation verb -> around(runner, arguments, run),
    # which calls run() and returns its result.
    sqlalchemy_around: dict = field(default_factory=dict)

    def masks(self, *difference):
        return self.mask is not None and self.mask(*difference)


def _handle(where):
    return int(where[1:].split(".", 1)[0]) if where.startswith("#") else None


def _remove_marks_deleted(where, relate, sqlalchemy, _a, b):
    return (where.endswith(".state") and relate == "deleted" and sqlalchemy == "persistent"
            and _handle(where) in b.get("marked", ()))


def _failed_flush_earlier_inserts(where, relate, sqlalchemy, _a, b):
    lost = b.get("lost_row", ())
    if where.endswith(".state"):
        return (relate == "pending" and sqlalchemy in ("persistent", "deleted") and
                _handle(where) in lost)
    # Keys: Relate names them as a pending object's, SQLAlchemy by the number its lost
    # identity had.
    return (where.startswith("#") and isinstance(relate, str) and
            relate.startswith("(key of #") and
            (_handle(where) in lost or int(relate[len("(key of #"):-1]) in lost))


def _expunge_not_in_session(where, relate, sqlalchemy, _a, _b):
    return (where == "result" and relate is None and isinstance(sqlalchemy, dict)
            and sqlalchemy.get("err") == "InvalidRequestError"
            and "is not present in this Session" in sqlalchemy.get("msg", ""))


def _initialise_relationships(runner, args, run):
    # A new object's relationships are loaded (empty) in Relate from the start.
    # (Reading an untouched relationship of a new SQLAlchemy object returns an empty
    # value without keeping it: it must be set as loaded.)
    try:
        return run()
    finally:  # also when the add() fails: the object exists
        obj = runner.objects.get(int(args[0]))
        if obj is not None:
            state = inspect(obj)
            for rel in state.mapper.relationships:
                if rel.key not in state.dict:
                    set_committed_value(obj, rel.key, [] if rel.uselist else None)


def _state_change(found, relate_states, sqlalchemy_states):
    return any(where.endswith(".state") and relate in relate_states and
               sqlalchemy in sqlalchemy_states for where, relate, sqlalchemy in found)


def _error(found, fragment, side=2):
    return any(where == "result" and isinstance(d[side], dict) and
               fragment in d[side].get("msg", "") for d in found for where in [d[0]])


def _no_duplicate_append(runner, args, run):
    # Relate's many<T>::push_back ignores an object the collection already holds.
    obj, target = runner.objects.get(int(args[0])), runner.objects.get(int(args[2]))
    if obj is not None and target is not None and runner._uselist(obj, args[1]) \
            and target in getattr(obj, args[1]):
        return None
    return run()


def _one_to_one_old_child(where, relate, sqlalchemy, _a, b):
    # #C.owner: Relate None, SQLAlchemy #P, and #P's one-to-one (Owner.badge, the
    # models' only one) does not hold #C: SQLAlchemy's reference is stale.
    if not where.startswith("#") or not where.endswith(".owner") or relate is not None:
        return False
    if not isinstance(sqlalchemy, str) or not sqlalchemy.startswith("#"):
        return False
    parent = b["objects"].get(sqlalchemy[1:])
    return (parent is not None and "badge" in parent["relationships"] and
            parent["relationships"]["badge"] != where.split(".")[0])


def _duplicates_only(where, relate, sqlalchemy, _a, _b):
    if isinstance(relate, dict) and isinstance(sqlalchemy, dict):
        relate, sqlalchemy = relate.get("read"), sqlalchemy.get("read")
    return (isinstance(relate, list) and isinstance(sqlalchemy, list) and
            len(set(relate)) == len(relate) and set(relate) == set(sqlalchemy))


def _own_key_lost(found):
    # #H.<key column>: Relate names the object's own identity, SQLAlchemy a raw key
    # (its object lost its identity).
    return any(w.startswith("#") and isinstance(r, str) and r == w.split(".")[0] and
               q is not None and q != r for w, r, q in found)


def _fk_not_synced_into_deleted(where, relate, sqlalchemy, _a, b):
    if not where.startswith("#") or "." not in where:
        return False
    h, column = where[1:].split(".", 1)
    obj = b["objects"].get(h)
    named = [v for v in (relate, sqlalchemy) if isinstance(v, str) and v.startswith("#")]
    return (obj is not None and obj["state"] in ("deleted", "detached") and
            column.endswith("_id") and None in (relate, sqlalchemy) and len(named) == 1)


def _read_old_one_to_one_child(where, relate, sqlalchemy, _a, b):
    # read C owner: Relate None, SQLAlchemy #P, an owner (a one-to-one parent).
    if where != "result" or relate != {"read": None} or not isinstance(sqlalchemy, dict):
        return False
    p = sqlalchemy.get("read")
    parent = b["objects"].get(p[1:]) if isinstance(p, str) and p.startswith("#") else None
    return parent is not None and "badge" in parent["relationships"]


def _load_skips_moved_child(where, relate, sqlalchemy, _a, b):
    # #H.REL: SQLAlchemy's list has extra children whose reference points elsewhere.
    if not (where.startswith("#") and isinstance(relate, list) and
            isinstance(sqlalchemy, list)):
        return False
    holder = where.split(".")[0]
    extra = set(sqlalchemy) - set(relate)
    if not extra or not set(relate) <= set(sqlalchemy):
        return False
    for x in extra:
        child = b["objects"].get(x[1:]) if x.startswith("#") else None
        if child is None or holder in [v for v in child["relationships"].values()
                                       if isinstance(v, str)]:
            return False
    return True


def _outside_foreign_key(where, relate, sqlalchemy, a, b):
    # A foreign key member of an object outside the Session (either side's view).
    if not where.startswith("#") or not where.endswith("_id"):
        return False
    h = where[1:].split(".")[0]
    return None in (relate, sqlalchemy) and all(
        o["objects"].get(h, {}).get("state") in ("transient", "detached", "pending")
        for o in (a, b))


def _session_needed(found, verbs, verb):
    errors = ("PendingRollbackError", "DetachedInstanceError")
    return verb in verbs and any(
        w == "result" and ((isinstance(r, dict) and r.get("err") in errors and
                            not (isinstance(q, dict) and "err" in q)) or
                           (isinstance(q, dict) and q.get("err") in errors and
                            not (isinstance(r, dict) and "err" in r)))
        for w, r, q in found)


def _deleted_detached_read(where, relate, sqlalchemy, _a, _b):
    return (where == "result" and isinstance(relate, dict) and
            relate.get("err") == "DetachedInstanceError" and
            (sqlalchemy in ("absent", "removed") or
             (isinstance(sqlalchemy, dict) and "read" in sqlalchemy)))


FINDINGS = [
    Finding("remove-state",
            "session.remove(obj) makes obj `deleted` at once; SQLAlchemy keeps it "
            "`persistent` (listed in session.deleted) until a flush deletes its row.",
            _remove_marks_deleted),
    Finding("failed-flush-earlier-inserts",
            "After a failed flush, an object that an earlier flush of the same (now rolled "
            "back) transaction inserted reads `pending` (also when a flush deleted it since); "
            "docs/session.md says every object is as it was before the failed flush (it was "
            "`persistent`, or `deleted`). SQLAlchemy makes it "
            "transient. Relate's answer may well be the right one: a documentation gap. "
            "(Linking such an object then cascades as for a pending one.)",
            _failed_flush_earlier_inserts,
            abandon=lambda verb, found, a, b: bool(b.get("lost_row")) and _state_change(
                found, {"pending", "persistent"}, {"transient", "detached"})),
    Finding("expunge-not-in-session",
            "session.expunge(obj) of an object that is not in the Session does nothing; "
            "SQLAlchemy raises InvalidRequestError ('is not present in this Session').",
            _expunge_not_in_session),
    Finding("new-relationships-loaded",
            "A new object's relationships count as loaded (empty) from the start and stay "
            "so after the flush; in SQLAlchemy an untouched relationship of a new object is "
            "unloaded after the flush: reading it loads it, or raises "
            "DetachedInstanceError once the object is detached.",
            sqlalchemy_around={"new": _initialise_relationships}),
    Finding("no-backref-cascade",
            "Linking an object outside the Session (transient or detached) to an object in "
            "it, from the outside object's side (outside.collection.append(inside), "
            "outside.reference = inside), leaves it outside; SQLAlchemy 1.4 brings it in "
            "through the save-update cascade of the back reference (cascade_backrefs; 2.0 "
            "no longer does). The flush then skips it, yet Relate may copy a foreign key "
            "into it. (Masked by giving up the sequence: an emulation leaves SQLAlchemy with "
            "objects outside the Session in its collections, which it handles differently "
            "again.)",
            abandon=lambda verb, found, *_: verb in ("link", "new") and _state_change(
                found, {"transient", "detached"}, {"pending", "persistent"})),
    Finding("add-again-no-cascade",
            "session.add(obj) of an object already in the Session does not cascade again: "
            "a related object that left the Session meanwhile (expunged, or made transient "
            "by a rollback) stays out; SQLAlchemy cascades save-update on every add().",
            abandon=lambda verb, found, *_: verb == "add" and _state_change(
                found, {"transient", "detached"}, {"pending", "persistent"})),
    Finding("pending-orphan-stays-pending",
            "A pending object taken out of a delete-orphan relationship stays pending (and "
            "is inserted at the flush); SQLAlchemy expunges it, making it transient.",
            abandon=lambda verb, found, *_: verb in ("link", "unlink", "clear", "new") and
            _state_change(found, {"pending"}, {"transient"})),
    Finding("cycle-without-post-update",
            "Rows that refer to each other through a relationship without post_update (a "
            "node made its own parent, or two nodes each other's) are written: Relate "
            "breaks the cycle itself; SQLAlchemy raises CircularDependencyError.",
            abandon=lambda verb, found, *_: _error(found, "Circular dependency")),
    Finding("deleted-object-added-back",
            "Issue 14, items 4 and 5: an object deleted by a flush (committed or not) can "
            "be given to session.add() or linked to another object (a new child to a "
            "deleted parent, a deleted child to a parent); SQLAlchemy raises "
            "InvalidRequestError ('has been deleted') at once. Relate goes on: a committed "
            "one becomes persistent with no row, a new child is inserted with the deleted "
            "parent's key.",
            abandon=lambda verb, found, a, b: _error(found, "has been deleted") or (
                isinstance(b.get("result"), dict) and
                "has been deleted" in b["result"].get("msg", ""))),
    Finding("delete-detached",
            "session.remove(obj) of a detached object raises InvalidRequestError ('not "
            "persisted in this Session'); SQLAlchemy attaches it and marks it deleted.",
            abandon=lambda verb, found, *_: verb == "delete" and _error(found, "not persisted", 1)),
    Finding("deleted-detached-unloaded-read",
            "Reading an unloaded relationship of a deleted and committed (detached) object "
            "raises DetachedInstanceError; SQLAlchemy reads None (or nothing) for it, or "
            "the parent its delete cascade loaded (it fills in the reverse side).",
            _deleted_detached_read,
            abandon=lambda verb, found, *_: verb in ("link", "clear") and any(
                w == "result" and isinstance(r, dict) and r.get("err") == "DetachedInstanceError"
                and q is None for w, r, q in found)),
    Finding("one-to-one-replace-keeps-old-child",
            "Giving a one-to-one parent a new child from the child's side "
            "(new_badge.owner = owner) clears old_badge.owner at once; SQLAlchemy leaves "
            "old_badge.owner pointing at the owner (so its flush keeps old_badge.owner_id, "
            "and a unique foreign key fails). Like the documented 'one-to-one is strict', "
            "but not in docs/sqlalchemy.md.",
            lambda *d: _one_to_one_old_child(*d) or _read_old_one_to_one_child(*d),
            abandon=lambda verb, found, *_: (verb in ("link", "new") and all(
                w.endswith((".owner", ".badge")) for w, r, q in found)) or (
                verb == "unlink" and any(w == "result" and (r, q) == ("absent", "removed")
                                         for w, r, q in found))),
    Finding("orphan-from-many-to-one-side",
            "Issue 14, item 1: a child of a delete-orphan relationship detached from its "
            "parent from the child's side (child.owner = None) is not deleted: Relate "
            "writes NULL into its foreign key (and fails on a NOT NULL one); SQLAlchemy "
            "deletes the orphan.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and (
                _state_change(found, {"persistent"}, {"detached", "deleted"}) or any(
                    w == "result" and isinstance(r, dict) and "NOT NULL" in r.get("msg", "")
                    and q is None for w, r, q in found))),
    Finding("link-to-marked-deleted",
            "An object marked for deletion and linked to an object of the Session before "
            "the flush (before or after the remove()) is deleted by the flush, and the link "
            "dropped silently (Relate writes NULL, or takes it out of the collection). "
            "SQLAlchemy cancels the deletion of an object its flush adds to a collection or "
            "reference (the save-update cascade, cancel_delete), or its flush fails on the "
            "foreign key (a post_update reference from a new object).",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                (w == "result" and r is None and isinstance(q, dict) and
                 "FOREIGN KEY" in q.get("msg", "")) or
                (w.startswith("#") and r is None and isinstance(q, str) and q.startswith("#"))
                or (w.startswith("#") and isinstance(r, list) and isinstance(q, list) and
                    set(r) < set(q))
                or (w == "result" and isinstance(r, dict) and
                    "FOREIGN KEY" in r.get("msg", "") and q is None)
                for w, r, q in found)),
    Finding("one-sided-many-to-many-delete-order",
            "Issue 14, item 2: with a many-to-many declared on one side only "
            "(Owner.labels), unlinking a label and deleting it in one flush sends the "
            "DELETE of the label before the DELETE of the association row: the flush fails "
            "on the foreign key. SQLAlchemy deletes the association row first.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w == "result" and isinstance(r, dict) and "FOREIGN KEY" in r.get("msg", "")
                and q is None for w, r, q in found)),
    Finding("second-delete-hits-new-row",
            "Issue 14, item 3: clearing the collection of a parent that an earlier flush of "
            "the same transaction deleted deletes its (already deleted) children again, by "
            "key; SQLite has meanwhile given that key to a new row, which is deleted.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w.startswith("rows ") and set(r) < set(q) for w, r, q in found)),
    Finding("deletes-before-inserts",
            "Relate's flush deletes rows before it inserts new ones; SQLAlchemy inserts "
            "first. On SQLite a new row can then take the key of a row deleted by the same "
            "flush, so the deleted object's key now finds the new object (the ground of "
            "issue 14, item 3).",
            abandon=lambda verb, found, *_: (verb == "get" and any(
                w == "result" and isinstance(r, str) and r.startswith("#") and q == "none"
                for w, r, q in found)) or any(
                w.startswith("rows ") and len(r) == len(q) and
                sorted(x[1:] for x in r) == sorted(x[1:] for x in q) for w, r, q in found)),
    Finding("close-after-failed-flush-persistent",
            "close() after a failed flush leaves an object that was marked for deletion "
            "`persistent`, in a closed Session; it should be detached (or transient: its "
            "row was rolled back), as every other object.",
            abandon=lambda verb, found, *_: verb == "close" and _state_change(
                found, {"persistent"}, {"transient", "detached"})),
    Finding("foreign-key-from-object-outside-session",
            "A new child whose parent was expunged (or is otherwise outside the Session) "
            "is inserted with the parent's key copied into its foreign key; SQLAlchemy "
            "1.4 skips the sync for a parent outside the Session (with a warning), so a "
            "NOT NULL foreign key fails.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                (w == "result" and r is None and isinstance(q, dict) and
                 "NOT NULL" in q.get("msg", "")) or
                (w.endswith("_id") and isinstance(r, str) and r.startswith("#") and q is None
                 and not _error(found, "Circular dependency"))
                for w, r, q in found)),
    Finding("rollback-restores-deleted-new-object",
            "An object inserted and then marked for deletion in the same transaction comes "
            "back `persistent` after rollback(), though its row was rolled back; it should "
            "be transient, as every other object the transaction inserted.",
            abandon=lambda verb, found, *_: verb == "rollback" and _state_change(
                found, {"persistent"}, {"transient"})),
    Finding("rollback-expunged-new-object",
            "An object inserted by a flush and then expunged stays `detached`, with the key "
            "of its rolled-back row, after rollback(); SQLAlchemy makes it transient (and "
            "Relate does so for the objects still in the Session).",
            abandon=lambda verb, found, *_: (verb == "rollback" and _state_change(
                found, {"detached"}, {"transient"})) or (
                verb in ("flush", "commit", "rollback", "close") and _own_key_lost(found))),
    Finding("cascade-delete-pending-child",
            "Deleting a parent whose delete cascade reaches a pending child takes the child "
            "out of the Session (transient), as remove() does for a pending object (which "
            "is documented); SQLAlchemy inserts and deletes it in the flush (deleted, then "
            "detached).",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and _state_change(
                found, {"transient"}, {"deleted", "detached"})),
    Finding("failed-flush-keeps-cascade-expunge",
            "A failed flush does not put back a pending child that the flush's delete "
            "cascade took out of the Session (cascade-delete-pending-child): it stays "
            "transient, where docs/session.md says every object is as it was before the "
            "flush (pending).",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and _state_change(
                found, {"transient"}, {"pending"})),
    Finding("foreign-key-not-synced-into-deleted",
            "A deleted object's foreign key member is not updated by the flush that deletes "
            "it (it keeps its old value or None); SQLAlchemy copies the parent's key into it "
            "first (an in-memory difference on an object that is gone).",
            _fk_not_synced_into_deleted),
    Finding("sqlalchemy-rollback-fails",
            "Not Relate's: SQLAlchemy 1.4's rollback() raises InvalidRequestError ('is not "
            "persisted') for an object inserted and deleted in the same transaction and "
            "then given to session.delete() again; Relate's rollback works.",
            abandon=lambda verb, found, *_: verb == "rollback" and _error(found, "not persisted")),
    Finding("load-skips-moved-child",
            "Loading a collection leaves out a child whose unflushed reference points to "
            "another parent (the rows still say otherwise); SQLAlchemy loads what the rows "
            "say (no autoflush on either side).",
            _load_skips_moved_child),
    Finding("identity-conflict-on-attach",
            "Linking a detached object whose row already has another object in the Session "
            "(the save-update cascade attaches it): when the detached object is the one "
            "linked, Relate raises InvalidRequestError as SQLAlchemy does, but after making "
            "the link (both sides of it stay changed; SQLAlchemy changes nothing); when it "
            "is the holder of the relationship, Relate accepts it silently and the identity "
            "map's entry changes hands, where SQLAlchemy raises.",
            abandon=lambda verb, found, a, b: _error(found, "is already present in this session")
            or (isinstance(b.get("result"), dict) and
                "is already present in this session" in b["result"].get("msg", ""))),
    Finding("crash-association-of-object-outside-session",
            "Relate crashes (SIGSEGV, a null RowSnapshot read in match_side, "
            "association_rows.cpp:45) when a flush writes the association rows of a "
            "many-to-many collection that holds an object outside the Session (one linked "
            "from outside, see no-backref-cascade) after it is removed from the collection.",
            abandon=lambda verb, found, *_: any(w == "crash" for w, r, q in found)),
    Finding("foreign-key-of-object-outside-session",
            "The foreign key member of an object outside the Session (expunged, or never "
            "added) after a flush of its former or new parent: Relate leaves it, SQLAlchemy "
            "1.4 copies the parent's key into it (in memory only).",
            _outside_foreign_key,
            abandon=lambda verb, found, *_: verb == "add" and any(
                w.startswith("#") and w.endswith("_id") for w, r, q in found)),
    Finding("eager-load-ignores-queued-append",
            "An object outside the Session appended to an unloaded collection (through the "
            "back reference) appears in the collection when it loads, also after a flush; "
            "SQLAlchemy's eager loads of an object already in the Session leave the queued "
            "append out.",
            abandon=lambda verb, found, *_: verb == "get" and any(
                w.startswith("#") and isinstance(r, list) and isinstance(q, list) and
                set(r) > set(q) for w, r, q in found)),
    Finding("changing-unloaded-relationship-needs-session",
            "Changing an unloaded relationship (assigning a one<>, clearing or appending "
            "to a many<>) loads it first in Relate, so it needs the Session (PendingRollback"
            "Error after a failed flush, DetachedInstanceError when detached); SQLAlchemy "
            "changes it without loading where it can, and the reverse where Relate's "
            "collection was loaded during the failed flush and SQLAlchemy's was expired.",
            abandon=lambda verb, found, *_: _session_needed(
                found, ("link", "unlink", "clear", "read"), verb)),
    Finding("unloaded-collection-keeps-moved-child",
            "A child moved twice while its first new parent's collection is unloaded "
            "(note.owner = a; note.owner = b, a.notes not loaded) still shows in a.notes "
            "when it loads: the queued append is not cancelled by the second move. "
            "SQLAlchemy's shows the rows (and b alone has the note).",
            abandon=lambda verb, found, *_: verb in ("read", "unlink", "link", "clear") and any(
                (w.startswith("#") or w == "result") and
                isinstance(r, (list, dict)) and isinstance(q, (list, dict)) and
                set(r.get("read") or [] if isinstance(r, dict) else r) >
                set(q.get("read") or [] if isinstance(q, dict) else q)
                for w, r, q in found)),
    Finding("delete-cascade-skips-detached-child",
            "Deleting a parent whose delete cascade reaches a loaded child that was expunged "
            "leaves the child detached; SQLAlchemy's cascade attaches it again and marks it "
            "for deletion.",
            abandon=lambda verb, found, *_: verb == "delete" and _state_change(
                found, {"detached"}, {"persistent", "deleted"})),
    Finding("sqlalchemy-orphan-not-persisted",
            "Not Relate's: SQLAlchemy's flush raises InvalidRequestError ('is not "
            "persisted') for a delete-orphan child removed from its parent after it was "
            "made transient and added again; Relate inserts it (and fails on its NOT NULL "
            "foreign key).",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and
            _error(found, "is not persisted")),
    Finding("sqlalchemy-backref-valueerror",
            "Not Relate's: SQLAlchemy 1.4 raises ValueError ('list.remove(x): x not in "
            "list') from a back reference's bookkeeping after a rollback expired one side "
            "of a pair (seen in delete() and in unlinking); Relate carries on.",
            abandon=lambda verb, found, *_: any(
                w == "result" and isinstance(q, dict) and q.get("err") == "python:ValueError"
                for w, r, q in found)),
    Finding("association-row-written",
            "An association row Relate writes and SQLAlchemy does not. (a) A many-to-many "
            "link made from one side and removed from the other before the flush "
            "(item.tags.append(tag); tag.items.remove(item)) is inserted anyway; "
            "docs/sqlalchemy.md says a link removed before the flush writes nothing. (b) "
            "Objects made transient by rollback() keep their links; added again, Relate "
            "writes their association rows again, where SQLAlchemy took them as flushed "
            "and leaves its rows short of its objects (SQLAlchemy's quirk).",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w in ("rows item_tags", "rows owner_labels") and set(r) > set(q)
                for w, r, q in found)),
    Finding("changes-survive-close-and-rollback",
            "A change flushed and then undone by close() (or a link flushed and undone by "
            "rollback() on an object the rollback made transient) is written again when "
            "the object joins a Session again: Relate's members still hold it and its "
            "snapshot is the database's. SQLAlchemy took it as flushed, writes nothing, "
            "and its rows no longer match its objects (SQLAlchemy's quirk; Relate's rows "
            "match its objects).",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w.startswith("rows ") and w not in ("rows item_tags", "rows owner_labels")
                and len(r) == len(q) and sorted(x[0] for x in r) == sorted(x[0] for x in q)
                for w, r, q in found)),
    Finding("close-after-flush",
            "close() after a flush whose transaction was not committed makes the objects "
            "that flush inserted transient (their rows were rolled back); SQLAlchemy makes "
            "them detached, with the identity of a row that does not exist.",
            abandon=lambda verb, found, *_: verb == "close" and _state_change(
                found, {"transient"}, {"detached"})),
    Finding("duplicate-append",
            "Appending an object a collection already holds does nothing (many<T>::push_back "
            "is set-like); SQLAlchemy's list appends it a second time (for a many-to-many, "
            "the flush then inserts the association row twice and fails).",
            _duplicates_only,
            sqlalchemy_around={"link": _no_duplicate_append}),
]

BY_ID = {f.id: f for f in FINDINGS}
