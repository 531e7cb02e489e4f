"""Known, deliberate differences between Relate and SQLAlchemy 1.4, each documented in
docs/sqlalchemy.md (or docs/session.md). The fuzzer compares everything else.

Every entry names the documented difference and how the harness accounts for it:
either the SQLAlchemy Session is configured or driven the way Relate behaves by design
(sqlalchemy_emulation.py, whose code names the entry it serves), or the sequence stops
there. Nothing else in the harness weakens a comparison. An entry is added only for a
difference the documentation states, after the fuzzer has shown it.
"""

import re
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Step:
    """One step of a sequence where the two sides differ, for a stop to judge."""
    tokens: list  # the operation line, split
    found: list  # the differences: (where, Relate's value, SQLAlchemy's value)
    relate: dict  # both observations of the step (observation.normalise)
    sqlalchemy: dict
    relate_before: Optional[dict]  # Relate's observation of the step before, if any
    models: dict  # handle -> model name

    @property
    def verb(self):
        return self.tokens[0]

    @property
    def flushes(self):
        """A flush may run: flush, commit, the bulk writes (which flush first), and
        with autoflush the steps that query or load (get, read, and link, unlink,
        clear, delete and new, which load what they change; refresh and merge, and
        begin_nested and release_nested, which flush; set, which loads an expired
        object)."""
        return self.verb in ("flush", "commit", "bulk_update", "bulk_delete", "upsert", "get",
                             "read", "link", "unlink", "clear", "delete", "new",
                             # (--session-api: set loads an expired object first)
                             "set", "refresh", "merge", "begin_nested", "release_nested")


@dataclass(frozen=True)
class KnownDifference:
    name: str
    documented: str  # where, and what it says
    handling: str
    # For a difference no emulation can absorb: Step -> True when it is this one; the
    # sequence then stops there, counted apart ("stopped at a known difference"),
    # since the two sides cannot be compared past it.
    stop: Optional[Callable] = None


def _error(result, fragment=""):
    return isinstance(result, dict) and "err" in result and fragment in result.get("msg", "")


def _refused_reference(step):
    """row-never-refers: Relate's flush refuses a row that refers to an object outside
    the Session, or to one the same flush deletes; a link to an object whose row a
    flush deleted is refused at once."""
    result = step.relate["result"]
    if step.verb in ("link", "new") and result != step.sqlalchemy["result"] and \
            _error(result, "whose row was deleted through"):
        return True
    return step.flushes and \
        result != step.sqlalchemy["result"] and isinstance(result, dict) and \
        result.get("err") == "InvalidRequestError" and (
            "that is not in this Session" in result.get("msg", "") or
            "that this flush deletes" in result.get("msg", "") or
            "deleted earlier in this transaction" in result.get("msg", ""))


def _circular_dependency(step):
    """no-post-update-needed: SQLAlchemy's flush raises CircularDependencyError."""
    return step.flushes and \
        _error(step.sqlalchemy["result"], "Circular dependency") and \
        not _error(step.relate["result"], "Circular dependency")


def _deleted_here(step, table):
    """Handles of the objects of `table` that Relate's step deleted."""
    from schema import MODELS
    before = (step.relate_before or {}).get("objects", {})
    out = []
    for h, o in step.relate["objects"].items():
        was = before.get(h)
        if was is None or was["state"] != "persistent":
            continue
        if o["state"] not in ("deleted", "detached"):
            continue
        model = MODELS.get(step.models.get(int(h)))
        if model is not None and model.table.name == table:
            out.append(h)
    return out


def _unique_failure(step):
    """The column ("table.column") SQLAlchemy's flush failed on as a unique value where
    Relate's succeeded, or None."""
    if not step.flushes or _error(step.relate["result"]):
        return None
    result = step.sqlalchemy["result"]
    if not _error(result, "UNIQUE constraint failed: "):
        return None
    return result["msg"].split("UNIQUE constraint failed: ", 1)[1].split()[0]


def _freed_unique_taken(step):
    """deletes-before-inserts: SQLAlchemy's flush inserts first and fails on a unique
    value a deletion of the same flush frees; Relate's deletes first. The deleted row
    may be an object no handle names (a one-to-one child the replacement loaded, made
    an orphan under delete-orphan): SQLAlchemy's runner reports the values its flush
    set out to delete ("frees")."""
    column = _unique_failure(step)
    return column is not None and (bool(_deleted_here(step, column.split(".")[0])) or
                                   column in step.sqlalchemy.get("frees", []))


def _freed_key_taken(step):
    """deletes-before-inserts: on SQLite an insert of the flush that deleted a row took
    its key in Relate (a new object now has the key a deleted one had: two objects hold
    one key in Relate and not in SQLAlchemy), so the two sides' keys name different
    objects from here on; SQLAlchemy's insert came first and took a fresh key."""
    reused = [k for k in step.relate.get("reused_keys", [])
              if k not in step.sqlalchemy.get("reused_keys", [])]
    return bool(reused)


def _refused_partway(step):
    """refused-changes-nothing: both sides refused the operation, and SQLAlchemy had
    changed objects before it raised; Relate changed nothing."""
    return step.verb in ("new", "add", "link", "unlink", "clear", "delete") and \
        _error(step.relate["result"], "") and _error(step.sqlalchemy["result"], "") and \
        step.relate["result"].get("err") == step.sqlalchemy["result"].get("err") and \
        all(where != "result" for where, _r, _q in step.found)


def _unsynchronized_object(step):
    """bulk-none-stays-stale: the step differs only in objects a bulk write with
    synchronize_session none left unsynchronized (SQLAlchemy's side reports them)."""
    stale = {f"#{h}" for h in step.sqlalchemy.get("stale", [])}
    return bool(stale) and all(where.split(".", 1)[0] in stale
                               for where, _r, _q in step.found if where != "result")


