"""The attacks of a department with a valid token that wants more of a citizen's datum than it may see: a second
field carrying the same datum, a combination that rebuilds it, and probing which candidate IDs exist."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from itertools import islice, product

import pytest

from access.decisions import Effect
from settings import ROOT
from tests.support.gateway import AUDITOR, Gateway, Stores, start_gateway
from tests.support.id_candidates import candidates, fitting
from tests.support.lax_policy import lax_policy

DEMO_RATE_LIMITS = ROOT / "policy" / "rate-limits.yaml"
PROBED = ("human-resources", "identity-verification")


@pytest.fixture(scope="module", params=["demo", "lax"])
def demo(request: pytest.FixtureRequest, sqlite_stores: Stores, tmp_path_factory: pytest.TempPathFactory,
         ) -> Iterator[Gateway]:
    """The demo policy, and the demo policy with the first wave's openings put back; the demo rate limits."""
    policy_dir = lax_policy(tmp_path_factory.mktemp("lax")) if request.param == "lax" else ROOT / "policy"
    started = start_gateway(sqlite_stores, policy_dir=policy_dir, rate_limits_file=DEMO_RATE_LIMITS)
    yield started
    started.stop()


def _budget(gateway: Gateway) -> int:
    return gateway.runtime.decisions.lookup_budget


def _callers(gateway: Gateway) -> list[tuple[str, str]]:
    policy = gateway.runtime.policies.current
    return list(product(sorted(policy.departments), sorted(policy.purposes)))


def _sees(gateway: Gateway, department: str, purpose: str, field: str) -> Effect:
    runtime = gateway.runtime
    return runtime.decisions.compiled(runtime.policies.current, department, (), purpose).decisions[field].effect


def _representative_holding_an_id_licence(dataset) -> tuple[dict, dict, dict]:
    """An entity whose representative holds a licence numbered with the representative's own ID number."""
    numbered = {lic["czztdm"]: lic for lic in dataset.licences
                if lic["czztdmlx"] == "111" and lic["zzbh"] == lic["czztdm"]}
    persons = {p["gmsfhm"]: p for p in dataset.persons}
    entity = next(e for e in dataset.entities if e["fddbrzjhm"] in numbered)
    return entity, persons[entity["fddbrzjhm"]], numbered[entity["fddbrzjhm"]]


SECOND_DOORS = """query($uscc: String!, $licence: String!) {
  legalEntity(uscc: $uscc) {
    legalRepresentativeName legalRepresentativeIdNumber
    legalRepresentative { idNumber name licences { number holderCode holderName } }
  }
  licence(licenceId: $licence) { number holderCode holderName holder { ... on Person { idNumber name } } }
}"""


@pytest.mark.parametrize(("department", "purpose"), [("market-regulation", "business-registration-approval"),
                                                     ("human-resources", "identity-verification"),
                                                     ("approval-bureau", "business-registration-approval"),
                                                     ("data-bureau", "data-quality-check")])
def test_a_datum_seen_masked_does_not_come_back_through_a_second_field(demo: Gateway, dataset, department: str,
                                                                      purpose: str) -> None:
    entity, person, licence = _representative_holding_an_id_licence(dataset)
    response = demo.post(SECOND_DOORS, {"uscc": entity["tyshxydm"], "licence": licence["zzbs"]}, dept=department,
                         purpose=purpose)
    assert response.status_code == 200, response.text
    body = response.text
    if _sees(demo, department, purpose, "Person.idNumber") is not Effect.CLEAR:
        assert person["gmsfhm"] not in body
    if _sees(demo, department, purpose, "Person.name") is not Effect.CLEAR:
        assert json.dumps(person["xm"], ensure_ascii=False) not in body
        assert json.dumps(entity["fddbr"], ensure_ascii=False) not in body


def test_the_answer_says_a_second_field_was_tightened_because_of_the_datum(demo: Gateway, dataset) -> None:
    if _sees(demo, "market-regulation", "business-registration-approval", "Licence.number") is not Effect.MASK:
        pytest.fail("market-regulation sees licence numbers masked, by the rules or tightened")
    entity, _, licence = _representative_holding_an_id_licence(dataset)
    response = demo.post(SECOND_DOORS, {"uscc": entity["tyshxydm"], "licence": licence["zzbs"]},
                         dept="market-regulation", purpose="business-registration-approval")
    masked = response.json()["extensions"]["access"]["masked"]
    number = [m for m in masked if m["field"] == "Licence.number"]
    if demo.runtime.settings.policy_dir == ROOT / "policy":  # the demo rules mask it themselves
        assert number == [{"field": "Licence.number", "mask": "R11"}]
    else:
        assert number == [{"field": "Licence.number", "mask": "R1b", "when": {"holderCodeType": "111"},
                           "reason": number[0]["reason"]}]
        assert "citizen-id datum" in number[0]["reason"]


