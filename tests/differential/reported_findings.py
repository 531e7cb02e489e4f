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


def _state_change(found, relate_states, sqlalchemy_states):
    return any(where.endswith(".state") and relate in relate_states and
               sqlalchemy in sqlalchemy_states for where, relate, sqlalchemy in found)


def _outside_key_written(where, relate, sqlalchemy, a, _b):
    # #H.<foreign key>: Relate holds a key, SQLAlchemy (emulated: never written) its
    # value from before, and #H is outside Relate's Session.
    if not where.startswith("#") or not where.endswith(("_id", "_building", "_number")):
        return False
    h = where[1:].split(".", 1)[0]
    return isinstance(relate, str) and relate.startswith("#") and \
        a["objects"].get(h, {}).get("state") in ("transient", "detached")


def _deleted_in_loaded_collection(where, relate, sqlalchemy, a, _b):
    # #H.REL or a read: Relate's loaded collection holds an object it deleted.
    if not where.startswith("#") and where != "result":
        return False
    if where == "result" and isinstance(relate, dict) and isinstance(sqlalchemy, dict):
        relate, sqlalchemy = relate.get("read"), sqlalchemy.get("read")
    if not isinstance(relate, list) or not isinstance(sqlalchemy, list):
        return False
    extra = set(relate) - set(sqlalchemy)
    return bool(extra) and set(sqlalchemy) <= set(relate) and all(
        a["objects"].get(x[1:], {}).get("state") in ("deleted", "detached")
        for x in extra if x.startswith("#"))


def _one_to_one_inconsistent(observation):
    """Relate's own objects break 'One-to-one is strict': an owner holds a badge whose
    (loaded) owner is another object."""
    objects = observation["objects"]
    for h, o in objects.items():
        badge = o["relationships"].get("badge")
        if isinstance(badge, str) and badge.startswith("#"):
            child = objects.get(badge[1:])
            back = child and child["relationships"].get("owner")
            if child is not None and back != "unloaded" and back != f"#{h}":
                return True
        owner = o["relationships"].get("owner")
        if o.get("model") == "Badge" and isinstance(owner, str) and owner.startswith("#"):
            parent = objects.get(owner[1:])
            held = parent and parent["relationships"].get("badge")
            if parent is not None and held not in ("unloaded", f"#{h}"):
                return True
    return False


