"""One statement (or HTTP call) per source per join level, whatever the number of parents."""
from __future__ import annotations

from tests.support.gateway import Gateway

JOINED = """query($ids: [String!]!) { persons(idNumbers: $ids) {
  idNumber name
  licences { licenceId typeName }
  representedEntities { uscc name licences { licenceId } legalRepresentative { name } }
} }"""


def test_a_thousand_joined_persons_cost_one_call_per_source_per_level(counted: Gateway, dataset) -> None:
    ids = [p["gmsfhm"] for p in dataset.persons[:1000]]
    response = counted.post(JOINED, {"ids": ids}, dept="public-security", purpose="identity-verification")
    assert response.status_code == 200
    persons = response.json()["data"]["persons"]
    assert len(persons) == 1000 and all(p is not None for p in persons)
    assert sum(len(p["representedEntities"]) for p in persons) > 0
    # persons: 1 population; their licences: 1 licence call; represented entities: 1 entity statement;
    # the entities' licences: 1 more licence call; their representatives are persons already loaded: 0.
    assert counted.counts() == {"population": 1, "entity": 1, "licence": 2}


def test_the_count_does_not_grow_with_the_number_of_parents(counted: Gateway, dataset) -> None:
    for size in (1, 10, 200):
        counted.reset_counts()
        ids = [p["gmsfhm"] for p in dataset.persons[100:100 + size]]
        response = counted.post("query($ids: [String!]!) { persons(idNumbers: $ids) { licences { licenceId } "
                                "representedEntities { uscc } } }", {"ids": ids},
                                dept="public-security", purpose="identity-verification")
        assert response.status_code == 200
        assert counted.counts() == {"population": 1, "entity": 1, "licence": 1}, size


def test_licence_holders_are_batched_per_source(counted: Gateway, dataset) -> None:
    entity_ids = [e["tyshxydm"] for e in dataset.entities[:100]]
    response = counted.post("""query($u: [String!]!) { legalEntities(usccs: $u) {
        licences { holder { __typename ... on LegalEntity { uscc } } } } }""", {"u": entity_ids},
                            dept="public-security", purpose="identity-verification")
    assert response.status_code == 200
    # The holders are the entities already loaded at the first level, so the cache answers.
    assert counted.counts() == {"population": 0, "entity": 1, "licence": 1}
