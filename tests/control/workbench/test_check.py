"""`policy check` finds each kind of mistake with its file and line, fails on errors, and passes the demo policy."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.control.workbench.support import POLICY_DIR, append, copy_policy, line_of, run_cli


@pytest.fixture()
def policy_dir(tmp_path: Path) -> Path:
    return copy_policy(tmp_path / "policy")


def _check(policy_dir: Path, *options: str) -> tuple[int, list[dict]]:
    result = run_cli("check", "--dir", str(policy_dir), "--format", "json", *options)
    return result.exit_code, json.loads(result.stdout)["findings"]


def _only(findings: list[dict], code: str) -> dict:
    matching = [f for f in findings if f["code"] == code]
    assert len(matching) == 1, findings
    return matching[0]


def test_the_demo_policy_passes() -> None:
    result = run_cli("check", "--dir", str(POLICY_DIR))
    assert result.exit_code == 0, result.stdout
    assert "no findings" in result.stdout
    assert json.loads(run_cli("check", "--dir", str(POLICY_DIR), "--format", "json").stdout)["findings"] == []


@pytest.mark.parametrize(("line", "words"), [
    ("p, tax-office, identity-verification, Person.name, clear", "unknown department 'tax-office'"),
    ("p, civil-affairs, curiosity, Person.name, clear", "unknown purpose 'curiosity'"),
    ("p, civil-affairs, identity-verification, Person.shoeSize, clear", "unknown field 'Person.shoeSize'"),
    ("p, civil-affairs, identity-verification, Person.religion, clear", "NOT_SHARED"),
], ids=["unknown-department", "unknown-purpose", "unknown-field", "not-shared-without-basis"])
def test_a_line_the_loader_refuses_is_an_error_at_its_line(policy_dir: Path, line: str, words: str) -> None:
    number = append(policy_dir, line)
    result = run_cli("check", "--dir", str(policy_dir))
    assert result.exit_code == 1
    assert f"rules.csv:{number}: error [invalid]" in result.stdout
    assert words in result.stdout


def test_every_wrong_line_is_reported_not_only_the_first(policy_dir: Path) -> None:
    first = append(policy_dir, "p, tax-office, identity-verification, Person.name, clear")
    second = append(policy_dir, "p, civil-affairs, curiosity, Person.name, clear")
    status, findings = _check(policy_dir)
    assert status == 1
    assert [(Path(f["file"]).name, f["line"], f["severity"]) for f in findings] == \
        [("rules.csv", first, "error"), ("rules.csv", second, "error")]


def test_a_conditional_grant_for_every_purpose_is_an_error(policy_dir: Path) -> None:
    number = append(policy_dir, "p, civil-affairs, *, Person.phone, mask")
    status, findings = _check(policy_dir)
    assert status == 1
    finding = _only(findings, "grant-without-purpose")
    assert (finding["line"], finding["severity"]) == (number, "error")
    assert "Person.phone (CONDITIONAL)" in finding["message"]


def test_a_type_pattern_for_every_purpose_is_an_error_too(policy_dir: Path) -> None:
    number = append(policy_dir, "p, data-bureau, *, Licence.*, mask")
    assert _only(_check(policy_dir)[1], "grant-without-purpose")["line"] == number


def test_a_duplicate_rule_is_an_error_naming_the_first(policy_dir: Path) -> None:
    rule = "p, civil-affairs, social-assistance-review, Person.name, clear"
    first = line_of(policy_dir, rule)
    number = append(policy_dir, rule.replace("clear", "clear, 另一依据"))
    status, findings = _check(policy_dir)
    assert status == 1
    finding = _only(findings, "duplicate")
    assert (finding["line"], finding["severity"]) == (number, "error")
    assert f"rules.csv:{first}" in finding["message"]
    assert not [f for f in findings if f["code"] != "duplicate"], "a duplicate is not reported twice"


@pytest.mark.parametrize("line", [
    "p, public-security, identity-verification, NOT_SHARED, clear, 《某法》第十条",
    "p, group:nobody, identity-verification, Person.name, clear",
], ids=["not-shared-by-share-class", "group-without-members"])
def test_a_rule_that_can_never_match_is_an_error(policy_dir: Path, line: str) -> None:
    number = append(policy_dir, line)
    result = run_cli("check", "--dir", str(policy_dir))
    assert result.exit_code == 1
    assert f"rules.csv:{number}: error [never-matches]" in result.stdout


def test_a_mask_rule_shadowed_by_a_clear_rule_is_an_error(policy_dir: Path) -> None:
    mask = line_of(policy_dir, "p, civil-affairs, social-assistance-review, Person.phone, mask")
    clear = append(policy_dir, "p, civil-affairs, social-assistance-review, Person.*, clear")
    status, findings = _check(policy_dir)
    assert status == 1
    finding = _only(findings, "overridden")
    assert (finding["line"], finding["severity"]) == (mask, "error")
    assert f"rules.csv:{clear}" in finding["message"]


def test_a_rule_shadowed_by_a_broader_one_is_a_warning_failing_only_when_strict(policy_dir: Path) -> None:
    group_rule = line_of(policy_dir, "p, group:social-departments, employment-service, Person.education, clear")
    number = append(policy_dir, "p, human-resources, employment-service, Person.education, clear")
    status, findings = _check(policy_dir)
    assert status == 0
    finding = _only(findings, "redundant")
    assert (finding["line"], finding["severity"]) == (number, "warning")
    assert f"rules.csv:{group_rule}" in finding["message"]
    result = run_cli("check", "--dir", str(policy_dir), "--strict")
    assert result.exit_code == 1
    assert f"rules.csv:{number}: warning [redundant]" in result.stdout


def test_a_second_field_opening_a_masked_datum_is_flagged_at_its_line(policy_dir: Path) -> None:
    datum = line_of(policy_dir, "p, market-regulation, business-registration-approval, Person.idNumber, mask")
    number = append(policy_dir, "p, market-regulation, business-registration-approval, Licence.*, clear")
    _, findings = _check(policy_dir)
    flagged = [f for f in findings if f["code"] == "carrier-looser-than-datum"]
    assert {(f["line"], f["message"].split(" ")[0]) for f in flagged} == {(number, "Licence.number"),
                                                                            (number, "Licence.holderCode")}
    assert all(f["severity"] == "warning" and f"rules.csv:{datum}" in f["message"] for f in flagged)
    assert run_cli("check", "--dir", str(policy_dir), "--strict").exit_code == 1


def test_a_combination_rebuilding_a_masked_id_is_flagged_at_each_line(policy_dir: Path) -> None:
    datum = line_of(policy_dir, "p, approval-bureau, licence-approval, Person.idNumber, mask")
    birth = append(policy_dir, "p, approval-bureau, licence-approval, Person.birthDate, clear")
    _, findings = _check(policy_dir)
    flagged = {(f["line"], f["message"].split(" ")[0]) for f in findings if f["code"] == "combination"}
    assert flagged == {(datum, "Person.idNumber"), (birth, "Person.birthDate")}
    assert all("rebuild the citizen-id datum" in f["message"] for f in findings if f["code"] == "combination")


def test_a_public_name_beside_a_masked_name_is_flagged(policy_dir: Path) -> None:
    name = append(policy_dir, "p, human-resources, identity-verification, LegalEntity.legalRepresentativeName, clear")
    _, findings = _check(policy_dir)
    finding = _only(findings, "carrier-looser-than-datum")
    assert finding["line"] == name and "person-name datum" in finding["message"]


def test_a_rule_that_matters_for_a_role_is_not_shadowed(policy_dir: Path) -> None:
    append(policy_dir, "p, role:inspector, identity-verification, Person.phone, mask")
    append(policy_dir, "civil-affairs,inspection-desk,inspector", file="roles.csv")
    assert _check(policy_dir) == (0, [])


def test_a_role_no_system_is_assigned_is_flagged_at_each_line_naming_it(policy_dir: Path) -> None:
    rule = append(policy_dir, "p, role:inspector, identity-verification, Person.phone, mask")
    grouping = append(policy_dir, "g, role:inspector, group:inspection")
    status, findings = _check(policy_dir)
    assert status == 0
    assert [(f["line"], f["severity"]) for f in findings if f["code"] == "unassigned-role"] == \
        [(rule, "warning"), (grouping, "warning")]
    assert "role:inspector is given to no system in roles.csv" in findings[-1]["message"]


def test_every_wrong_line_of_the_role_assignment_is_reported_at_its_line(policy_dir: Path) -> None:
    unknown_department = append(policy_dir, "tax-office,desk,auditor", file="roles.csv")
    unknown_role = append(policy_dir, "civil-affairs,desk,inspector", file="roles.csv")
    first = [n for n, line in enumerate((policy_dir / "roles.csv").read_text(encoding="utf-8").splitlines(), start=1)
             if line == "data-bureau,audit-desk,auditor"]
    repeated = append(policy_dir, "data-bureau,audit-desk,auditor", file="roles.csv")
    short = append(policy_dir, "data-bureau,audit-desk", file="roles.csv")
    status, findings = _check(policy_dir)
    assert status == 1
    assert [(Path(f["file"]).name, f["line"], f["code"]) for f in findings] == \
        [("roles.csv", line, "invalid") for line in (unknown_department, unknown_role, repeated, short)]
    messages = [f["message"] for f in findings]
    assert "unknown department 'tax-office'" in messages[0] and "unknown role 'inspector'" in messages[1]
    assert messages[2] == f"repeats roles.csv:{first[0]}" and "(2 values given)" in messages[3]


def test_a_wrong_purposes_file_is_reported_at_its_line(policy_dir: Path) -> None:
    number = append(policy_dir, "social-assistance-review,重复,《某法》", file="purposes.csv")
    status, findings = _check(policy_dir)
    assert status == 1
    assert [(Path(f["file"]).name, f["line"]) for f in findings] == [("purposes.csv", number)]
    assert "appears twice" in findings[0]["message"]


def test_a_broken_model_is_reported(policy_dir: Path) -> None:
    (policy_dir / "model.conf").write_text("[request_definition]\nr = sub\n", encoding="utf-8")
    status, findings = _check(policy_dir)
    assert status == 1
    assert Path(findings[0]["file"]).name == "model.conf"