KNOWN = [
    KnownDifference(
        "lazy-load-flushes-known-changes",
        "docs/sqlalchemy.md, 'A lazy load does not look for changed members': Relate's "
        "lazy load autoflushes only where its Session has new objects, deletions or "
        "changed relationships; SQLAlchemy's flushes changed columns too.",
        "The emulation's autoflush() decides as Relate's SessionImpl::has_changes."),
    KnownDifference(
        "no-expire-on-commit",
        "docs/sqlalchemy.md, 'No expire_on_commit, and no expiry at all': after commit() "
        "Relate's objects keep their values and loaded relationships; SQLAlchemy expires "
        "them (expire_on_commit=True by default).",
        "The SQLAlchemy Session is made with expire_on_commit=False."),
    KnownDifference(
        "remove-pending-expunges",
        "docs/sqlalchemy.md, 'remove() of a pending object takes it out of the Session': "
        "SQLAlchemy's session.delete() raises InvalidRequestError for it.",
        "The SQLAlchemy runner expunges a pending object instead of deleting it."),
    KnownDifference(
        "failed-flush-restores",
        "docs/sqlalchemy.md, 'A failed flush restores objects', and docs/session.md, 'A "
        "failed flush': member values return to what they were before the failed flush; "
        "states and the keys the database generated to what they were before the "
        "transaction's first flush (an object an earlier flush inserted is pending again "
        "with its 0 key, one an earlier flush deleted is persistent again); the Session "
        "refuses further use with PendingRollbackError until rollback(). SQLAlchemy "
        "leaves objects as the failed flush made them (every object the transaction "
        "inserted transient, the others expired) and raises PendingRollbackError only "
        "where it needs the transaction.",
        "The SQLAlchemy runner keeps what the transaction's flushes did (the objects "
        "they inserted, with the keys they had before, and the rows they deleted), and "
        "before each flush notes every object's state, column values and mark for "
        "deletion. After a failed flush, until rollback() or close(): it reports the "
        "states from before the flush, made pending again for an object an earlier flush "
        "inserted (with its key as before) and persistent again for one an earlier flush "
        "deleted; for an attribute the failure expired, the value from before; it puts "
        "the objects the failure made transient back in the Session as pending, and the "
        "ones the database's cascade took out back as persistent; it refuses add, delete, "
        "flush, commit, queries and loads with PendingRollbackError, as Relate's Session "
        "does."),
    KnownDifference(
        "close-ends-transaction",
        "docs/sqlalchemy.md, 'close() ends the transaction as rollback() does': an "
        "object that a flush of the unfinished transaction inserted becomes transient; "
        "SQLAlchemy's close() detaches it, with the identity of a row that does not "
        "exist.",
        "After close() the SQLAlchemy runner makes the objects a flush of the "
        "transaction inserted transient (they keep their members)."),
    KnownDifference(
        "one-to-one-move-clears",
        "docs/sqlalchemy.md, 'One-to-one is strict': moving the child of a one-to-one to "
        "another parent clears the old parent's one<> at once, and giving a parent a new "
        "child clears the old child's one<> back to the parent at once; SQLAlchemy leaves "
        "both stale.",
        "After each operation the SQLAlchemy runner sets a one-to-one parent's attribute "
        "to None (as loaded) when the child it holds points back at another parent, and "
        "sets a child's reference to None (a change, without back reference events) when "
        "the parent it points at holds another child."),
    KnownDifference(
        "on-delete-mirrored",
        "docs/sqlalchemy.md, 'The database's ON DELETE is mirrored in memory', and "
        "docs/cascades.md: when a flush deletes a row and the database cascades to rows "
        "whose objects are in the Session, Relate deletes those objects (deleted, then "
        "detached at commit) and reads NULL in the foreign keys SET NULL cleared; "
        "SQLAlchemy keeps them as they were until they expire.",
        "After each successful flush the SQLAlchemy runner reads, through the Session's "
        "connection, the row of every persistent object whose ON DELETE CASCADE or SET "
        "NULL foreign key referred to a row the flush deleted: an object whose row is gone "
        "is taken out of the Session without cascading and reported deleted (detached "
        "after commit; put back by rollback or a failed flush), and a foreign key the "
        "database set to NULL is set to None as loaded (and back to its value by close() "
        "or a failed flush)."),
    KnownDifference(
        "deleted-leave-relationships",
        "docs/sqlalchemy.md, 'Deleted objects leave loaded collections at flush': the "
        "flush removes a deleted object from the loaded relationships of the objects that "
        "remain; SQLAlchemy leaves it there until the collection expires. Undoing the "
        "transaction puts it back where it was.",
        "After each successful flush the SQLAlchemy runner takes the objects it deleted "
        "out of the loaded relationships of the Session's objects that remain (set as "
        "loaded, no history), and notes where from; rollback(), close() and a failed "
        "flush put the objects whose deletion is undone back there (without history)."),
    KnownDifference(
        "rollback-restores-values",
        "docs/sqlalchemy.md, 'rollback() restores values': every persistent object's "
        "members return to their last committed values at once, and relationships are "
        "expired; SQLAlchemy expires the objects and reloads them on next access.",
        "After rollback() the SQLAlchemy runner loads the column attributes of every "
        "persistent object at once, from the database (so that a later close() does not "
        "leave them unreadable), including the objects the database's cascade had taken "
        "out (on-delete-mirrored), which SQLAlchemy's rollback() does not expire since "
        "they were out of its Session. Relationships stay expired on both sides."),
    KnownDifference(
        "association-rows-one-statement",
        "docs/sqlalchemy.md, 'A deleted object's association rows go in one statement': "
        "Relate deletes them with one DELETE per many-to-many relationship, loaded or "
        "not; SQLAlchemy loads the collection to delete them row by row.",
        "After each successful flush the SQLAlchemy runner unloads again the many-to-many "
        "collections of the objects it deleted that were not loaded before the flush."),
    KnownDifference(
        "row-never-refers",
        "docs/sqlalchemy.md, 'A row never refers to an object it cannot': flushing a row "
        "whose many-to-one or many-to-many refers to an object outside the Session (or "
        "deleted by an earlier flush), or a link made since the last flush to an object "
        "the same flush deletes, throws "
        "InvalidRequestError and writes nothing; SQLAlchemy warns and writes NULL, the old "
        "value or nothing (or writes the key, which the database refuses).",
        "The sequence stops where Relate's flush raises that InvalidRequestError ('that is "
        "not in this Session', 'that this flush deletes', 'deleted earlier in this "
        "transaction') and SQLAlchemy's does not.",
        stop=_refused_reference),
    KnownDifference(
        "references-follow-rows",
        "docs/sqlalchemy.md, 'Taking a child out of a stale collection leaves its "
        "reference to its row's parent': a collection that lets go of a child whose "
        "many-to-one is unloaded sets it to nothing only where the child's row names the "
        "collection's owner (or nothing); SQLAlchemy's backref sets it to None without "
        "looking.",
        "After an unlink or clear of a one-to-many collection, the SQLAlchemy runner "
        "makes such a child's many-to-one unloaded again, without history "
        "(SqlAlchemyEmulation.keep_stale_references)."),
    KnownDifference(
        "remove-not-cancelled-by-link",
        "docs/sqlalchemy.md, 'remove() is not cancelled by a link': an object marked by "
        "remove() is deleted by the flush even when it was added to a collection since, "
        "and leaves the collection; SQLAlchemy's flush cancels the deletion (it writes the "
        "link and keeps the object marked for the next flush).",
        "Before a flush, the SQLAlchemy runner takes such an object out of the "
        "collection (or one-to-one) of an object that remains, without events; when a "
        "flush still leaves objects marked for deletion, it puts back their columns as "
        "before the flush and flushes again, which deletes them."),
    KnownDifference(
        "delete-cascade-takes-pending-out",
        "docs/sqlalchemy.md, 'The delete cascade takes pending objects out': when the "
        "flush cascades the remove() of a parent to a pending child, the child becomes "
        "transient, as remove() of a pending object does; SQLAlchemy inserts the child and "
        "deletes it again at the flush.",
        "Before each flush (not at session.delete(): Relate works the cascade out at the "
        "flush), the SQLAlchemy runner takes the pending objects the delete cascade of the "
        "marked objects reaches (through loaded relationships) out of the Session, without "
        "cascading."),
    KnownDifference(
        "delete-cascade-at-flush",
        "docs/sqlalchemy.md, 'The delete cascade is worked out at the flush': remove() "
        "marks the object (and loads what its delete cascade follows); the flush decides "
        "which related objects go, from the relationships as they are then, so a child "
        "taken out before the flush stays and one linked since goes; SQLAlchemy marks the "
        "objects its cascade reaches at delete().",
        "Before each flush the SQLAlchemy runner marks the persistent objects the delete "
        "cascade of the objects delete() was called for reaches now, and unmarks the "
        "others; both walks go through the Session's objects only. After delete() it "
        "takes out again the detached objects SQLAlchemy's cascade attached through an "
        "object outside the Session (transient), which Relate's remove() leaves "
        "detached."),
    KnownDifference(
        "cascade-skips-taken-out",
        "docs/sqlalchemy.md, 'The save-update cascade follows what relationships hold': "
        "objects taken out of a relationship since the last flush stay where they are "
        "when its object joins a Session; SQLAlchemy's cascade also reaches them (what "
        "the relationship held at the last flush), so that its flush can delete orphans.",
        "The SQLAlchemy runner's save-update cascade walks the current values only "
        "(RelationshipProperty.cascade_iterator), so a deleted object taken out is not "
        "refused; after new, link and add, it also takes out again, without "
        "cascading, the objects the operation brought into the Session that no "
        "relationship (with save-update) of the Session's objects holds."),
    KnownDifference(
        "cascade-after-backref",
        "docs/sqlalchemy.md, 'The save-update cascade follows what relationships hold': "
        "a link's cascade walks the relationships as the link leaves them, backrefs "
        "included; SQLAlchemy's cascade runs before its backref, so a child moved into a "
        "collection brings in the parent it is leaving (a transient one, or one marked "
        "for deletion, which becomes pending again).",
        "After a link, the SQLAlchemy runner takes out again, without cascading, the "
        "objects the link brought in that a walk from the object linked (when the link "
        "from an object in the Session was made, through a relationship with save-update) "
        "through the relationships' current values and the objects brought in does not "
        "reach."),
    KnownDifference(
        "pending-child-moved-stays-pending",
        "docs/sqlalchemy.md, 'A pending child moved to another parent stays pending': "
        "under delete-orphan SQLAlchemy expunges a pending child that leaves its parent's "
        "collection even when it moves to another parent; Relate keeps it, since it has a "
        "parent.",
        "After a link, the SQLAlchemy runner puts a pending object of the link that it "
        "made transient back in the Session (without cascading)."),
    KnownDifference(
        "objects-outside-never-written",
        "docs/sqlalchemy.md, 'Objects outside the Session are never written': a flush "
        "changes no member of an object outside the Session; SQLAlchemy copies a parent's "
        "key into the foreign key of an expunged (or never added) child.",
        "After each successful flush the SQLAlchemy runner puts back the column values "
        "(and their history) of the objects that were outside the Session."),
    KnownDifference(
        "new-relationships-loaded",
        "docs/sqlalchemy.md, 'A new object's relationships are loaded': empty and loaded "
        "from the start, and still loaded after the flush and after close(); SQLAlchemy's "
        "are unloaded once the object is persistent (DetachedInstanceError after close()).",
        "The SQLAlchemy runner sets every relationship of a new object as loaded (empty, "
        "no history) when it makes it."),
    KnownDifference(
        "loads-keep-unflushed-changes",
        "docs/sqlalchemy.md, 'Loads keep unflushed changes': loading a relationship, "
        "with any strategy, leaves out a child whose unflushed one<> points elsewhere and "
        "keeps one linked here but not flushed; SQLAlchemy's loaders show the rows, and "
        "its eager load of an object already loaded drops a queued append.",
        "Right after the SQLAlchemy runner loads a one-to-many (get, read, link, unlink, "
        "clear, and the delete cascade), it leaves out of it the children whose unflushed "
        "many-to-one points elsewhere (another row, or none: a detached copy of the "
        "parent's row is the same parent) and adds those whose unflushed many-to-one points "
        "here (set as loaded, keeping the history the load's queued changes made). "
        "Linking a child whose many-to-one is unloaded, it first sets that many-to-one to "
        "the parent the identity map holds for the child's foreign key, as Relate finds "
        "the old parent without a statement. An append queued on an unloaded collection "
        "that a flush wrote (or a failed flush expired) is queued again when the "
        "transaction ends without a commit, for the objects outside the Session: "
        "Relate's queue outlives flushes until a load or rollback() expires it. When a "
        "flush deletes the collection's object, the appends its queue holds (written or "
        "not) are queued again, without the objects a flush deleted: the rows are gone, "
        "and Relate's later load shows the queue, as the deleted object's loaded "
        "collection would."),
    KnownDifference(
        "changing-unloaded-relationship-loads",
        "docs/sqlalchemy.md, 'Changing an unloaded relationship loads it first': so it "
        "needs a usable Session (PendingRollbackError after a failed flush, "
        "DetachedInstanceError when detached); reading an unloaded relationship of a "
        "detached object throws DetachedInstanceError, also when the object was deleted. "
        "SQLAlchemy sets the attribute without loading, and reads None on a deleted object "
        "(its flush loaded the many-to-one).",
        "The SQLAlchemy runner loads a relationship before it assigns it (and after a "
        "failed flush refuses that load with PendingRollbackError); after each successful "
        "flush it unloads again the many-to-one relationships of the objects it deleted "
        "that were not loaded before the flush."),
    KnownDifference(
        "deleted-keeps-members",
        "docs/sqlalchemy.md, 'A deleted object keeps its members': the flush does not set "
        "a deleted object's foreign keys to NULL; SQLAlchemy's post_update does.",
        "After each successful flush the SQLAlchemy runner puts back the column values of "
        "the objects the flush deleted as they were before it."),
    KnownDifference(
        "objects-keep-what-they-show",
        "docs/sqlalchemy.md, 'Objects keep what they show': an object that rollback() or "
        "close() made transient or detached keeps its members and relationships; added "
        "again, it is written as they show; its expired members hold their last flushed "
        "values, expired no more. SQLAlchemy takes what a rolled-back flush wrote as "
        "already written, and leaves such attributes expired and unreadable.",
        "expire() records what each expired column held; after rollback() and close() "
        "the SQLAlchemy runner sets them into the objects made transient (with the key "
        "from before the transaction where a failed flush made the object pending "
        "again). After rollback() and close() the SQLAlchemy runner marks the loaded "
        "relationships of the objects the transaction inserted (now transient) as "
        "changed (a many-to-one that holds nothing keeps the removal, so that the "
        "flush clears the key the rolled-back flush wrote), and after close() the "
        "columns a flush of the transaction wrote into "
        "the objects it detached as changed from their values before the transaction; "
        "a detached object's many-to-many collections take the link rows that exist "
        "after the rollback as their committed value."),
    KnownDifference(
        "deletes-counted",
        "docs/sqlalchemy.md, 'Every row a flush writes is counted': a DELETE by key that "
        "matches no row (a detached copy of a row deleted since) fails the flush with "
        "StaleDataError; SQLAlchemy warns and goes on.",
        "The SQLAlchemy runner turns that warning into an error, reported as "
        "StaleDataError; SQLAlchemy's flush then rolls back as for any error. (SQLAlchemy "
        "counts the rows of a DELETE of several rows on SQLite not at all.)"),
    KnownDifference(
        "collection-holds-once",
        "docs/sqlalchemy.md, 'A collection holds an object once': push_back of an object "
        "already in a many<> does nothing; SQLAlchemy's list holds it twice.",
        "The SQLAlchemy runner does not append an object a collection already holds."),
    KnownDifference(
        "deletes-before-inserts",
        "docs/sqlalchemy.md, 'A flush deletes before it inserts': a unique value (or, on "
        "SQLite, a key) that a deletion frees can be taken by an insert of the same flush; "
        "SQLAlchemy inserts first, and fails on such a unique value. And 'One-to-one is "
        "strict': replacing a child under delete-orphan deletes the old row before "
        "inserting the new one, so that a unique foreign key holds.",
        "The sequence stops where SQLAlchemy's flush fails on a UNIQUE constraint of a "
        "table whose row Relate's flush deleted in that step and Relate's does not fail, "
        "or at a difference once two objects in Relate hold one key (a new object the key "
        "of one it deleted) and not in SQLAlchemy (observation.py's reused keys): keys "
        "then name different objects on the two sides.",
        stop=lambda step: _freed_unique_taken(step) or _freed_key_taken(step)),
    KnownDifference(
        "no-post-update-needed",
        "docs/sqlalchemy.md, 'Rows that refer to each other need no post_update to be "
        "inserted' when the database can take them in one order; SQLAlchemy raises "
        "CircularDependencyError at the flush.",
        "The sequence stops where SQLAlchemy's flush raises CircularDependencyError and "
        "Relate's does not.",
        stop=_circular_dependency),
    KnownDifference(
        "no-backref-cascade",
        "docs/sqlalchemy.md, 'No cascade through the back reference': linking an object "
        "outside the Session to one inside, from the outside object's side, leaves it "
        "outside, as SQLAlchemy 2.0 does; SQLAlchemy 1.4's cascade_backrefs brings it in.",
        "Every relationship of the SQLAlchemy models gets cascade_backrefs=False "
        "(configure_models), SQLAlchemy 2.0's behaviour."),
    KnownDifference(
        "refused-changes-nothing",
        "docs/sqlalchemy.md, 'A refused operation changes nothing': Relate checks what "
        "an add, link or remove and its cascade would do before changing anything; "
        "SQLAlchemy raises partway, and what it did before (an object added, a link "
        "made) stays.",
        "Where both sides refuse an operation with the same error and differ in what "
        "the operation left, the sequence stops.",
        stop=_refused_partway),
    KnownDifference(
        "identity-map-holds",
        "docs/sqlalchemy.md, 'Memory is owned by object graphs': a Session holds its "
        "objects until they leave it (expunge, close, a committed deletion), referenced "
        "by the program or not; SQLAlchemy's identity map holds them weakly, so an object "
        "nothing references (say after a rollback expired the relationship that held "
        "it) leaves the Session, and a copy of its row can then take its place.",
        "After every step the SQLAlchemy runner holds a reference to each object in its "
        "Session (SqlAlchemyEmulation.hold), so none leaves it by garbage collection."),
    KnownDifference(
        "bulk-write-in-flush",
        "docs/queries.md, 'Bulk UPDATE and DELETE': the Session flushes first, and a "
        "statement that fails is a failed flush (the Session wants rollback()); an "
        "upsert likewise ('Upsert'). SQLAlchemy runs the statement apart, and its Session "
        "stays usable after a failed one.",
        "The SQLAlchemy runner flushes, then runs the statement inside a subtransaction "
        "of the Session, as its flush does, so a failure fails the transaction; what the "
        "statement deleted is then treated as a flush's deletions (it leaves loaded "
        "relationships; the database's ON DELETE is mirrored), and what it brought into "
        "the objects is undone with the transaction."),
    KnownDifference(
        "upsert-shows-rows",
        "docs/queries.md, 'Upsert': afterwards the objects the Session holds for the "
        "rows' keys show the rows; SQLAlchemy 1.4 runs the dialect's insert as a Core "
        "statement and leaves them as they were.",
        "After an upsert the SQLAlchemy runner refreshes the columns of the objects it "
        "holds with the upserted name."),
    KnownDifference(
        "bulk-none-stays-stale",
        "docs/queries.md, 'Bulk UPDATE and DELETE': with SynchronizeSession::none the held "
        "objects stay as they were, until rollback() reads them again; one whose row the "
        "statement deleted can be pushed out of the identity map by a new object that "
        "takes its key, and stays detached. SQLAlchemy's rollback() (and expiry) reloads "
        "them, and its flush leaves such an object in the Session.",
        "The SQLAlchemy runner reads those objects again at rollback(), as Relate does; "
        "the sequence stops where the two sides differ only in objects such a write left "
        "unsynchronized, in the Session or detached (Relate never reads a detached one "
        "again; SQLAlchemy's rollback reloads it once it is back in the Session).",
        stop=_unsynchronized_object),
    KnownDifference(
        "merge-own-object",
        "docs/session.md, 'Merging objects from outside the Session': 'an object of this "
        "Session merges to itself', a pending one too; SQLAlchemy merges a pending object "
        "of its Session into a new copy (it warns that this is probably not meant).",
        "The SQLAlchemy runner's merge() returns an object of its Session itself, after "
        "the autoflush (SqlAlchemyEmulation.merge)."),
    KnownDifference(
        "refresh-of-gone-row",
        "docs/session.md, 'Refreshing and expiring objects': refresh() throws "
        "ObjectDeletedError when the object's row is gone, and the object leaves the "
        "Session, transient; SQLAlchemy raises InvalidRequestError and leaves it "
        "persistent and expired.",
        "Where the row is gone, the SQLAlchemy runner makes the object transient "
        "(SqlAlchemyEmulation._leave_without_row) and raises ObjectDeletedError."),
]

