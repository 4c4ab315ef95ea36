"""roles.csv: each system's roles, read with line numbers and refused whole on any wrong line."""
from __future__ import annotations

import pytest

from access.policy.assignment import parse_assignment, scan_assignment
from access.policy.registry import PolicyError

DEPARTMENTS = {"civil-affairs", "data-bureau"}
NAMED = {"inspector", "case-officer"}  # the roles the rules name


def _parse(*lines: str) -> object:
    return parse_assignment("\n".join(("# who holds what", "department,system,role", *lines)) + "\n", DEPARTMENTS,
                            NAMED)


def test_each_system_holds_its_lines_roles_and_nothing_else() -> None:
    assignment = parse_assignment("department,system,role\n"
                                  "data-bureau, audit-desk, auditor\n"
                                  "\n"
                                  "# the inspectors\n"
                                  "civil-affairs,inspection-desk,inspector\n"
                                  "civil-affairs,inspection-desk,case-officer\n"
                                  "civil-affairs,case-desk,case-officer\n", DEPARTMENTS, NAMED)
    assert assignment.of("data-bureau", "audit-desk") == ("auditor",)
    assert assignment.of("civil-affairs", "inspection-desk") == ("case-officer", "inspector")
    assert assignment.of("civil-affairs", "audit-desk") == ()  # a system is of its department
    assert assignment.role_sets("civil-affairs") == {(), ("case-officer",), ("case-officer", "inspector")}
    assert assignment.role_sets("data-bureau") == {(), ("auditor",)}
    assert assignment.assigned == {"auditor", "case-officer", "inspector"}


@pytest.mark.parametrize(("line", "words"), [
    ("tax-office,desk,auditor", "unknown department 'tax-office'"),
    ("civil-affairs,desk,curator", "unknown role 'curator'"),
    ("civil-affairs,,auditor", "a system is named in 1 to 128 printable characters"),
    ("civil-affairs," + "s" * 129 + ",auditor", "a system is named in 1 to 128"),
    ("civil-affairs,desk", "(2 values given)"),
    ("civil-affairs,desk,auditor,extra", "(4 values given)"),
])
def test_a_wrong_line_refuses_the_assignment_naming_file_and_line(line: str, words: str) -> None:
    with pytest.raises(PolicyError) as refused:
        _parse("data-bureau,audit-desk,auditor", line)
    assert str(refused.value).startswith("roles.csv:4: ") and words in str(refused.value)


def test_a_repeated_line_names_the_first() -> None:
    with pytest.raises(PolicyError, match=r"^roles\.csv:4: repeats roles\.csv:3$"):
        _parse("data-bureau,audit-desk,auditor", "data-bureau, audit-desk ,auditor")


@pytest.mark.parametrize("text", ["", "# nothing\n", "data-bureau,audit-desk,auditor\n", "department,role,system\n"])
def test_the_header_is_required(text: str) -> None:
    with pytest.raises(PolicyError, match=r"roles\.csv(:\d+)?: the header"):
        parse_assignment(text, DEPARTMENTS, NAMED)


def test_every_wrong_line_is_found() -> None:
    _, problems = scan_assignment("department,system,role\ntax-office,a,auditor\ncivil-affairs,b,curator\n"
                                  "civil-affairs,c,inspector\n", DEPARTMENTS, NAMED)
    assert [str(p).split(":")[1] for p in problems] == ["2", "3"]