PERSON = """query($id: String!) {
  person(idNumber: $id) { idNumber birthDate gender householdRegion birthplace }
  legalEntities(usccs: []) { uscc }
}"""


def test_no_caller_of_the_demo_policy_can_rebuild_a_masked_id_from_what_it_is_given(demo: Gateway, dataset) -> None:
    person = dataset.persons[0]
    budget = _budget(demo)
    for department, purpose in _callers(demo):
        response = demo.post(PERSON, {"id": person["gmsfhm"]}, dept=department, purpose=purpose)
        assert response.status_code == 200, (department, purpose, response.text)
        seen = response.json()["data"]["person"]
        if seen["idNumber"] == person["gmsfhm"]:
            continue
        masked = seen["idNumber"] if seen["idNumber"] and "*" in seen["idNumber"] else None
        region = seen["householdRegion"] if seen["householdRegion"] and len(seen["householdRegion"]) == 6 else None
        left = candidates(masked, seen["birthDate"], seen["gender"], region, date.today(), budget)
        assert left > budget, (department, purpose, seen, left)


ENTITY = "query($uscc: String!) { legalEntity(uscc: $uscc) { legalRepresentative { idNumber birthDate gender " \
         "householdRegion } } }"
PROBE = "query($ids: [String!]!) { persons(idNumbers: $ids) { __typename } }"


def test_the_two_request_demasking_fails(demo: Gateway, dataset) -> None:
    """As human-resources verifying identity: read a representative's masked ID and birth year, then ask which of
    the candidates exist. The answer leaves more candidates than a day's lookups, and the lookups run out first."""
    entity = dataset.entities[3]
    truth = entity["fddbrzjhm"]
    first = demo.post(ENTITY, {"uscc": entity["tyshxydm"]}, dept=PROBED[0], purpose=PROBED[1])
    seen = first.json()["data"]["legalEntity"]["legalRepresentative"]
    assert seen["idNumber"] != truth
    budget = _budget(demo)
    masked = seen["idNumber"] if seen["idNumber"] and "*" in seen["idNumber"] else None
    found = fitting(masked, seen["birthDate"], seen["gender"], seen["householdRegion"], date.today())
    assert found is not None
    pool = [candidate for candidate in islice(found, 5 * budget) if candidate != truth]  # the truth tried last
    assert len(pool) + 1 > budget
    tried = 0
    refusal = None
    for start in range(0, len(pool), 50):
        response = demo.post(PROBE, {"ids": pool[start:start + 50]}, dept=PROBED[0], purpose=PROBED[1])
        if response.status_code != 200:
            refusal = response
            break
        tried += 50
    assert refusal is not None and refusal.status_code == 429
    assert refusal.json()["errors"][0]["extensions"]["code"] == "LOOKUP_BUDGET_EXCEEDED"
    assert tried <= budget < len(pool)


AUDIT = """query($id: String!) { accessRecord { subject(idNumber: $id) { requestId } } }"""


def test_a_representative_read_through_an_entity_is_a_subject_on_the_record(demo: Gateway, dataset) -> None:
    entity = dataset.entities[5]
    served = demo.post("query($u: String!) { legalEntity(uscc: $u) { name legalRepresentativeIdNumber } }",
                       {"u": entity["tyshxydm"]}, dept="market-regulation", purpose="business-registration-approval")
    assert served.status_code == 200
    unseen = demo.post("query($u: String!) { legalEntity(uscc: $u) { name } }", {"u": entity["tyshxydm"]},
                       dept="market-regulation", purpose="business-registration-approval")
    listed = demo.post(AUDIT, {"id": entity["fddbrzjhm"]}, **AUDITOR).json()["data"]["accessRecord"]["subject"]
    requests = {a["requestId"] for a in listed}
    assert served.json()["extensions"]["requestId"] in requests
    assert unseen.json()["extensions"]["requestId"] not in requests  # the entity's name reveals nothing of them


def test_a_holder_read_through_a_licence_is_a_subject_on_the_record(demo: Gateway, dataset) -> None:
    licence = next(lic for lic in dataset.licences if lic["czztdmlx"] == "111")
    served = demo.post("query($l: String!) { licence(licenceId: $l) { typeName holderName } }", {"l": licence["zzbs"]},
                       dept="market-regulation", purpose="business-registration-approval")
    assert served.status_code == 200
    listed = demo.post(AUDIT, {"id": licence["czztdm"]}, **AUDITOR).json()["data"]["accessRecord"]["subject"]
    assert served.json()["extensions"]["requestId"] in {a["requestId"] for a in listed}
