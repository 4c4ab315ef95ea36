"""A policy is loaded whole or refused with file and line; a NOT_SHARED grant needs its legal basis."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from access.decisions import Effect, compile_decisions
from access.policy.registry import PolicyError
from access.policy.store import PolicyStore, load_policy, parse_policy, read_policy_files
from settings import ROOT

POLICY_DIR = ROOT / "policy"


@pytest.fixture()
def policy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def _append(policy_dir: Path, line: str, file: str = "rules.csv") -> int:
    path = policy_dir / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


@pytest.mark.parametrize(("line", "words"), [
    ("p, tax-office, identity-verification, Person.name, clear", "unknown department 'tax-office'"),
    ("p, civil-affairs, curiosity, Person.name, clear", "unknown purpose 'curiosity'"),
    ("p, civil-affairs, identity-verification, Person.shoeSize, clear", "unknown field 'Person.shoeSize'"),
    ("p, civil-affairs, identity-verification, Person.name, show", "effect 'show'"),
    ("p, civil-affairs, identity-verification, Person.religion, clear", "NOT_SHARED"),
    ("p, civil-affairs, identity-verification", "values given"),
    ("x, civil-affairs", "starts with 'p'"),
    ("g, civil-affairs, social", "group:<name>"),
])
def test_a_wrong_rule_is_refused_with_file_and_line(policy_dir: Path, catalog, line: str, words: str) -> None:
    number = _append(policy_dir, line)
    with pytest.raises(PolicyError) as refused:
        load_policy(policy_dir, catalog)
    assert f"rules.csv:{number}:" in str(refused.value)
    assert words in str(refused.value)


def test_a_wrong_assignment_line_refuses_the_whole_policy_with_file_and_line(policy_dir: Path, catalog) -> None:
    number = _append(policy_dir, "tax-office,audit-desk,auditor", file="roles.csv")
    with pytest.raises(PolicyError, match=rf"^roles\.csv:{number}: unknown department 'tax-office'$"):
        load_policy(policy_dir, catalog)


def test_the_assignment_is_part_of_the_policy_and_of_its_version(policy_dir: Path, catalog) -> None:
    store = PolicyStore(policy_dir, catalog)
    before = store.current
    assert before.assignment.of("data-bureau", "audit-desk") == ("auditor",)
    assert before.files["roles.csv"] == (policy_dir / "roles.csv").read_text(encoding="utf-8")
    _append(policy_dir, "human-resources,hr-audit,auditor", file="roles.csv")
    assert store.reload_if_changed() is True
    assert store.current.version != before.version
    assert store.current.assignment.of("human-resources", "hr-audit") == ("auditor",)
    assert before.assignment.of("human-resources", "hr-audit") == ()


def test_not_shared_field_opens_only_with_an_exact_rule_and_basis(policy_dir: Path, catalog) -> None:
    _append(policy_dir, "p, public-security, *, Person.*, clear")
    wide = load_policy(policy_dir, catalog)
    assert compile_decisions(wide, catalog, "public-security", (), "identity-verification") \
        .decisions["Person.religion"].effect is Effect.DENY
    _append(policy_dir, "p, public-security, identity-verification, Person.religion, clear, 《某法》第十条")
    opened = load_policy(policy_dir, catalog)
    decision = compile_decisions(opened, catalog, "public-security", (), "identity-verification") \
        .decisions["Person.religion"]
    assert decision.effect is Effect.CLEAR and "Person.religion" in decision.reason


def test_unknown_purpose_file_header_is_refused(policy_dir: Path, catalog) -> None:
    (policy_dir / "purposes.csv").write_text("code,name\nx,y\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"purposes\.csv:1"):
        load_policy(policy_dir, catalog)


def test_store_keeps_the_last_good_policy_and_reports_the_error(policy_dir: Path, catalog) -> None:
    made_live = []
    store = PolicyStore(policy_dir, catalog, on_live=made_live.append)
    good = store.current.version
    _append(policy_dir, "p, nobody, identity-verification, Person.name, clear")
    assert store.reload_if_changed() is False
    assert store.current.version == good
    assert "unknown department 'nobody'" in (store.last_error or "")
    rules = policy_dir / "rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8").replace("p, nobody,", "p, civil-affairs,"), encoding="utf-8")
    assert store.reload_if_changed() is True
    assert store.current.version != good and store.last_error is None
    assert made_live == [store.current]


def test_a_broken_model_is_refused(policy_dir: Path, catalog) -> None:
    (policy_dir / "model.conf").write_text("[request_definition]\nr = sub\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"model\.conf"):
        load_policy(policy_dir, catalog)


def test_a_publication_from_before_the_assignment_is_refused(policy_dir: Path, catalog) -> None:
    files = read_policy_files(policy_dir)
    del files["roles.csv"]
    with pytest.raises(PolicyError, match=r"^roles\.csv: missing from the policy$"):
        parse_policy(files, catalog)