def _post_update_stale_key(step):
    """sqlalchemy-post-update-stale-key: a pending playlist with a favorite_song_id
    already set, whose favorite song is pending too, or whose favorite is None while
    the favorite_song_id still holds a key a rolled-back flush gave a song (one that
    names no row: "(key of #H)"), and which Relate wrote as NULL."""
    if not step.flushes or _error(step.relate["result"]):
        return False
    if not _error(step.sqlalchemy["result"], "FOREIGN KEY constraint failed"):
        return False
    objects = step.sqlalchemy["objects"]
    relate_objects = step.relate.get("objects", {})
    for h, o in objects.items():
        key = o["columns"].get("favorite_song_id")
        if o["model"] != "Playlist" or o["state"] != "pending" or key is None:
            continue
        favorite = o["relationships"].get("favorite", "unloaded")
        if isinstance(favorite, str) and favorite.startswith("#") and \
                objects.get(favorite[1:], {}).get("state") == "pending":
            return True
        # The favorite let go of after the rollback: SQLAlchemy's INSERT still writes
        # the stale key (its post_update UPDATE would set NULL afterwards); Relate
        # writes the NULL the object shows.
        if favorite is None and isinstance(key, str) and key.startswith("(key of #") and \
                relate_objects.get(h, {}).get("columns", {}).get("favorite_song_id", 0) is None:
            return True
    return False


