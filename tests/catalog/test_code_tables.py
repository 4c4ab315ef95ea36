"""The code tables agree with the identifiers and with what the generators produce."""

from catalog.code_tables import ENTITY_TYPES, INDUSTRIES, LICENCE_DEFINERS, LICENCE_TYPES
from catalog.formats import normalize_uscc
from departments.synthetic.entities import INDUSTRY_PROFILES, KINDS


def test_licence_type_codes_are_a_definer_code_and_a_three_digit_sequence():
    for type_code in LICENCE_TYPES:
        assert len(type_code) == 21 and type_code[18:].isdigit()
        assert type_code[:18] in LICENCE_DEFINERS


def test_definers_are_valid_central_government_codes():
    for definer in LICENCE_DEFINERS:
        assert normalize_uscc(definer) == definer
        assert definer.startswith("11100000")


def test_every_generated_entity_type_and_industry_is_documented():
    assert {kind.type_code for kind in KINDS} == ENTITY_TYPES.keys()
    assert INDUSTRY_PROFILES.keys() == INDUSTRIES.keys()
    assert all(set(kind.industries) <= INDUSTRIES.keys() for kind in KINDS)
