"""X-Purpose-Ref is a case number matching the configured pattern, never a place for personal data: a value
holding a citizen ID number or a mobile number is refused, and the refusal never repeats the value."""
from __future__ import annotations

import re

import pytest
from pydantic import ValidationError
from starlette.datastructures import Headers

from access.identity.tokens import Caller
from gateway.asking import state_purpose
from gateway.errors import RequestRefused
from gateway.purpose_ref import purpose_ref_problem
from settings import Settings

PATTERN = Settings().purpose_ref_pattern
CITIZEN_ID = "11010519491231002X"


@pytest.mark.parametrize("value", ["2026-XK/001.a", "MJ-2026-0042", "x" * 64, "110105194912"])
def test_case_numbers_are_accepted(value: str) -> None:
    assert purpose_ref_problem(value, PATTERN) is None


@pytest.mark.parametrize(("value", "reason"), [
    ("", "not a case number"),
    ("x" * 65, "not a case number"),
    ("case 42", "not a case number"),
    ("case\tref", "not a case number"),
    ("案件-2026-1", "not a case number"),
    ("+8613812345678", "not a case number"),
    (CITIZEN_ID, "citizen ID number"),
    (CITIZEN_ID.lower(), "citizen ID number"),
    (f"case-{CITIZEN_ID}-a", "citizen ID number"),
    (f"0{CITIZEN_ID}", "citizen ID number"),
    ("13812345678", "mobile phone number"),
    ("case-13812345678", "mobile phone number"),
    ("MJ8613912345678/2", "mobile phone number"),
])
def test_anything_else_is_refused_saying_why(value: str, reason: str) -> None:
    problem = purpose_ref_problem(value, PATTERN)
    assert problem is not None and reason in problem


def test_the_pattern_is_a_setting_and_personal_data_is_refused_whatever_it_allows() -> None:
    permissive = Settings(purpose_ref_pattern=".+").purpose_ref_pattern
    assert purpose_ref_problem("案件 2026", permissive) is None
    assert purpose_ref_problem(f"案件 {CITIZEN_ID}", permissive) == "it holds a citizen ID number"
    assert purpose_ref_problem("2026-XK/001.a", Settings(purpose_ref_pattern=r"\d+").purpose_ref_pattern) is not None


def test_a_pattern_that_is_not_a_regular_expression_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match=re.escape("'[A-Z' is not a regular expression")):
        Settings(purpose_ref_pattern="[A-Z")


@pytest.mark.parametrize("value", [f"case-{CITIZEN_ID}", "case-13812345678", "案件"])
def test_the_refusal_never_repeats_the_value(policy, value: str) -> None:
    headers = Headers(raw=[(b"x-purpose", b"social-assistance-review"), (b"x-purpose-ref", value.encode())])
    with pytest.raises(RequestRefused) as refused:
        state_purpose(Caller("case-system", "civil-affairs", ()), headers, policy, PATTERN)
    [problem] = refused.value.errors
    assert problem["extensions"]["code"] == "BAD_PURPOSE_REF"
    assert headers["x-purpose-ref"] not in str(problem)
    assert "13812345678" not in str(problem) and CITIZEN_ID not in str(problem)