def _explicit_key_taken(step):
    """sqlalchemy-explicit-key-taken: one side's flush fails on a table's primary key
    while a pending object of that table carries its own key, and the other side's
    succeeds (which side depends on the order each inserts the table's rows in)."""
    from schema import MODELS
    if step.flushes and not _error(step.sqlalchemy["result"]) and \
            _error(step.relate["result"], "UNIQUE constraint failed: "):
        column = step.relate["result"]["msg"].split("UNIQUE constraint failed: ", 1)[1].split()[0]
        table, name = column.split(".", 1)
        before = (step.relate_before or {}).get("objects", {})
        return any(MODELS[o["model"]].table.name == table and o["state"] == "pending" and
                   name in MODELS[o["model"]].table.primary_key and
                   isinstance(o["columns"].get(name), str) and
                   o["columns"][name].startswith("(key of")
                   for o in before.values())
    column = _unique_failure(step)
    if column is None:
        return False
    table, name = column.split(".", 1)
    for o in step.sqlalchemy["objects"].values():
        model = MODELS.get(o["model"])
        if model is None or model.table.name != table or name not in model.table.primary_key:
            continue
        key = o["columns"].get(name)
        if o["state"] == "pending" and isinstance(key, str) and key.startswith("(key of"):
            return True
    return False



