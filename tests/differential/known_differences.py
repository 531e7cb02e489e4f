"""Known, deliberate differences between Relate and SQLAlchemy 1.4, each documented in
docs/sqlalchemy.md (or docs/session.md). The fuzzer compares everything else.

Every entry names the documented difference and how the harness accounts for it:
either the SQLAlchemy Session is configured or driven the way Relate behaves by design
(sqlalchemy_emulation.py, whose code names the entry it serves), or the sequence stops
there. Nothing else in the harness
weakens a comparison. An entry is added only for a difference the documentation
states, after the fuzzer has shown it.
"""

from dataclasses import dataclass
from typing import Callable, Optional



@dataclass(frozen=True)
class KnownDifference:
    name: str
    documented: str  # where, and what it says
    handling: str
    # For a difference no emulation can absorb: (verb, differences) -> True when it is
    # this one; the sequence then stops there, counted apart ("stopped at a known
    # difference"), since the two sides cannot be compared past it.
    stop: Optional[Callable] = None


KNOWN = [
    KnownDifference(
        "no-autoflush",
        "docs/sqlalchemy.md, 'Queries do not autoflush': Relate has no autoflush; "
        "SQLAlchemy flushes before a query or lazy load (autoflush=True by default).",
        "The SQLAlchemy Session is made with autoflush=False."),
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
        "failed flush': Relate puts every object back as it was before the flush (member "
        "values, states, generated keys) and refuses any further use of the Session with "
        "PendingRollbackError until rollback(); SQLAlchemy leaves objects as the failed "
        "flush made them (new objects leave the Session keeping the keys the flush gave "
        "them, the others are expired and unreadable until rollback()) and raises "
        "PendingRollbackError only where it needs the transaction.",
        "Before each flush the SQLAlchemy runner notes every object's state, column values "
        "and whether it was marked for deletion. After a failed flush, until rollback() or "
        "close(): it reports those states, and for an attribute the failure expired that "
        "value; it puts back the column values of the new objects the failure made "
        "transient; it refuses add, delete, flush, commit and queries with "
        "PendingRollbackError, as Relate's Session does."),
    KnownDifference(
        "expunge-no-cascade",
        "docs/session.md, 'More of the Session': expunge(obj) 'does not cascade yet'; "
        "docs/cascades.md: the cascade word expunge is accepted with no effect. SQLAlchemy "
        "expunges along relationships with the expunge cascade (part of 'all').",
        "After session.expunge(obj), the SQLAlchemy runner puts back, without cascading, "
        "every other object the cascade took out of the Session."),
    KnownDifference(
        "one-to-one-move-clears",
        "docs/sqlalchemy.md, 'One-to-one is strict': moving the child of a one-to-one to "
        "another parent clears the old parent's one<> at once; SQLAlchemy leaves the old "
        "parent's attribute pointing at the child until it expires.",
        "After each operation the SQLAlchemy runner sets a one-to-one parent's attribute "
        "to None (as loaded) when the child it holds points back at another parent."),
    KnownDifference(
        "on-delete-mirrored",
        "docs/sqlalchemy.md, 'The database's ON DELETE is mirrored in memory', and "
        "docs/cascades.md: when a flush deletes a row and the database cascades to rows "
        "whose objects are in the Session, Relate deletes those objects (deleted, then "
        "detached at commit) and reads NULL in the foreign keys SET NULL cleared; "
        "SQLAlchemy keeps them as they were until they expire.",
        "After each successful flush the SQLAlchemy runner reads, through the Session's "
        "connection, the row of every object whose table has an ON DELETE CASCADE or SET "
        "NULL foreign key: an object whose row is gone is taken out of the Session without "
        "cascading and reported deleted (detached after commit; put back by rollback), and "
        "a foreign key the database set to NULL is set to None as loaded."),
    KnownDifference(
        "deleted-leave-relationships",
        "docs/sqlalchemy.md, 'Deleted objects leave loaded collections at flush': the "
        "flush removes a deleted object from the loaded relationships of the objects that "
        "remain; SQLAlchemy leaves it there until the collection expires.",
        "After each successful flush the SQLAlchemy runner takes the objects it deleted "
        "out of the loaded relationships of the Session's objects that remain (set as "
        "loaded, no history)."),
    KnownDifference(
        "rollback-restores-values",
        "docs/sqlalchemy.md, 'rollback() restores values': every persistent object's "
        "members return to their last committed values at once, and relationships are "
        "expired; SQLAlchemy expires the objects and reloads them on next access.",
        "After rollback() the SQLAlchemy runner loads the column attributes of every "
        "persistent object at once, from the database (so that a later close() does not "
        "leave them unreadable). Relationships stay expired on both sides. Objects first "
        "loaded inside the transaction are not special-cased: issue 14 item 5."),
    KnownDifference(
        "association-rows-one-statement",
        "docs/sqlalchemy.md, 'A deleted object's association rows go in one statement': "
        "Relate deletes them with one DELETE per many-to-many relationship, loaded or "
        "not; SQLAlchemy loads the collection to delete them row by row.",
        "After each successful flush the SQLAlchemy runner unloads again the many-to-many "
        "collections of the objects it deleted that were not loaded before the flush."),
    KnownDifference(
        "one-to-one-replace-deletes-first",
        "docs/sqlalchemy.md, 'One-to-one is strict': replacing a child under delete-orphan "
        "deletes the old row before inserting the new one, so that a unique foreign key "
        "holds; SQLAlchemy inserts first and fails on it.",
        "The sequence stops where SQLAlchemy's flush fails on the unique foreign key of "
        "the one-to-one (badges.owner_id) and Relate's does not.",
        stop=lambda verb, found: verb in ("flush", "commit") and any(
            w == "result" and r is None and isinstance(q, dict) and
            "UNIQUE constraint failed: badges.owner_id" in q.get("msg", "")
            for w, r, q in found)),
    KnownDifference(
        "no-backref-cascade",
        "docs/sqlalchemy.md, 'No cascade through the back reference': linking an object "
        "outside the Session to one inside, from the outside object's side, leaves it "
        "outside, as SQLAlchemy 2.0 does; SQLAlchemy 1.4's cascade_backrefs brings it in.",
        "Every relationship of the SQLAlchemy models gets cascade_backrefs=False "
        "(configure_models), SQLAlchemy 2.0's behaviour."),
]

SQLALCHEMY_SESSION_OPTIONS = {"autoflush": False, "expire_on_commit": False}


def configure_models(base):
    """What the known differences change in the SQLAlchemy mapping (no-backref-cascade):
    each relationship's save-update cascade runs only from its own side."""
    from sqlalchemy.orm import configure_mappers
    configure_mappers()
    for mapper in base.registry.mappers:
        for prop in mapper.relationships:
            prop.cascade_backrefs = False
