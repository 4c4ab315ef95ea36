"""What a decision is: an effect on one field for one caller and purpose, and why."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Effect(str, Enum):
    CLEAR = "CLEAR"
    MASK = "MASK"
    DENY = "DENY"


@dataclass(frozen=True)
class CaseMask:
    """A mask for the rows whose `switch` field holds `value` (a licence number when the holder is a person)."""
    switch: str
    value: str
    mask: str
    reason: str


@dataclass(frozen=True)
class Decision:
    field: str
    effect: Effect
    mask: str | None  # the mask kind of every row (MASK), unless a case says otherwise
    reason: str
    rule: tuple[str, ...] | None  # the rule applied, as the engine holds it
    cases: tuple[CaseMask, ...] = ()
    tightened: str | None = None  # why the rules' own decision was made stricter (a datum, a combination)