def _delete_of_pending_row(step):
    """sqlalchemy-delete-of-pending-orphan: SQLAlchemy's flush fails on a DELETE of a row
    it never inserted (StaleDataError, or FlushError for a NULL key) on a table where
    Relate's Session held a pending object before the step, and Relate refused the flush
    too."""
    if not step.flushes or not _error(step.relate["result"]):
        return False
    result = step.sqlalchemy["result"]
    if _error(result, "DELETE statement on table '") and result.get("err") == "StaleDataError":
        table = result["msg"].split("DELETE statement on table '", 1)[1].split("'", 1)[0]
    elif _error(result, "Can't delete from table ") and result.get("err") == "FlushError":
        table = result["msg"].split("Can't delete from table ", 1)[1].split(" ", 1)[0]
    else:
        return False
    from schema import MODELS
    before = (step.relate_before or {}).get("objects", {})
    return any(o["state"] == "pending" and MODELS[o["model"]].table.name == table
               for o in before.values())


def _row_switch(step):
    """sqlalchemy-row-switch: both flushes succeeded, and on SQLAlchemy's side an object
    that was pending before the step now shares its key with one the step deleted. Where
    SQLAlchemy's object ended persistent, the two sides differ only in rows of its table;
    where it ended detached (its row switch updated a row that its own deletion then
    removed: seed 786526), they differ also in that object's state and in the
    collections that hold it."""
    from schema import MODELS
    if step.flushes and _error(step.relate["result"], "the ORM nulls the foreign key") and \
            not _error(step.sqlalchemy["result"]):
        return _switched_row_keeps_children(step)
    if not step.flushes or _error(step.relate["result"]) or \
            _error(step.sqlalchemy["result"]):
        return False
    tables = {where.split(" ", 1)[1] for where, _r, _q in step.found if where.startswith("rows ")}
    if len(tables) != 1:
        return False
    objects = step.sqlalchemy["objects"]
    before = (step.relate_before or {}).get("objects", {})
    for group in step.sqlalchemy.get("reused_keys", []):
        held = [h[1:] for h in group if h[1:] in objects]
        if not held or MODELS[objects[held[0]]["model"]].table.name not in tables:
            continue
        states = {objects[h]["state"] for h in held}
        if "persistent" in states and states & {"deleted", "detached"} and \
                all(where.startswith("rows ") for where, _r, _q in step.found):
            return True
        was_pending = [h for h in held if before.get(h, {}).get("state") == "pending"]
        was_persistent = [h for h in held if before.get(h, {}).get("state") == "persistent"]
        if not was_pending or not was_persistent:
            continue
        names = {f"#{h}" for h in was_pending}
        if all(where.startswith("rows ") or where in {f"{n}.state" for n in names} or
               (where.count(".") == 1 and not where.endswith(".state") and
                names & (set(_listed(r)) ^ set(_listed(q))))
               for where, r, q in step.found):
            return True
    return False


