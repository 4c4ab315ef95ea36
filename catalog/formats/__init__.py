"""The formats a catalog field may declare: dates, and the Chinese government identifiers (one module per
identifier, python-stdnum underneath) with their validation and construction."""
from collections.abc import Callable, Collection, Mapping

from catalog.formats.citizen_id import (
    citizen_id_birth_date,
    citizen_id_gender_code,
    make_citizen_id,
    normalize_citizen_id,
)
from catalog.formats.citizen_id_candidates import candidates_left
from catalog.formats.errors import InvalidIdentifier
from catalog.formats.licence_id import make_licence_id, normalize_licence_id
from catalog.formats.org_code import normalize_org_code, org_code_check_char
from catalog.formats.uscc import make_uscc, normalize_uscc

__all__ = [
    "CANDIDATE_COUNTERS",
    "FORMATS",
    "InvalidIdentifier",
    "Normalizer",
    "citizen_id_birth_date",
    "citizen_id_gender_code",
    "make_citizen_id",
    "make_licence_id",
    "make_uscc",
    "normalize_citizen_id",
    "normalize_licence_id",
    "normalize_org_code",
    "normalize_uscc",
    "org_code_check_char",
]

Normalizer = Callable[[str], str]

# format name -> how a value given by a caller is checked and put in canonical form (None: no check)
FORMATS: Mapping[str, Normalizer | None] = {
    "date": None,
    "citizen-id": normalize_citizen_id,
    "uscc": normalize_uscc,
    "licence-id": normalize_licence_id,
}

# format name -> how many values fit a partial view of one (positions shown, positions whose parity is known)
CandidateCounter = Callable[[Collection[int], Collection[int]], float]
CANDIDATE_COUNTERS: Mapping[str, CandidateCounter] = {"citizen-id": candidates_left}
