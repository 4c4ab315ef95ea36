"""The compiled executor answers exactly as graphql-core does, for the operations it accepts."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.gateway import Gateway, Stores, start_gateway

QUERIES = [
    """query($ids: [String!]!) { persons(idNumbers: $ids) { idNumber name gender birthDate maritalStatus phone
       licences { licenceId typeName holderName holderCode status holder { __typename } }
       representedEntities { uscc name legalRepresentativeIdNumber registeredCapital
         legalRepresentative { name } licences { number } } } }""",
    """query($ids: [String!]!) { a: persons(idNumbers: $ids) { ...P } b: persons(idNumbers: $ids) { n: name } }
       fragment P on Person { idNumber n: name licences { ... on Licence { licenceId } licenceId } }""",
    """query($ids: [String!]!, $no: Boolean!) { __typename persons(idNumbers: $ids) { __typename
       name @skip(if: $no) phone @include(if: $no) education } }""",
    """query($lid: String!, $u: String!) { licence(licenceId: $lid) { holder { __typename
       ... on Person { name licences { licenceId } } ... on LegalEntity { name uscc } } }
       legalEntity(uscc: $u) { legalRepresentative { idNumber representedEntities { uscc } } } }""",
]


@pytest.fixture(scope="module")
def both(sqlite_stores: Stores) -> Iterator[tuple[Gateway, Gateway]]:
    compiled = start_gateway(sqlite_stores, executor="compiled")
    general = start_gateway(sqlite_stores, executor="graphql-core")
    yield compiled, general
    compiled.stop()
    general.stop()


def _without_request_id(body: dict) -> dict:
    body["extensions"].pop("requestId")
    body["extensions"].pop("accessRecord")
    return body


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(("dept", "purpose"), [("civil-affairs", "social-assistance-review"),
                                               ("market-regulation", "business-registration-approval")])
def test_same_answer_from_both_executors(both, dataset, query: str, dept: str, purpose: str) -> None:
    held = next(lic for lic in dataset.licences if lic["czztdmlx"] == "111")
    variables = {"ids": [p["gmsfhm"] for p in dataset.persons[:40]] + ["11010519491231002X"], "no": True,
                 "lid": held["zzbs"], "u": dataset.entities[3]["tyshxydm"]}
    answers = [gateway.post(query, variables, dept=dept, purpose=purpose) for gateway in both]
    assert answers[0].status_code == answers[1].status_code == 200
    assert _without_request_id(answers[0].json()) == _without_request_id(answers[1].json())
    assert answers[0].json()["data"]


def test_introspection_goes_to_graphql_core(both) -> None:
    compiled, _ = both
    body = compiled.post("{ __schema { queryType { name } } }").json()
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}