def _switched_row_keeps_children(step):
    """sqlalchemy-row-switch, with children: SQLAlchemy's flush switched the row of a
    parent it deletes to an object that was pending before the step (they share a key),
    so the deleted parent's children, still flagged as having a parent, keep their
    foreign key and now name the new object; Relate refused to null their NOT NULL key
    (seed 887589)."""
    objects = step.sqlalchemy["objects"]
    before = (step.relate_before or {}).get("objects", {})
    for group in step.sqlalchemy.get("reused_keys", []):
        held = [h[1:] for h in group if h[1:] in objects]
        if any(before.get(h, {}).get("state") == "pending" for h in held) and \
                any(objects[h]["state"] == "deleted" for h in held):
            return True
    return False


def _listed(value):
    return value if isinstance(value, list) else [value]


def _failed_table(result):
    """The table of the statement a failed flush names in its error, or None."""
    if not _error(result):
        return None
    msg = result.get("msg", "")
    for pattern in (r"on table '(\w+)'", r"constraint failed: (\w+)\.",
                    r'(?:INSERT INTO|UPDATE|DELETE FROM) "?(\w+)"?'):
        match = re.search(pattern, msg)
        if match:
            return match.group(1)
    return None


def _unrelated_tables_fail(step):
    """sqlalchemy-order-of-unrelated-tables: both flushes fail, each on a statement of
    its own table, and no foreign key joins the two tables."""
    from schema import MODELS
    if not step.flushes:
        return False
    ours, theirs = _failed_table(step.relate["result"]), _failed_table(step.sqlalchemy["result"])
    if not ours or not theirs or ours == theirs:
        return False
    tables = {m.table.name: m.table for m in MODELS.values()}
    if ours not in tables or theirs not in tables:
        return False
    return not any(fk.referred_table in (ours, theirs)
                   for name in (ours, theirs) for fk in tables[name].foreign_keys
                   if name != fk.referred_table)


