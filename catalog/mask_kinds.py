"""The mask kinds a catalog entry may name (standards.md §2.2): what each gives, not how it is computed.

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
class MaskKindSpec:
    id: str
    description: str
    graphql_types: frozenset[str]  # GraphQL scalar types the output is valid for


_SPECS = (
    MaskKindSpec("R1a", "citizen ID: keep first 1 and last 1", STRING_OUTPUT),
    MaskKindSpec("R1b", "citizen ID: keep area code (6) and last 4", STRING_OUTPUT),
    MaskKindSpec("R1c", "citizen ID: keep first 1 and last 2", STRING_OUTPUT),
    MaskKindSpec("R2", "keyed pseudonym: HMAC-SHA256 over consumer domain and normalised value, base32, 26 chars",
                 UNIQUE_STRING_OUTPUT),
    MaskKindSpec("R3", "personal name: keep surname (compound aware)", STRING_OUTPUT),
    MaskKindSpec("R4", "mobile number: keep first 3 and last 4", STRING_OUTPUT),
    MaskKindSpec("R5", "fixed-line number: keep area code and last 2", STRING_OUTPUT),
    MaskKindSpec("R6", "address: keep up to county level", STRING_OUTPUT),
    MaskKindSpec("R7a", "date: year only", STRING_OUTPUT),
    MaskKindSpec("R7b", "date: year and month", STRING_OUTPUT),
    MaskKindSpec("R7c", "birth date: 10-year age band, 80+ top-coded", STRING_OUTPUT),
    MaskKindSpec("R8", "GB/T 2260 region code: truncate to prefecture", STRING_OUTPUT),
    MaskKindSpec("R9", "bank card number: keep BIN (6) and last 4", STRING_OUTPUT),
    MaskKindSpec("R10", "USCC: keep first 8 and last 2", STRING_OUTPUT),
    MaskKindSpec("R11", "licence number: keep first 3 and last 3, hide at least 4", STRING_OUTPUT),
    MaskKindSpec("R12", "email: keep first character and domain", STRING_OUTPUT),
    MaskKindSpec("R13", "suppress: always null", ANY_OUTPUT),
    MaskKindSpec("R1b-holder", "licence holder code: R1b for citizen ID holders (111), clear for USCC (001), "
                               "R1a otherwise", STRING_OUTPUT),
)

MASK_KIND_SPECS: Mapping[str, MaskKindSpec] = MappingProxyType({spec.id: spec for spec in _SPECS})
