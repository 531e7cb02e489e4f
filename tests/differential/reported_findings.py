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


def _refresh_of_row_autoflush_deleted(verb, found, relate, sqlalchemy):
    """refresh-after-autoflush-delete: Relate's refresh() of an object marked by
    remove() lets its autoflush delete the row, then finds none and makes the object
    transient (ObjectDeletedError); SQLAlchemy's raises InvalidRequestError ('Could not
    refresh instance') and the object stays deleted, so a rollback brings it back
    persistent."""
    if verb != "refresh":
        return False
    r, q = relate["result"], sqlalchemy["result"]
    return isinstance(r, dict) and r.get("err") == "ObjectDeletedError" and \
        isinstance(q, dict) and "autoflush deleted" in q.get("msg", "")


def _new_object_left_expired(verb, found, relate, sqlalchemy):
    """failed-flush-leaves-pending-expired: after a failed flush Relate makes an
    object an earlier flush of the transaction inserted pending again, but leaves it
    expired when expire() had expired it: it has no row, so its members never load
    (ObjectDeletedError, DetachedInstanceError once transient), and it shows no key of
    0. SQLAlchemy's emulated restore (failed-flush-restores) shows its members."""
    for h, o in relate.get("objects", {}).items():
        if o["state"] in ("pending", "transient") and "expired" in o["columns"].values() and \
                any(where.startswith(f"#{h}.") for where, _r, _q in found):
            return True
    return False


# Every finding reported so far is fixed or documented (findings.md has where each
# stands); a new one goes here, with its mask, until it is decided.
FINDINGS = [
    Finding("refresh-after-autoflush-delete",
            "session.refresh(obj) of an object marked by remove(): the autoflush deletes "
            "its row, and Relate then makes the object transient (ObjectDeletedError), "
            "where SQLAlchemy raises InvalidRequestError and leaves it deleted (back "
            "persistent after a rollback).",
            abandon=_refresh_of_row_autoflush_deleted),
    Finding("failed-flush-leaves-pending-expired",
            "expire() of an object a flush of the transaction inserted, then a failed "
            "flush: Relate makes it pending again but leaves it expired, with no row to "
            "load from (its key shows as the expired value, not 0; an access throws).",
            abandon=_new_object_left_expired),
]

BY_ID = {f.id: f for f in FINDINGS}
