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


# Every finding reported so far is fixed or documented (findings.md has where each
# stands); a new one goes here, with its mask, until it is decided.
FINDINGS = []

BY_ID = {f.id: f for f in FINDINGS}
