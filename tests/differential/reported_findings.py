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


# Every finding reported so far is fixed or documented (findings.md has where each
# stands); a new one goes here, with its mask, until it is decided.
FINDINGS = [
    Finding("refresh-after-autoflush-delete",
            "session.refresh(obj) of an object marked by remove(): the autoflush deletes "
            "its row, and Relate then makes the object transient (ObjectDeletedError), "
            "where SQLAlchemy raises InvalidRequestError and leaves it deleted (back "
            "persistent after a rollback).",
            abandon=_refresh_of_row_autoflush_deleted),
]

BY_ID = {f.id: f for f in FINDINGS}
