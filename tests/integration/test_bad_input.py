"""Malformed keys are refused before any department is asked; unknown well-formed keys are null."""
from __future__ import annotations

import pytest

from tests.support.gateway import Gateway

BAD_IDS = [
    ("1101051949123100", "18 characters"),
    ("11010519491231002A", "character"),
    ("110105194912310021", "check digit"),
]


@pytest.mark.parametrize(("bad", "reason"), BAD_IDS)
def test_malformed_id_number_is_refused_naming_argument_and_reason(counted: Gateway, bad: str, reason: str) -> None:
    response = counted.post("query($id: String!) { person(idNumber: $id) { name } }", {"id": bad})
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["extensions"]["code"] == "BAD_USER_INPUT"
    assert problem["extensions"]["argument"] == "idNumber"
    assert reason in problem["extensions"]["reason"]
    assert "idNumber" in problem["message"]
    assert bad not in response.text  # the value, which may be someone's ID number, is never repeated
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


def test_one_bad_key_in_a_list_refuses_the_whole_request(counted: Gateway, dataset) -> None:
    ids = [dataset.persons[0]["gmsfhm"], "110105194912310021"]
    response = counted.post("query($ids: [String!]!) { persons(idNumbers: $ids) { name } }", {"ids": ids})
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["extensions"]["index"] == 1 and problem["extensions"]["argument"] == "idNumbers"
    assert "idNumbers'[1]" in problem["message"] and ids[1] not in response.text
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


@pytest.mark.parametrize(("query", "argument", "bad"), [
    ("{ legalEntity(uscc: \"91110000600037341M\") { name } }", "uscc", "check"),
    ("{ legalEntities(usccs: [\"9111000060003734IL\"]) { name } }", "usccs", "character"),
    ("{ licence(licenceId: \"1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.A\") "
     "{ licenceId } }", "licenceId", "check"),
])
def test_malformed_uscc_and_licence_ids_in_literals(counted: Gateway, query: str, argument: str, bad: str) -> None:
    response = counted.post(query)
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["extensions"]["code"] == "BAD_USER_INPUT" and problem["extensions"]["argument"] == argument
    assert bad in problem["extensions"]["reason"]
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


def test_more_than_a_thousand_keys_is_refused(counted: Gateway) -> None:
    ids = ["11010519491231002X"] * 1001
    response = counted.post("query($ids: [String!]!) { persons(idNumbers: $ids) { name } }", {"ids": ids})
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["extensions"] == {"code": "TOO_MANY_KEYS", "keys": 1001, "limit": 1000}
    assert "1001" in problem["message"] and "1000" in problem["message"]
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


def test_golden_identifiers_are_accepted_and_unknown(counted: Gateway) -> None:
    response = counted.post('{ person(idNumber: "11010519491231002X") { name } '
                            'legalEntity(uscc: "91110000600037341L") { name } }')
    assert response.status_code == 200
    assert response.json()["data"] == {"person": None, "legalEntity": None}


def test_wrong_variable_type_is_bad_user_input(counted: Gateway) -> None:
    response = counted.post("query($ids: [String!]!) { persons(idNumbers: $ids) { name } }", {"ids": 5})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