FINDINGS = [
    Finding("delete-cascade-takes-pending-out-at-flush",
            "docs/sqlalchemy.md ('The delete cascade takes pending objects out') says "
            "remove() of a parent whose delete cascade reaches a pending child makes the "
            "child transient at once; Relate makes it transient only at the flush (it "
            "stays pending until then). `new 2 Owner 1 name=so2; flush; new 6 Part 1 "
            "label=sl6 +owner=2; delete 2` -- #6: Relate pending, the documented "
            "behaviour (emulated) transient.",
            abandon=lambda verb, found, *_: verb == "delete" and _state_change(
                found, {"pending"}, {"transient"})),
    Finding("outside-child-written-at-flush",
            "A flush copies a parent's key into the foreign key member of a child outside "
            "the Session that is still in the parent's loaded collection (a pending child "
            "taken out by remove()), where docs/sqlalchemy.md ('Objects outside the Session "
            "are never written') says a flush changes no member of an object outside the "
            "Session. `new 1 Owner 1 name=so1; new 5 Part 1 label=sl6 +owner=1; delete 5; "
            "flush` -- #5.owner_id: Relate #1's key, expected None.",
            abandon=lambda verb, found, a, b: verb in ("flush", "commit") and any(
                _outside_key_written(w, r, q, a, b) for w, r, q in found)),
    Finding("orphan-kept-when-replaced-from-child-side",
            "Under delete-orphan on a one-to-one (Owner.badge), giving the parent a new "
            "child from the child's side (new_badge.owner = owner) clears the old child's "
            "reference (documented) but the flush then writes NULL into the old child's "
            "foreign key and keeps it, where it deletes it when the new child is given from "
            "the parent's side (owner.badge = new_badge) and where a child taken out with "
            "old_badge.owner = None is deleted (issue 14 item 1). SQLAlchemy would delete "
            "the orphan (it fails first, inserting before deleting). `new 5 Owner 1 "
            "name=so5; new 2 Badge 1 code=sc2 +owner=5; flush; new 9 Badge 1 code=sc9 "
            "+owner=5; flush`. A pending old child stays pending, where SQLAlchemy "
            "expunges it as a pending orphan: `new 1 Owner 1 name=so1; new 2 Badge 1 "
            "code=sc2 +owner=1; new 5 Badge 0 code=sc5 +owner=1` -- #2: Relate pending, "
            "SQLAlchemy transient.",
            abandon=lambda verb, found, *_: (verb in ("flush", "commit") and any(
                w == "result" and r is None and isinstance(q, dict) and
                "UNIQUE constraint failed: badges.owner_id" in q.get("msg", "")
                for w, r, q in found)) or (verb in ("new", "link") and _state_change(
                    found, {"pending"}, {"transient"})) or (
                verb in ("flush", "commit") and _state_change(
                    found, {"persistent"}, {"deleted", "detached"}))),
    Finding("deleted-object-in-queued-append",
            "An append queued on an unloaded collection (child.owner = parent while "
            "parent.items is not loaded) survives the flush that writes the link, so when "
            "the child is deleted afterwards (a later flush, or remove() before the same "
            "flush), a later load of the collection shows the deleted object. `new 1 Owner 1 "
            "name=so1; commit; rollback; new 2 Item 1 label=sl2 +owner=1; flush; delete 2; "
            "flush; read 1 items` -- Relate [#2] (deleted), SQLAlchemy []. When the child is "
            "detached since and its row loaded again into a copy, the collection holds both "
            "(and cascades then meet an identity conflict).",
            abandon=lambda verb, found, a, b: any(
                _deleted_in_loaded_collection(w, r, q, a, b) or (
                    w.startswith("#") and isinstance(r, list) and isinstance(q, list) and
                    a["objects"].get(w[1:].split(".")[0], {}).get("state") in (
                        "deleted", "detached") and set(r) < set(q))
                for w, r, q in found)),
    Finding("link-kept-when-cascade-fails",
            "A link whose save-update cascade reaches an object whose deletion was "
            "committed raises InvalidRequestError, as in SQLAlchemy, but the link stays "
            "made (SQLAlchemy's attribute keeps its old value). `new 2 Item 1 label=sl2; "
            "new 5 Owner 0 name=so6; commit; new 6 Item 1 label=sl7; delete 2; commit; link "
            "2 owner 5; link 6 owner 5` -- #6.owner: Relate #5, SQLAlchemy None.",
            abandon=lambda verb, found, a, b: verb in ("link", "new") and
            isinstance(a["result"], dict) and "err" in a["result"] and any(
                w.startswith("#") and "." in w and (
                    (isinstance(r, str) and q is None) or
                    (isinstance(r, list) and isinstance(q, list) and set(r) > set(q)))
                for w, r, q in found)),
    Finding("load-keeps-child-moved-from-another-copy",
            "docs/sqlalchemy.md ('Loads keep unflushed changes') says a load leaves out a "
            "child whose unflushed one<> points elsewhere; a load into a new object for a "
            "row whose former object (detached) lost the child keeps it (the removal was "
            "queued on the former object only). `new 1 Owner 1 id=i1001 name=so1; new 4 "
            "Part 1 label=sl4 +owner=1; new 5 Owner 1 name=so5; commit; link 5 parts 4; "
            "close; delete 5; get 1 selectin 12` -- #12.parts: Relate [#4] (#4.owner is #5), "
            "documented [].",
            abandon=lambda verb, found, *_: verb in ("get", "read") and any(
                w.startswith("#") and isinstance(r, list) and isinstance(q, list) and
                set(r) > set(q) for w, r, q in found)),
    Finding("orphan-from-many-to-one-side-unloaded",
            "Issue 14 item 1 again, when the parent's collection is not loaded: a child of "
            "a delete-orphan relationship taken from its parent from the child's side "
            "(part.owner = None) after rollback() expired the parent's collection is not "
            "deleted; Relate nulls its NOT NULL foreign key and fails. SQLAlchemy deletes "
            "the orphan. `new 2 Owner 1 name=so1; new 6 Part 1 label=sl4 +owner=2; commit; "
            "rollback; unlink 6 owner -; commit`. With a nullable foreign key (badges) "
            "Relate writes NULL and keeps the orphan: `new 1 Owner 1 name=so1; new 6 Badge "
            "1 code=sc6 +owner=1; commit; rollback; unlink 6 owner -; flush`.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and (any(
                w == "result" and isinstance(r, dict) and "no longer refers" in r.get("msg", "")
                and q is None for w, r, q in found) or _state_change(
                    found, {"persistent"}, {"deleted", "detached"}))),
    Finding("pending-orphan-of-unloaded-parent-stays",
            "A pending child taken from its delete-orphan parent from the child's side "
            "(part.owner = None) while the parent's collection is not loaded stays pending "
            "(and its flush then fails on the NOT NULL foreign key); when the collection is "
            "loaded it becomes transient at once, as in SQLAlchemy, which does so in both "
            "cases. `new 1 Owner 1 name=so1; commit; rollback; new 9 Part 1 label=sl11 "
            "+owner=1; unlink 9 owner -` -- #9: Relate pending, SQLAlchemy transient.",
            abandon=lambda verb, found, *_: verb == "unlink" and _state_change(
                found, {"pending"}, {"transient"})),
    Finding("add-cascades-into-deleted-object",
            "add() of an object linked (before the add) to an object a flush deleted "
            "accepts it; the flush then refuses the row ('deleted earlier in this "
            "transaction'). docs/sqlalchemy.md says linking an object whose row a flush "
            "deleted throws InvalidRequestError; SQLAlchemy's add() raises ('has been "
            "deleted'). `new 2 Node 1 name=sn2; flush; delete 2; flush; new 5 Node 1 "
            "name=sn5 +parent=2`.",
            abandon=lambda verb, found, *_: verb in ("new", "add", "link") and any(
                w == "result" and r is None and isinstance(q, dict) and
                "has been deleted" in q.get("msg", "") for w, r, q in found)),
    Finding("re-added-new-object-persistent-after-failed-flush",
            "An object an earlier flush of the transaction inserted, expunged and then "
            "attached again (add(), remove() of it, or a cascade), reads `persistent` after "
            "a failed flush, though the database rolled its row back; docs/sqlalchemy.md "
            "('A failed flush restores objects') says it is pending again (expunge() "
            "forgets its journal entry, and attaching it again does not bring the entry "
            "back). `new 1 Item 1 label=sl1; flush; new 5 Part 1 label=sl6; expunge 1; add "
            "1; commit` -- #1: Relate persistent (with the key of a row that does not "
            "exist), documented pending. close() then leaves it detached where 'close() "
            "ends the transaction as rollback() does' makes it transient: `new 4 Tag 1 "
            "name=sn4; new 9 Item 1 label=sl7; flush; expunge 4; link 9 tags 4; close`. "
            "rollback() makes it transient, but (read again, no row) with its "
            "relationships unloaded, where 'Objects keep what they show' says it keeps "
            "them: `new 6 Tag 1 name=sn5; flush; expunge 6; delete 6; new 7 Item 1 "
            "label=sl8; rollback; link 6 items 7` -- Relate DetachedInstanceError; or "
            "with its flushed values rather than what it showed: `new 2 Badge 1 code=sc2; "
            "flush; set 2 code sc4; expunge 2; add 2; rollback` -- #2.code: Relate c2, "
            "documented c4.",
            abandon=lambda verb, found, a, _b: (verb in (
                "flush", "commit", "link", "add", "new", "delete") and _state_change(
                found, {"persistent"}, {"pending"})) or (verb == "close" and _state_change(
                    found, {"detached"}, {"transient"})) or (
                verb == "rollback" and (_state_change(found, {"persistent"}, {"transient"}) or
                                        any(w.startswith("#") and "." in w and
                                            a["objects"].get(w[1:].split(".")[0], {}).get(
                                                "state") == "transient"
                                            for w, r, q in found))) or (
                verb in ("link", "unlink", "clear", "read") and any(
                    w == "result" and isinstance(r, dict) and
                    r.get("err") == "DetachedInstanceError" and
                    not (isinstance(q, dict) and "err" in q) for w, r, q in found))),
    Finding("flush-writes-key-into-deleted-child",
            "A flush copies a parent's key into the foreign key member of a child that an "
            "earlier flush deleted (linked to the parent since, from the child's side); "
            "docs/sqlalchemy.md says a deleted object keeps its members. `new 3 Badge 1 "
            "code=sc3; flush; new 5 Owner 1 name=so5; delete 3; flush; link 3 owner 5; "
            "flush` -- #3.owner_id: Relate #5's key, SQLAlchemy None.",
            abandon=lambda verb, found, a, _b: verb in ("flush", "commit") and any(
                w.startswith("#") and w.endswith("_id") and isinstance(r, str) and
                r.startswith("#") and q is None and
                a["objects"].get(w[1:].split(".")[0], {}).get("state") in ("deleted",
                                                                          "detached")
                for w, r, q in found)),
    Finding("insert-before-delete-on-referred-table",
            "docs/sqlalchemy.md says 'A flush deletes before it inserts'; on a table other "
            "rows refer to (items, owners, nodes, tags, ...) Relate's flush inserts first "
            "(flush_plan.cpp), so a new object taking the primary key (or a unique value) "
            "of an object the same flush deletes fails with IntegrityError. SQLAlchemy "
            "turns such an INSERT and DELETE into one UPDATE (its 'row switch') and "
            "succeeds. `new 9 Item 1 id=i1009 label=a; flush; new 11 Item 1 id=i1009 "
            "label=b; delete 9; flush`.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w == "result" and isinstance(r, dict) and
                "UNIQUE constraint failed" in r.get("msg", "") and q is None
                for w, r, q in found)),
    Finding("replacing-stale-one-to-one-clears-real-parent",
            "Replacing the child a one-to-one parent holds (owner.badge = other) clears the "
            "old child's reference to the parent even when it is not loaded, without "
            "checking that it pointed there: a transient parent that kept a child across "
            "rollback() (the child's reference then expired, its row pointing to another "
            "parent) makes the flush write NULL into the child's foreign key. `new 2 Owner "
            "1 name=so1; new 3 Badge 1 code=sc2 +owner=2; commit; new 9 Owner 0 name=so8 "
            "+badge=3; rollback; new 10 Badge 0 code=x; link 9 badge 10; commit` -- badge "
            "#3's row: Relate owner_id NULL, SQLAlchemy #2 (unchanged). The same through a "
            "collection: `new 1 Room 0 building=sb1 number=i1; new 4 Room 1 building=sb0 "
            "number=i4; new 6 Booking 1 guest=sg4 +room=4; commit; link 1 bookings 6; "
            "rollback; unlink 1 bookings 6` -- #6.room: Relate None, its row #4.",
            abandon=lambda verb, found, *_: verb in ("link", "unlink", "clear") and any(
                w.startswith("#") and w.endswith((".owner", ".room", ".parent", ".playlist"))
                and r is None and q is not None for w, r, q in found)),
    Finding("many-to-many-relink-not-written",
            "A many-to-many link of persistent objects removed from one side and made "
            "again from the other before the flush is not written, though both collections "
            "show it (the back reference's removal records no history, the append does, "
            "and the two cancel out). `new 4 Item 1 label=sl4; new 6 Tag 1 name=sn6; "
            "commit; link 6 items 4; clear 4 tags; link 6 items 4; commit` -- item_tags: "
            "Relate empty, SQLAlchemy (#4, #6).",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w in ("rows item_tags", "rows owner_labels") and set(r) < set(q)
                for w, r, q in found)),
    Finding("association-change-of-deleted-object-written",
            "A flush writes the many-to-many change of an object an earlier flush deleted "
            "(its association rows went with it): taking a link out of the deleted "
            "object's collection makes the next flush DELETE an association row that is "
            "not there, and fail (StaleDataError). SQLAlchemy writes nothing for a deleted "
            "object. `new 2 Item 1 label=sl2; new 3 Tag 1 name=sn3; link 3 items 2; flush; "
            "delete 3; flush; unlink 3 items 2; flush`.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w == "result" and isinstance(r, dict) and
                r.get("err") in ("StaleDataError", "relate:Error") and
                any(t in r.get("msg", "") for t in ("item_tags", "owner_labels")) and
                not (isinstance(q, dict) and q.get("err") == "StaleDataError")
                for w, r, q in found)),
    Finding("delete-cascade-skips-detached-child-unloaded",
            "E4 when the collection is not loaded: remove() of a parent whose delete cascade "
            "reaches a detached child through a collection that is not loaded (the child "
            "queued there) leaves the child detached, and its flush skips it; SQLAlchemy's "
            "delete() loads the collection, attaches the child and marks it. `new 1 Node 1 "
            "name=sn1; commit; rollback; new 10 Node 1 name=sn11; commit; link 10 parent 1; "
            "close; delete 1` -- #10: Relate detached, SQLAlchemy persistent (marked).",
            abandon=lambda verb, found, *_: verb == "delete" and _state_change(
                found, {"detached"}, {"persistent"})),
    Finding("pending-orphan-of-outside-parent-stays",
            "A pending child taken out of a delete-orphan relationship of a parent outside "
            "the Session stays pending and is inserted (or fails on its NOT NULL foreign "
            "key) unless the parent joins the Session before the flush; SQLAlchemy "
            "expunges it at the flush (as an orphan), as B2 does for a parent in the "
            "Session. `new 3 Owner 0 name=x; new 1 Part 1 label=a; link 3 parts 1; unlink 3 "
            "parts 1; commit` -- Relate IntegrityError (NOT NULL parts.owner_id), #1 "
            "pending; SQLAlchemy commits, #1 transient. `new 1 Badge 1 code=sc1; new 2 Owner "
            "0 name=so2 +badge=1; unlink 2 badge -; commit` -- Relate inserts #1.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and (_state_change(
                found, {"pending", "persistent"}, {"transient"}) or any(
                    w == "result" and isinstance(r, dict) and
                    "no longer refers" in r.get("msg", "") and q is None
                    for w, r, q in found))),
    Finding("post-update-cycle-nulls-deleted-member",
            "Deleting two rows that refer to each other through a post_update reference "
            "(a playlist and its favorite song) sets the deleted playlist's foreign key "
            "member to NULL in memory; docs/sqlalchemy.md says a deleted object keeps its "
            "members. `new 8 Song 1 title=st8; new 9 Playlist 1 name=sn9 +favorite=8; "
            "flush; delete 9; delete 8; commit` -- #9.favorite_song_id: Relate None, "
            "documented #8.",
            abandon=lambda verb, found, a, _b: verb in ("flush", "commit") and any(
                w.startswith("#") and w.endswith("_id") and r is None and
                isinstance(q, str) and q.startswith("#") and
                a["objects"].get(w[1:].split(".")[0], {}).get("state") in ("deleted",
                                                                          "detached")
                for w, r, q in found)),
    Finding("back-reference-sets-unloaded-one-to-one",
            "Giving a child a parent (badge.owner = owner) sets the parent's one-to-one "
            "(owner.badge) without loading it when it is not loaded, so the child the "
            "parent had is neither cleared nor, under delete-orphan, deleted; its row keeps "
            "pointing to the parent. SQLAlchemy loads the old child and deletes it as an "
            "orphan. `new 2 Badge 1 code=sc2; new 4 Owner 1 name=so4; link 2 owner 4; "
            "commit; rollback; expunge 2; new 8 Badge 1 code=sc11 +owner=4; unlink 8 owner "
            "-; commit` -- badges: Relate keeps #2's row (owner #4), SQLAlchemy deletes it.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w == "rows badges" and set(map(tuple, r)) > set(map(tuple, q))
                for w, r, q in found)),
    Finding("outside-link-unlinked-deletes-missing-row",
            "A many-to-many link made from the side of an object outside the Session and "
            "taken out from the other side before the flush makes the flush DELETE an "
            "association row that was never written, and fail (StaleDataError). `new 1 Item "
            "1 label=sl1; commit; close; new 5 Tag 1 name=sn6; flush; link 1 tags 5; unlink "
            "5 items 1; flush`.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and any(
                w == "result" and isinstance(r, dict) and r.get("err") == "StaleDataError"
                and not (isinstance(q, dict) and q.get("err") == "StaleDataError")
                for w, r, q in found)),
    Finding("added-again-pending-orphan-taken-out",
            "A pending child taken out of a delete-orphan relationship (transient at once) "
            "and then given to add() again is taken out again by the flush, silently: the "
            "parent's history still holds the old removal. SQLAlchemy inserts it. `new 1 "
            "Owner 1 name=so1; new 2 Badge 1 id=i1002 code=sc2 +owner=1; unlink 2 owner -; "
            "add 2; commit` -- #2: Relate transient, SQLAlchemy persistent.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and _state_change(
                found, {"transient"}, {"persistent", "pending"})),
    Finding("remove-detached-cascades-save-update",
            "remove() of a detached object attaches it (as SQLAlchemy does, and its delete "
            "cascade), but also attaches the detached objects its save-update cascade "
            "reaches, which SQLAlchemy's delete() leaves detached. `new 3 Owner 1 name=so3; "
            "new 5 Item 1 label=sl4 +owner=3; commit; close; delete 3` -- #5: Relate "
            "persistent, SQLAlchemy detached.",
            abandon=lambda verb, found, *_: verb == "delete" and (_state_change(
                found, {"persistent"}, {"detached"}) or any(
                    w == "result" and isinstance(r, dict) and q is None for w, r, q in found))),
    Finding("cascade-reaches-old-parent",
            "Undecided: appending a child to a collection of an object in the Session "
            "(new.items.append(child)) brings the child in through the save-update cascade; "
            "SQLAlchemy cascades from the child before the back reference moves it, so the "
            "child's old parent (outside the Session) comes in too; Relate's cascade runs "
            "after the move and leaves the old parent out. `new 5 Owner 1 name=so4; new 9 "
            "Item 1 label=sl8 +owner=5; rollback; new 13 Owner 1 name=so12; link 13 items 9` "
            "-- #5: Relate transient, SQLAlchemy pending.",
            abandon=lambda verb, found, *_: verb == "link" and (_state_change(
                found, {"transient", "detached"}, {"pending", "persistent"}) or any(
                    w == "result" and r is None and isinstance(q, dict) and
                    "already present in this session" in q.get("msg", "")
                    for w, r, q in found))),
    Finding("one-to-one-old-parent-kept-when-unloaded",
            "One-to-one is strict, but moving a child to another parent leaves the old "
            "parent's one<> pointing at it when the child's reference to the parent is not "
            "loaded and the old parent is outside the Session (only its one<> knew the "
            "link). `new 1 Badge 1 code=sc1; commit; new 9 Owner 1 name=so7 +badge=1; "
            "rollback; new 13 Owner 1 name=so10 +badge=1` -- #9.badge: Relate #1 (whose "
            "owner is #13), documented None.",
            abandon=lambda verb, found, a, b: _one_to_one_inconsistent(a)),
    Finding("cascade-reaches-removed-child",
            "Undecided: the save-update cascade of add() (or of a link) reaches the objects "
            "in a collection, not those taken out of it since the last flush; SQLAlchemy's "
            "reaches those too (so that its flush can delete or null them). `new 2 Owner 1 "
            "name=so2; new 7 Part 1 label=sl6 +owner=2; commit; new 11 Note 1 body=sb8; "
            "close; unlink 7 owner -; link 11 owner 2; add 11` -- #7: Relate detached (its "
            "row keeps the owner), SQLAlchemy persistent (deleted as an orphan at the "
            "flush).",
            abandon=lambda verb, found, *_: verb in ("add", "link", "new") and (_state_change(
                found, {"detached", "transient"}, {"persistent", "pending"}) or any(
                    w == "result" and r is None and isinstance(q, dict) and
                    "already present in this session" in q.get("msg", "")
                    for w, r, q in found))),
    Finding("delete-cascade-at-flush",
            "Undecided: the delete cascade of remove() is worked out at the flush, so a "
            "child taken out of the removed parent's collection before the flush is not "
            "deleted (its foreign key is nulled), and a child linked to it since is; "
            "SQLAlchemy's delete() marks the children its cascade reaches at once. `new 2 "
            "Node 1 name=sn2; new 6 Node 1 name=sn7 +parent=2; commit; delete 2; clear 2 "
            "children; commit` -- #6: Relate persistent (parent_id NULL), SQLAlchemy "
            "deleted. `new 2 Node 1 name=sn2; new 5 Node 1 name=sn4; commit; delete 5; link "
            "5 children 2; flush` -- Relate deletes both, SQLAlchemy writes #2's link to #5 "
            "and fails on the foreign key.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and (_state_change(
                found, {"persistent"}, {"deleted", "detached"}) or _state_change(
                found, {"deleted", "detached"}, {"persistent"}))),
    Finding("remove-raises-but-marks",
            "remove() whose delete cascade reaches a detached object whose deletion was "
            "committed raises InvalidRequestError, but the object stays marked, and the "
            "next flush deletes it. `new 2 Owner 1 name=so2; new 3 Part 1 label=sl3 "
            "+owner=2; flush; unlink 3 owner -; flush; link 3 owner 2; commit; delete 2; "
            "flush` -- #2: Relate deleted, SQLAlchemy (and the documentation's 'nothing "
            "changes before the error') persistent.",
            abandon=lambda verb, found, *_: verb in ("flush", "commit") and _state_change(
                found, {"deleted", "detached"}, {"persistent"})),
]

BY_ID = {f.id: f for f in FINDINGS}
