"""A gateway with small caps, on both backends: a fetch with more rows than its cap is refused at its field path
(TOO_MANY_ROWS, the rest of the answer stands, nothing cut silently), and the subjects bound follows its setting."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from tests.support.gateway import Gateway, Stores, start_gateway

ROWS, SUBJECTS = 5, 8
NO_TRAFFIC = {"population": 0, "entity": 0, "licence": 0}
QUERY = """query($ids: [String!]!) { persons(idNumbers: $ids) {
  name licences { licenceId } representedEntities { uscc } } }"""


@pytest.fixture(scope="module")
def capped_gateway(stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(stores, max_fetch_rows=ROWS, max_subjects=SUBJECTS)
    yield started
    started.stop()


@pytest.fixture()
def capped(capped_gateway: Gateway) -> Gateway:
    capped_gateway.reset_counts()
    return capped_gateway


def _holders(counts: Counter[str], least: int) -> list[str]:
    """Three holders of at least `least` rows each."""
    found = [holder for holder, held in counts.most_common() if held >= least][:3]
    assert len(found) == 3
    return found


def _field_errors(body: dict) -> dict[tuple[str, ...], dict]:
    return {tuple(problem["path"]): problem["extensions"] for problem in body.get("errors", [])}


def test_a_fetch_past_its_row_cap_is_refused_at_its_field_path(capped: Gateway, dataset) -> None:
    licences = Counter(lic["czztdm"] for lic in dataset.licences if lic["czztdmlx"] == "111")
    entities = Counter(entity["fddbrzjhm"] for entity in dataset.entities)
    for field, ids, department in (("licences", _holders(licences, 2), "data-bureau"),
                                   ("representedEntities", _holders(entities, 2), "market-regulation")):
        response = capped.post(QUERY, {"ids": ids})
        assert response.status_code == 200, response.text
        body = response.json()
        names = {p["gmsfhm"]: p["xm"] for p in dataset.persons}
        assert [person["name"] for person in body["data"]["persons"]] == [names[key] for key in ids]
        assert all(person[field] is None for person in body["data"]["persons"])
        assert _field_errors(body)[("persons", field)] == {"code": "TOO_MANY_ROWS", "department": department,
                                                           "limit": ROWS, "per": "fetch"}


def test_fetches_within_their_row_cap_are_served_whole(capped: Gateway, dataset) -> None:
    held = Counter(lic["czztdm"] for lic in dataset.licences if lic["czztdmlx"] == "111")
    ids = [p["gmsfhm"] for p in dataset.persons if held[p["gmsfhm"]] == 1][:3]
    response = capped.post(QUERY, {"ids": ids})
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    assert [len(p["licences"]) for p in response.json()["data"]["persons"]] == [1, 1, 1]


def test_the_subjects_bound_follows_its_setting(capped: Gateway, dataset) -> None:
    ids = [p["gmsfhm"] for p in dataset.persons[:4]]
    response = capped.post(QUERY, {"ids": ids})
    # 4 persons, their licences (about them: no new subject), one fetch of at most 5 entities
    assert response.status_code == 400, response.text
    [problem] = response.json()["errors"]
    assert problem["extensions"] == {"code": "TOO_MANY_SUBJECTS", "subjects": 4 + ROWS, "limit": SUBJECTS}
    assert capped.counts() == NO_TRAFFIC
    assert capped.post(QUERY, {"ids": ids[:3]}).status_code == 200
