"""`policy explain` gives the engine's own decision, the rule and membership lines behind it, and the catalog entry."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from access.decisions import compile_decisions
from access.policy.store import load_policy
from control.workbench.explain import explain
from tests.control.workbench.support import POLICY_DIR, append, copy_policy, line_of, run_cli

CASES = [  # department, purpose, field, the rule line that decides it (None: no rule)
    ("civil-affairs", "social-assistance-review", "Person.phone",
     "p, civil-affairs, social-assistance-review, Person.phone, mask"),
    ("civil-affairs", "employment-service", "Person.education",
     "p, group:social-departments, employment-service, Person.education, clear"),
    ("public-security", "identity-verification", "Person.idNumber",
     "p, public-security, identity-verification, Person.idNumber, clear"),
    ("human-resources", "identity-verification", "Person.idNumber",
     "p, *, identity-verification, Person.idNumber, mask"),
    ("market-regulation", "licence-approval", "Person.gender",
     "p, *, *, UNCONDITIONAL, clear, 国发〔2016〕51号 基础信息资源无条件共享"),
    ("public-security", "identity-verification", "Person.religion", None),
    ("civil-affairs", "social-assistance-review", "Person.education", None),
]


@pytest.mark.parametrize(("department", "purpose", "field", "rule"), CASES)
def test_the_explanation_is_the_engines_decision_with_its_rule_line(policy, catalog, department, purpose, field,
                                                                     rule) -> None:
    engine = compile_decisions(policy, catalog, department, (), purpose).decisions[field]
    explained = explain(policy, catalog, department, (), purpose, field, POLICY_DIR / "rules.csv")
    assert explained.decision == engine
    expected = [] if rule is None else [line_of(POLICY_DIR, rule)]
    assert [r.line for r in explained.rules] == expected
    assert [r.text for r in explained.rules] == ([rule] if rule else [])


def test_a_decision_tightened_because_of_its_datum_says_so(tmp_path: Path, catalog) -> None:
    directory = copy_policy(tmp_path / "policy")
    line = append(directory, "p, human-resources, identity-verification, LegalEntity.legalRepresentativeName, clear")
    explained = explain(load_policy(directory, catalog), catalog, "human-resources", (), "identity-verification",
                        "LegalEntity.legalRepresentativeName", directory / "rules.csv")
    assert (explained.decision.effect.value, explained.decision.mask) == ("MASK", "R3")
    assert explained.decision.reason.startswith("tightened from clear: datum:")
    assert [r.line for r in explained.rules] == [line]  # the rule the officers wrote, still named
    shown = run_cli("explain", "--dir", str(directory), "--dept", "human-resources", "--purpose",
                    "identity-verification", "--field", "LegalEntity.legalRepresentativeName", "--format", "json")
    assert "person-name datum" in json.loads(shown.stdout)["tightened"]


def test_a_group_rule_names_the_membership_line(policy, catalog) -> None:
    explained = explain(policy, catalog, "civil-affairs", (), "employment-service", "Person.education",
                        POLICY_DIR / "rules.csv")
    assert [g.line for g in explained.groupings] == [line_of(POLICY_DIR, "g, civil-affairs, group:social-departments")]


def test_the_catalog_entry_and_purpose_basis_are_given(policy, catalog) -> None:
    explained = explain(policy, catalog, "civil-affairs", (), "social-assistance-review", "Person.phone",
                        POLICY_DIR / "rules.csv")
    entry = catalog.governed["Person.phone"]
    assert (explained.catalog.share, explained.catalog.basis, explained.catalog.mask) == \
        (entry.share.value, entry.basis, entry.mask)
    assert explained.catalog.file == "population.yaml"
    assert explained.purpose_basis == policy.purposes["social-assistance-review"].legal_basis


def test_the_command_shows_decision_rule_location_and_catalog() -> None:
    rule_line = line_of(POLICY_DIR, "p, civil-affairs, social-assistance-review, Person.phone, mask")
    result = run_cli("explain", "--dir", str(POLICY_DIR), "--dept", "civil-affairs",
                     "--purpose", "social-assistance-review", "--field", "Person.phone")
    assert result.exit_code == 0, result.output
    assert "Person.phone for civil-affairs, purpose social-assistance-review: MASK" in result.stdout
    assert f"rules.csv:{rule_line}" in result.stdout
    assert "share CONDITIONAL" in result.stdout and "mask R4" in result.stdout


def test_roles_count_as_the_engine_counts_them(tmp_path: Path, catalog) -> None:
    directory = copy_policy(tmp_path / "policy")
    number = append(directory, "p, role:inspector, identity-verification, Person.phone, mask")
    ask = ["explain", "--dir", str(directory), "--dept", "civil-affairs", "--purpose", "identity-verification",
           "--field", "Person.phone", "--format", "json"]
    without = json.loads(run_cli(*ask).stdout)
    with_role = json.loads(run_cli(*ask, "--role", "inspector").stdout)
    policy = load_policy(directory, catalog)
    for answer, roles in ((without, ()), (with_role, ("inspector",))):
        engine = compile_decisions(policy, catalog, "civil-affairs", roles, "identity-verification")
        assert answer["decision"] == engine.decisions["Person.phone"].effect.value
    assert (without["decision"], without["rules"]) == ("DENY", [])
    assert with_role["decision"] == "MASK"
    assert [r["line"] for r in with_role["rules"]] == [number]


def test_an_unknown_name_is_a_usage_error() -> None:
    result = run_cli("explain", "--dir", str(POLICY_DIR), "--dept", "tax-office", "--purpose", "identity-verification",
                     "--field", "Person.name")
    assert result.exit_code == 2
    assert "unknown department 'tax-office'" in result.output