def _deleted_again(step):
    """sqlalchemy-deletes-twice: SQLAlchemy's flush fails on a DELETE that matches no
    row, of a table one of whose objects an earlier flush of the transaction deleted,
    where Relate's flush succeeds, or fails on a statement of another table (which
    SQLAlchemy's flush, stopped first, never reached: probe 12264)."""
    if not step.flushes:
        return False
    result = step.sqlalchemy["result"]
    if not _error(result, "DELETE statement on table '") or result.get("err") != "StaleDataError":
        return False
    table = result["msg"].split("DELETE statement on table '", 1)[1].split("'", 1)[0]
    if _error(step.relate["result"]) and _failed_table(step.relate["result"]) in (None, table):
        return False
    from schema import MODELS
    before = (step.relate_before or {}).get("objects", {})
    for h, o in before.items():
        model = MODELS.get(step.models.get(int(h)))
        if model is not None and model.table.name == table and o["state"] == "deleted":
            return True
    return False


def _sides_disagree(step):
    """sqlalchemy-sides-disagree: a child's many-to-one names no parent while, before the
    step, a collection or one-to-one of another pending or persistent object still held
    it. Relate's flush refused the NULL of a NOT NULL foreign key; or, the column
    nullable, it wrote the NULL and kept the child, and the differences are the child's
    (its state, its key, the holder's reference to it, the rows of its table)."""
    from schema import MODELS
    if not step.flushes:
        return False
    refused = _error(step.relate["result"], "it no longer refers through")
    if not refused and _error(step.relate["result"]):
        return False
    before = (step.relate_before or {}).get("objects", {})
    after = step.relate.get("objects", {})
    for h, o in before.items():
        for rel in MODELS[o["model"]].relationships:
            if rel.direction != "MANYTOONE" or not rel.back or \
                    o["relationships"].get(rel.name, "unloaded") is not None:
                continue
            holders = [other for other in before.values()
                       if other["model"] == rel.target and
                       other["state"] in ("pending", "persistent") and
                       f"#{h}" in _listed(other["relationships"].get(rel.back))]
            if not holders:
                continue
            if refused:
                return True
            child = after.get(h, {})
            target_table = MODELS[rel.target].table.name
            keys = [child.get("columns", {}).get(c)
                    for fk in MODELS[o["model"]].table.foreign_keys
                    if fk.referred_table == target_table for c in fk.columns]
            if child.get("state") != "persistent" or any(k is not None for k in keys):
                continue
            table = MODELS[o["model"]].table.name
            if all(where == f"rows {table}" or where.startswith(f"#{h}.") or
                   (where.endswith(f".{rel.back}") and f"#{h}" in _listed(r) + _listed(q))
                   for where, r, q in step.found):
                return True
    return False


