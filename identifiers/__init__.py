"""Validation and construction of Chinese government identifiers."""

from identifiers.citizen_id import (
    citizen_id_birth_date,
    citizen_id_gender_code,
    make_citizen_id,
    normalize_citizen_id,
)
from identifiers.errors import InvalidIdentifier
from identifiers.licence_id import make_licence_id, normalize_licence_id
from identifiers.org_code import normalize_org_code, org_code_check_char
from identifiers.uscc import make_uscc, normalize_uscc

__all__ = [
    "InvalidIdentifier",
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
