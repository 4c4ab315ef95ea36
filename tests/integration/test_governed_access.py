"""What a caller sees depends on its department and purpose: clear, masked, or null with a reason."""
from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import httpx

from access.masking.generalize import date_to_age_band
from tests.support.gateway import Gateway, Stores, start_gateway

POLICY_DIR = Path(__file__).parents[2] / "policy"
CASE_QUERY = """query($ids: [String!]!) { persons(idNumbers: $ids) {
  idNumber name gender birthDate maritalStatus phone
  licences { licenceId holderName holderCode }
} }"""


def _married_adults(dataset, count: int) -> list[dict]:
    return [p for p in dataset.persons if p["hyzkdm"] in ("20", "21", "22", "23") and p["lxdh"]][:count]


def test_same_query_answers_differently_by_department_and_purpose(gateway: Gateway, dataset) -> None:
    people = _married_adults(dataset, 3)
    ids = [p["gmsfhm"] for p in people]
    social = gateway.post(CASE_QUERY, {"ids": ids}, dept="civil-affairs", purpose="social-assistance-review").json()
    business = gateway.post(CASE_QUERY, {"ids": ids}, dept="market-regulation",
                            purpose="business-registration-approval").json()
    for row, seen_social, seen_business in zip(people, social["data"]["persons"], business["data"]["persons"],
                                               strict=True):
        assert seen_social["maritalStatus"] == row["hyzkdm"]
        assert seen_social["phone"] == row["lxdh"][:3] + "****" + row["lxdh"][-4:]
        assert seen_social["idNumber"] == row["gmsfhm"]
        assert seen_business["maritalStatus"] is None and seen_business["phone"] is None
        assert seen_business["idNumber"] == row["gmsfhm"][:6] + "*" * 8 + row["gmsfhm"][-4:]
        assert seen_business["name"] == row["xm"]
        assert seen_business["birthDate"] == date_to_age_band(row["csrq"].isoformat(), date.today())
    assert {e["extensions"]["field"] for e in business["errors"]} == {"Person.maritalStatus", "Person.phone"}
    assert "errors" not in social


def test_denied_field_is_one_error_per_path_and_never_nulls_its_parent(gateway: Gateway, dataset) -> None:
    ids = [p["gmsfhm"] for p in dataset.persons[:50]]
    body = gateway.post("query($ids: [String!]!) { persons(idNumbers: $ids) { gender education "
                        "alias: education } }", {"ids": ids}, dept="market-regulation",
                        purpose="licence-approval").json()
    assert all(p is not None and p["education"] is None and p["alias"] is None for p in body["data"]["persons"])
    assert [p["gender"] for p in body["data"]["persons"]] == [p["xbdm"] for p in dataset.persons[:50]]
    paths = sorted(e["path"] for e in body["errors"])
    assert paths == [["persons", "alias"], ["persons", "education"]]
    for problem in body["errors"]:
        assert problem["extensions"]["code"] == "FORBIDDEN_FIELD"
        assert problem["extensions"]["field"] == "Person.education"
        assert "CONDITIONAL" in problem["extensions"]["reason"]


def test_extensions_list_what_was_masked_and_denied(gateway: Gateway, dataset) -> None:
    body = gateway.post(CASE_QUERY, {"ids": [dataset.persons[0]["gmsfhm"]]}, dept="market-regulation",
                        purpose="business-registration-approval", headers={"x-purpose-ref": "SCJG-2026-77"}).json()
    access = body["extensions"]["access"]
    assert access["purpose"] == "business-registration-approval" and access["purposeRef"] == "SCJG-2026-77"
    assert {m["field"]: m["mask"] for m in access["masked"]} == {"Person.idNumber": "R1b", "Person.birthDate": "R7c",
                                                                "Licence.holderCode": "R1b-holder"}
    assert {d["field"] for d in access["denied"]} == {"Person.maritalStatus", "Person.phone"}
    assert access["policyVersion"] == gateway.runtime.policies.current.version


def test_fragments_and_aliases_are_planned_too(gateway: Gateway, dataset) -> None:
    query = """query($id: String!) { who: person(idNumber: $id) { ...Contact } }
               fragment Contact on Person { mobile: phone }"""
    body = gateway.post(query, {"id": dataset.persons[1]["gmsfhm"]}, dept="market-regulation",
                        purpose="business-registration-approval").json()
    assert body["data"]["who"] == {"mobile": None}
    assert [e["path"] for e in body["errors"]] == [["who", "mobile"]]


def test_strict_mode_refuses_before_any_department_is_asked(counted: Gateway, dataset) -> None:
    response = counted.post(CASE_QUERY, {"ids": [dataset.persons[0]["gmsfhm"]]}, dept="market-regulation",
                            purpose="business-registration-approval", headers={"x-access-mode": "strict"})
    assert response.status_code == 403
    body = response.json()
    assert "data" not in body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN_FIELD"}
    assert body["extensions"]["access"]["refused"] is True
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


def test_strict_mode_answers_when_nothing_is_denied(gateway: Gateway, dataset) -> None:
    response = gateway.post("query($id: String!) { person(idNumber: $id) { name maritalStatus } }",
                            {"id": dataset.persons[0]["gmsfhm"]}, headers={"x-access-mode": "strict"})
    assert response.status_code == 200 and response.json()["data"]["person"]["name"] == dataset.persons[0]["xm"]


def test_holder_code_is_masked_by_its_holder_type(gateway: Gateway, dataset) -> None:
    query = "query($id: String!) { person(idNumber: $id) { licences { holderCode } } }"
    holder = next(lic["czztdm"] for lic in dataset.licences if lic["czztdmlx"] == "111")
    social = gateway.post(query, {"id": holder}).json()["data"]["person"]["licences"][0]["holderCode"]
    assert social == holder[:6] + "*" * 8 + holder[-4:]


def test_policy_edit_is_live_within_two_seconds(sqlite_stores: Stores, tmp_path: Path, dataset) -> None:
    policy_dir = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, policy_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    gateway = start_gateway(sqlite_stores, policy_dir=policy_dir)
    query, variables = "query($id: String!) { person(idNumber: $id) { education } }", \
        {"id": dataset.persons[0]["gmsfhm"]}
    try:
        before = gateway.post(query, variables, dept="market-regulation", purpose="licence-approval").json()
        assert before["data"]["person"]["education"] is None
        rules = policy_dir / "rules.csv"
        rules.write_text(rules.read_text(encoding="utf-8") +
                         "p, market-regulation, licence-approval, Person.education, clear\n", encoding="utf-8")
        changed_at = time.monotonic()
        while True:
            after = gateway.post(query, variables, dept="market-regulation", purpose="licence-approval").json()
            if after["data"]["person"]["education"] == dataset.persons[0]["whcddm"]:
                break
            assert time.monotonic() - changed_at < 2.0, "the policy change was not live within 2 s"
            time.sleep(0.05)

        rules.write_text(rules.read_text(encoding="utf-8") + "p, nobody, licence-approval, Person.phone, clear\n",
                         encoding="utf-8")
        deadline = time.monotonic() + 2.0
        while httpx.get(gateway.url + "/readyz").json()["policy"]["error"] is None:
            assert time.monotonic() < deadline, "/readyz did not report the broken policy"
            time.sleep(0.05)
        assert "rules.csv" in httpx.get(gateway.url + "/readyz").json()["policy"]["error"]
        still = gateway.post(query, variables, dept="market-regulation", purpose="licence-approval").json()
        assert still["data"]["person"]["education"] == dataset.persons[0]["whcddm"]
    finally:
        gateway.stop()
