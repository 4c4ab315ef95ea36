"""The mask kinds a catalog entry may name (standards.md §2.2): what each gives and what it keeps of a datum, not how
it is computed.

Access implements each kind (`access.masking.kinds`) and refuses to start if the two lists differ.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

STRING_OUTPUT = frozenset({"String"})
# Only R2 tokens are unique per value, so only they may back a GraphQL ID (clients cache by ID).
UNIQUE_STRING_OUTPUT = frozenset({"String", "ID"})
ANY_OUTPUT = frozenset({"String", "ID", "Int", "Float", "Boolean"})


@dataclass(frozen=True)
class KeepEnds:
    """Keeps the first `head` and the last `tail` characters of a value (of a date, its digits: R7a keeps 4 of 8)."""
    head: int
    tail: int

    def positions(self, length: int) -> frozenset[int]:
        """The 1-based positions kept of a value `length` characters long.

        >>> sorted(KeepEnds(6, 4).positions(18))
        [1, 2, 3, 4, 5, 6, 15, 16, 17, 18]
        """
        return frozenset(range(1, min(self.head, length) + 1)) | frozenset(range(length - self.tail + 1, length + 1))


@dataclass(frozen=True)
class KeepParts:
    """Keeps the named parts of a datum (a name's surname)."""
    parts: frozenset[str]


KEEP_NOTHING = KeepParts(frozenset())
Keeps = KeepEnds | KeepParts


@dataclass(frozen=True)
class MaskKindSpec:
    id: str
    description: str
    graphql_types: frozenset[str]  # GraphQL scalar types the output is valid for
    keeps: Keeps | None = None  # what it keeps of the value; None: not stated, so taken as all of it


_SPECS = (
    MaskKindSpec("R1a", "citizen ID: keep first 1 and last 1", STRING_OUTPUT, KeepEnds(1, 1)),
    MaskKindSpec("R1b", "citizen ID: keep area code (6) and last 4", STRING_OUTPUT, KeepEnds(6, 4)),
    MaskKindSpec("R1c", "citizen ID: keep first 1 and last 2", STRING_OUTPUT, KeepEnds(1, 2)),
    MaskKindSpec("R2", "keyed pseudonym: HMAC-SHA256 over consumer domain and normalised value, base32, 26 chars",
                 UNIQUE_STRING_OUTPUT, KEEP_NOTHING),
    MaskKindSpec("R3", "personal name: keep surname (compound aware)", STRING_OUTPUT,
                 KeepParts(frozenset({"surname"}))),
    MaskKindSpec("R4", "mobile number: keep first 3 and last 4", STRING_OUTPUT, KeepEnds(3, 4)),
    MaskKindSpec("R5", "fixed-line number: keep area code and last 2", STRING_OUTPUT),
    MaskKindSpec("R6", "address: keep up to county level", STRING_OUTPUT),
    MaskKindSpec("R7a", "date: year only", STRING_OUTPUT, KeepEnds(4, 0)),
    MaskKindSpec("R7b", "date: year and month", STRING_OUTPUT, KeepEnds(6, 0)),
    MaskKindSpec("R7c", "birth date: 10-year age band, 80+ top-coded", STRING_OUTPUT, KeepEnds(3, 0)),
    MaskKindSpec("R8", "GB/T 2260 region code: truncate to prefecture", STRING_OUTPUT, KeepEnds(4, 0)),
    MaskKindSpec("R9", "bank card number: keep BIN (6) and last 4", STRING_OUTPUT),
    MaskKindSpec("R10", "USCC: keep first 8 and last 2", STRING_OUTPUT, KeepEnds(8, 2)),
    MaskKindSpec("R11", "licence number: keep first 3 and last 3, hide at least 4", STRING_OUTPUT,
                 KeepEnds(3, 3)),
    MaskKindSpec("R12", "email: keep first character and domain", STRING_OUTPUT),
    MaskKindSpec("R13", "suppress: always null", ANY_OUTPUT, KEEP_NOTHING),
    MaskKindSpec("R1b-holder", "licence holder code: R1b for citizen ID holders (111), clear for USCC (001), "
                               "R1a otherwise", STRING_OUTPUT, KeepEnds(6, 4)),
)

MASK_KIND_SPECS: Mapping[str, MaskKindSpec] = MappingProxyType({spec.id: spec for spec in _SPECS})
