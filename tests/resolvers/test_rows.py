"""Rows entering a request: their subjects counted against the request's cap before anything else is done."""
from __future__ import annotations

import pytest

from resolvers.rows import TYPE_KEY, RowIntake, SubjectField, TooManySubjects, raw_key


def intake(subjects: set[str], cap: int) -> RowIntake:
    return RowIntake("Licence", ["holderCode"], (SubjectField("holderCode"),), None, subjects, cap)


def test_subjects_are_counted_once_each() -> None:
    subjects = {"A"}
    rows = intake(subjects, 3)([{"holderCode": "A"}, {"holderCode": "B"}, {"holderCode": "B"}, {"holderCode": None}])
    assert subjects == {"A", "B"}
    assert rows[0][TYPE_KEY] == "Licence" and rows[0][raw_key("holderCode")] == "A"


def test_rows_that_would_pass_the_cap_are_refused_and_never_counted() -> None:
    subjects = {"A", "B"}
    rows = [{"holderCode": "A"}, {"holderCode": "C"}, {"holderCode": "D"}]
    with pytest.raises(TooManySubjects) as refused:
        intake(subjects, 3)(rows)
    assert refused.value.limit == 3
    assert subjects == {"A", "B"}
    assert all(TYPE_KEY not in row for row in rows)


def test_rows_about_subjects_already_counted_pass_at_the_cap() -> None:
    subjects = {"A", "B", "C"}
    assert len(intake(subjects, 3)([{"holderCode": "A"}, {"holderCode": "C"}])) == 2
    assert subjects == {"A", "B", "C"}