# SQLAlchemy 1.4's own problems (findings.md, section I), not differences of Relate's:
# where no harness correction in sqlalchemy_emulation.py can drive SQLAlchemy past
# them, the sequence stops, counted apart.
SQLALCHEMY_PROBLEMS = [
    KnownDifference(
        "sqlalchemy-orphan-not-persisted",
        "SQLAlchemy's flush raises InvalidRequestError ('Instance ... is not persisted') "
        "for a pending child of a delete-orphan relationship that was taken out of its "
        "parent's collection while outside the Session and then added again: add() "
        "registers it for an INSERT, and the parent's history for a DELETE.",
        "The sequence stops where SQLAlchemy's flush raises that error and Relate's does "
        "not.",
        stop=lambda step: step.flushes and
        _error(step.sqlalchemy["result"], "is not persisted") and
        not _error(step.relate["result"], "")),
    KnownDifference(
        "sqlalchemy-delete-cascade-detached",
        "SQLAlchemy's delete() follows its delete cascade into the unloaded collection of "
        "a detached object the cascade reached through a transient one, and raises "
        "DetachedInstanceError from the lazy load.",
        "The sequence stops where SQLAlchemy's delete() raises that error and Relate's "
        "remove() does not.",
        stop=lambda step: step.verb == "delete" and
        _error(step.sqlalchemy["result"], "lazy load operation") and
        step.relate["result"] is None),
    KnownDifference(
        "sqlalchemy-post-update-stale-key",
        "SQLAlchemy's INSERT of a row whose many-to-one is a post_update writes the "
        "foreign key member as it is and sets it by an UPDATE afterwards; a member that "
        "still holds a key (here one a rolled-back flush wrote into a playlist made "
        "transient, and its favorite song is pending again) is inserted before the row it "
        "names exists, and the flush fails on the foreign key. Relate inserts the song "
        "first. The same with the favorite let go of after the rollback: the member still "
        "holds the rolled-back key, which the INSERT writes (the UPDATE to NULL would "
        "come after); Relate writes NULL, as the object shows.",
        "The sequence stops where SQLAlchemy's flush fails on a foreign key with such a "
        "pending playlist (its favorite pending, or None with Relate's row NULL), and "
        "Relate's succeeds.",
        stop=_post_update_stale_key),
    KnownDifference(
        "sqlalchemy-explicit-key-taken",
        "SQLAlchemy's flush orders the INSERTs of a self-referential table by dependency "
        "and not by arrival, so a row whose key the database generates can go before a "
        "row that carries its own key, and on SQLite take that key (max(rowid) + 1): the "
        "later INSERT fails on the primary key. Relate inserts in arrival order where "
        "dependencies allow, as SQLAlchemy does for other tables, and so meets the same "
        "failure where the arrival order puts the generated key first and SQLAlchemy's "
        "dependency order does not (seed 907239). Either way the flush fails with "
        "IntegrityError and writes nothing.",
        "The sequence stops where one side's flush fails on a primary key that a "
        "pending object of the table carries, and the other side's succeeds.",
        stop=_explicit_key_taken),
    KnownDifference(
        "sqlalchemy-delete-of-pending-orphan",
        "A child of a delete-orphan collection taken out of it while outside the Session "
        "(linked to a pending parent that was flushed, then unlinked) and then added is a "
        "pending orphan. SQLAlchemy's flush means to expunge it (it was orphaned outside "
        "the Session) but the parent's collection history still registers it for "
        "deletion, and the DELETE of a row it never inserted raises StaleDataError (or "
        "FlushError, for a NULL key). "
        "Relate refuses the flush before any SQL, naming the NOT NULL foreign key "
        "(findings.md, sixth round, seed 503561).",
        "The sequence stops where SQLAlchemy's flush fails on such a DELETE on a table of "
        "which Relate held a pending object, and Relate's flush refused too.",
        stop=_delete_of_pending_row),
    KnownDifference(
        "sqlalchemy-row-switch",
        "A new object that kept the key a rolled-back flush gave it, where SQLite has "
        "since given that key to another row: when the flush deletes that row's object, "
        "SQLAlchemy turns the DELETE and the INSERT into one UPDATE (its 'row switch') "
        "that writes only the members it sees as changed, and the row keeps the deleted "
        "object's values. Relate deletes the row and inserts the new object's, so the "
        "row shows what the object shows (findings.md, sixth round, seed 500970).",
        "The sequence stops where both flushes succeed and, on SQLAlchemy's side, an "
        "object pending before the step holds the key of one the step deleted: either "
        "that object is persistent and only the rows of its table differ, or (when "
        "SQLAlchemy's own delete of the switched row then removed it, seed 786526) it is "
        "detached and only the rows, its state and the collections holding it differ; or "
        "where Relate refused to null the NOT NULL key of the deleted object's children, "
        "which SQLAlchemy's switch left naming the new object (seed 887589).",
        stop=_row_switch),
    KnownDifference(
        "sqlalchemy-sides-disagree",
        "A child's many-to-one set to nothing while the collection of a parent the flush "
        "inserts still holds it (a transient parent kept the child across a rollback). "
        "SQLAlchemy runs both syncs, the collection's (the parent's key) and the "
        "reference's (NULL), in an order that differs from run to run: the row gets the "
        "parent's key, or the flush fails on the NOT NULL column. Relate takes the child "
        "for no orphan (the collection holds it) and refuses the NULL before any SQL "
        "(findings.md, seventh round, seed 521199). Where the column is nullable and the "
        "relationship deletes orphans, SQLAlchemy's 'has a parent' flag, one per child and "
        "set by whichever side changed last, decides: a child taken out of its old "
        "parent's one-to-one after a transient parent took it is deleted as an orphan, "
        "though the new parent still holds it. Relate writes the NULL the child shows "
        "and keeps its row (findings.md, twentieth round, seed 843876).",
        "The sequence stops where, before the step, a pending or persistent object's "
        "collection or one-to-one held a child whose many-to-one named no parent, and "
        "Relate refused the NULL, or wrote it and kept the child, the differences being "
        "that child's.",
        stop=_sides_disagree),
    KnownDifference(
        "sqlalchemy-order-of-unrelated-tables",
        "A flush with two statements that fail, on two tables no foreign key joins: "
        "SQLAlchemy orders such tables by the iteration order of sets of mappers, which "
        "differs from process to process, so which error the flush raises differs too "
        "(a NOT NULL INSERT of one table, or a stale DELETE of the other). Relate's "
        "order is fixed (findings.md, sixteenth round, seed 760922).",
        "The sequence stops where both flushes fail, each on a statement of another "
        "table, and no foreign key joins the two tables.",
        stop=_unrelated_tables_fail),
    KnownDifference(
        "sqlalchemy-deletes-twice",
        "An object a flush deleted stays in the collection of a parent that was outside "
        "the Session then (close() had detached it); deleting that parent later in the "
        "transaction cascades to the child again, and SQLAlchemy issues a second DELETE "
        "for its row, which matches nothing: StaleDataError. Relate's delete cascade "
        "passes over an object whose row a flush of the transaction deleted "
        "(findings.md, seventeenth round, seed 788995).",
        "The sequence stops where SQLAlchemy's flush fails with StaleDataError on a "
        "DELETE of a table one of whose objects Relate showed deleted before the step, "
        "and Relate's flush succeeds or fails on another table's statement.",
        stop=_deleted_again),
]

SQLALCHEMY_SESSION_OPTIONS = {"autoflush": True, "expire_on_commit": False}


def configure_models(base):
    """What the known differences change in the SQLAlchemy mapping (no-backref-cascade):
    each relationship's save-update cascade runs only from its own side."""
    from sqlalchemy.orm import configure_mappers
    configure_mappers()
    for mapper in base.registry.mappers:
        for prop in mapper.relationships:
            prop.cascade_backrefs = False
