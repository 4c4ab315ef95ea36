"""`policy diff`: every (department, roles, purpose, field) whose decision changes, exactly as the engine decides."""
from __future__ import annotations

import csv
import functools
import io
import itertools
import json
from pathlib import Path

import pytest

from access.decisions import compile_decisions
from access.policy.registry import load_departments
from access.policy.store import Policy, load_policy
from catalog import load_catalog
from control.workbench.diff import diff_policies
from control.workbench.matrix import cell_text
from tests.control.workbench.support import POLICY_DIR, append, copy_policy, run_cli


@pytest.fixture(scope="module")
def demo() -> Policy:
    return _demo_policy()


@pytest.fixture()
def edited(tmp_path: Path) -> Path:
    return copy_policy(tmp_path / "policy")


def _replace(directory: Path, old: str, new: str) -> None:
    path = directory / "rules.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(old + "\n") == 1
    path.write_text(text.replace(old + "\n", new + "\n" if new else ""), encoding="utf-8")


@functools.cache
def _demo_decisions(department: str, roles: tuple[str, ...], purpose: str) -> dict:
    catalog = load_catalog(load_departments(POLICY_DIR / "departments.csv"))
    return compile_decisions(_demo_policy(), catalog, department, roles, purpose).decisions


@functools.cache
def _demo_policy() -> Policy:
    return load_policy(POLICY_DIR, load_catalog(load_departments(POLICY_DIR / "departments.csv")))


def _engine_changes(new: Policy, catalog, roles: tuple[str, ...]) -> set[tuple]:
    """Every cell of the demo policy and `new` compared through compile_decisions, with no narrowing at all."""
    old = _demo_policy()
    changes = set()
    for department, purpose, role in itertools.product(old.departments, old.purposes, ((), *((r,) for r in roles))):
        before = _demo_decisions(department, role, purpose)
        after = compile_decisions(new, catalog, department, role, purpose).decisions
        changes |= {(department, role, purpose, field, cell_text(before[field]), cell_text(after[field]))
                    for field in catalog.governed if cell_text(before[field]) != cell_text(after[field])}
    return changes


def _as_set(changes) -> set[tuple]:
    return {(c.department, c.roles, c.purpose, c.field, c.old, c.new) for c in changes}


def test_the_same_policy_changes_nothing(demo, catalog) -> None:
    assert diff_policies(demo, demo, catalog) == []
    result = run_cli("diff", str(POLICY_DIR), str(POLICY_DIR))
    assert result.exit_code == 0
    assert "no decision changes" in result.stdout


def test_edited_rules_give_exactly_the_engines_changes(demo, catalog, edited: Path) -> None:
    _replace(edited, "p, civil-affairs, social-assistance-review, Person.phone, mask",
             "p, civil-affairs, social-assistance-review, Person.phone, clear")
    _replace(edited, "p, market-regulation, business-registration-approval, LegalEntity.phone, clear", "")
    append(edited, "p, public-security, identity-verification, Person.*, mask")
    new = load_policy(edited, catalog)
    changes = _as_set(diff_policies(demo, new, catalog))
    assert changes == _engine_changes(new, catalog, ())
    assert ("civil-affairs", (), "social-assistance-review", "Person.phone", "MASK:R4", "CLEAR") in changes
    assert ("public-security", (), "identity-verification", "Person.maritalStatus", "DENY", "MASK:R13") in changes
    assert any(c[0] == "market-regulation" and c[5] == "DENY" for c in changes)


def test_a_role_rule_shows_under_that_role(demo, catalog, edited: Path) -> None:
    append(edited, "p, role:inspector, identity-verification, Person.phone, mask")
    new = load_policy(edited, catalog)
    changes = _as_set(diff_policies(demo, new, catalog))
    engine = _engine_changes(new, catalog, ("inspector",))
    assert changes == engine
    assert ("civil-affairs", ("inspector",), "identity-verification", "Person.phone", "DENY", "MASK:R4") in changes
    assert all(c[1] == ("inspector",) for c in changes)


def test_a_changed_membership_is_compared_everywhere(demo, catalog, edited: Path) -> None:
    append(edited, "g, data-bureau, group:social-departments")
    new = load_policy(edited, catalog)
    changes = _as_set(diff_policies(demo, new, catalog))
    assert changes == _engine_changes(new, catalog, ())
    assert ("data-bureau", (), "employment-service", "Person.education", "DENY", "CLEAR") in changes


def test_a_new_department_is_absent_before(demo, catalog, edited: Path) -> None:
    append(edited, "tax-office,市税务局", file="departments.csv")
    append(edited, "p, tax-office, identity-verification, Person.name, clear")
    changes = diff_policies(demo, load_policy(edited, catalog), catalog)
    assert {c.department for c in changes} == {"tax-office"}
    assert {c.old for c in changes} == {None}
    assert len(changes) == len(demo.purposes) * len(catalog.governed)


def test_the_command_exits_0_with_changes_as_csv_and_json(edited: Path) -> None:
    _replace(edited, "p, civil-affairs, social-assistance-review, Person.phone, mask",
             "p, civil-affairs, social-assistance-review, Person.phone, clear")
    as_csv = run_cli("diff", str(POLICY_DIR), str(edited), "--format", "csv")
    assert as_csv.exit_code == 0
    assert list(csv.DictReader(io.StringIO(as_csv.stdout))) == [
        {"department": "civil-affairs", "roles": "", "purpose": "social-assistance-review", "field": "Person.phone",
         "old": "MASK:R4", "new": "CLEAR"}]
    as_json = run_cli("diff", str(POLICY_DIR), str(edited), "--format", "json")
    assert (as_json.exit_code, json.loads(as_json.stdout)[0]["new"]) == (0, "CLEAR")
    as_table = run_cli("diff", str(POLICY_DIR), str(edited))
    assert as_table.exit_code == 0 and "Person.phone" in as_table.stdout


def test_a_policy_that_does_not_load_is_refused(edited: Path) -> None:
    append(edited, "p, tax-office, identity-verification, Person.name, clear")
    result = run_cli("diff", str(POLICY_DIR), str(edited))
    assert result.exit_code == 1
    assert "unknown department 'tax-office'" in result.output
