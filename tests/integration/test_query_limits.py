"""Query limits refuse a query before any department is asked, each with its own code; a query at the
limit passes; the limits follow the settings; introspection is not held to the depth limit."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import get_introspection_query
from graphql.language import Lexer, Source, TokenKind

from benchmarks.queries import PERSONS_QUERY
from settings import Settings
from tests.support.gateway import Gateway, Stores, start_gateway

NO_TRAFFIC = {"population": 0, "entity": 0, "licence": 0}
DEFAULTS = Settings()
TIGHT = {"max_document_chars": 300, "max_tokens": 60, "max_depth": 3, "max_fields": 8, "max_aliases": 2,
         "max_directives": 2,
         "max_query_cost": 56, "max_list_keys": 5}


@pytest.fixture(scope="module")
def default_gateway(sqlite_stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(sqlite_stores)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def tight_gateway(sqlite_stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(sqlite_stores, **TIGHT)
    yield started
    started.stop()


@pytest.fixture()
def defaults(default_gateway: Gateway) -> Gateway:
    default_gateway.reset_counts()
    return default_gateway


@pytest.fixture()
def tight(tight_gateway: Gateway) -> Gateway:
    tight_gateway.reset_counts()
    return tight_gateway


@pytest.fixture(scope="module")
def representative(dataset) -> str:
    """A person who represents a legal entity: every relation in the queries below finds rows."""
    return dataset.entities[0]["fddbrzjhm"]


def tokens(query: str) -> int:
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


HEAD = "query($ids: [String!]!) { persons(idNumbers: $ids) "


def deep(depth: int) -> str:
    """persons > representedEntities > legalRepresentative > ... > name: `depth` fields deep."""
    relations = ["representedEntities", "legalRepresentative"] * depth
    chain = ["persons(idNumbers: $ids)", *relations[:depth - 2], "name"]
    return "query($ids: [String!]!) { " + " { ".join(chain) + " }" * (depth - 1) + " }"


def wide(count: int) -> str:
    """persons and `count - 1` fields inside it."""
    return HEAD + "{ " + "name " * (count - 1) + "} }"


def doubling(levels: int) -> str:
    """person(idNumber) and fragments each spreading the next twice: 1 + 2 ** levels fields once spread."""
    chain = " ".join(f"fragment F{i} on Person {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return (f"query($id: String!) {{ person(idNumber: $id) {{ ...F0 }} }} {chain} "
            f"fragment F{levels} on Person {{ name }}")


def aliased(count: int) -> str:
    return HEAD + "{ " + " ".join(f"a{i}: name" for i in range(count)) + " } }"


def directed(count: int) -> str:
    return HEAD + "{ " + "name @include(if: true) " * count + "} }"


def with_tokens(count: int) -> str:
    """A valid query of exactly `count` tokens (at least 27), padded with a default value the request overrides."""
    padding = " ".join('"-"' for _ in range(count - 26))
    query = f"query($ids: [String!]! = [{padding}]) {{ persons(idNumbers: $ids) {{ name }} }}"
    assert tokens(query) == count
    return query


def with_chars(count: int) -> str:
    query = HEAD + "{ name } }"
    return query + " " * (count - len(query))


def refusal(response: Any, code: str) -> dict:
    assert response.status_code == 400, response.text
    [problem] = response.json()["errors"]
    assert problem["extensions"]["code"] == code
    return problem["extensions"]


def served(response: Any) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


# -- each limit, at its default ------------------------------------------------------------------

@pytest.mark.parametrize(("make", "code", "measure", "limit"), [
    (lambda: with_chars(DEFAULTS.max_document_chars + 1), "DOCUMENT_TOO_LARGE", "characters",
     DEFAULTS.max_document_chars),
    (lambda: with_tokens(DEFAULTS.max_tokens + 1), "TOO_MANY_TOKENS", "tokens", DEFAULTS.max_tokens),
    (lambda: deep(DEFAULTS.max_depth + 1), "QUERY_TOO_DEEP", "depth", DEFAULTS.max_depth),
    (lambda: aliased(DEFAULTS.max_aliases + 1), "TOO_MANY_ALIASES", "aliases", DEFAULTS.max_aliases),
    (lambda: directed(DEFAULTS.max_directives + 1), "TOO_MANY_DIRECTIVES", "directives", DEFAULTS.max_directives),
], ids=["size", "tokens", "depth", "aliases", "directives"])
def test_a_document_over_a_default_limit_is_refused_with_its_code_before_any_department(
        defaults: Gateway, representative: str, make, code: str, measure: str, limit: int) -> None:
    for _ in range(2):  # the second time from the document cache
        extensions = refusal(defaults.post(make(), {"ids": [representative]}), code)
        assert extensions == {"code": code, measure: limit + 1, "limit": limit}
    assert defaults.counts() == NO_TRAFFIC


def test_a_query_over_the_default_cost_ceiling_is_refused_before_any_department(
        defaults: Gateway, dataset) -> None:
    query = """query($ids: [String!]!) { persons(idNumbers: $ids) { name
        representedEntities { name licences { licenceId holder { ... on LegalEntity { licences { licenceId } } } } }
    } }"""
    ids = [p["gmsfhm"] for p in dataset.persons[:1000]]
    extensions = refusal(defaults.post(query, {"ids": ids}), "QUERY_TOO_COSTLY")
    # per person: name 1 + representedEntities (1 + 5 x (name 1 + licences (1 + 10 x (1 + 1 + 1 x (1 + 10)))))
    assert extensions == {"code": "QUERY_TOO_COSTLY", "cost": 1 + 1000 * (1 + 1 + 5 * (1 + 1 + 10 * 13)),
                          "limit": DEFAULTS.max_query_cost}
    assert defaults.counts() == NO_TRAFFIC


@pytest.mark.parametrize("levels", [10, 50])
def test_fragments_doubling_at_each_level_are_refused_at_once_by_their_spread_size(
        defaults: Gateway, representative: str, levels: int) -> None:
    extensions = refusal(defaults.post(doubling(levels), {"id": representative}, timeout=10), "TOO_MANY_FIELDS")
    assert extensions == {"code": "TOO_MANY_FIELDS", "fields": 1 + 2 ** levels, "limit": DEFAULTS.max_fields}
    assert defaults.counts() == NO_TRAFFIC


def test_fragments_doubling_within_the_field_limit_are_served(defaults: Gateway, representative: str) -> None:
    assert served(defaults.post(doubling(9), {"id": representative}))["person"]["name"]


def test_more_keys_than_the_default_is_refused_with_its_own_code(defaults: Gateway, dataset) -> None:
    ids = [p["gmsfhm"] for p in dataset.persons[:DEFAULTS.max_list_keys + 1]]
    response = defaults.post("query($ids: [String!]!) { persons(idNumbers: $ids) { name } }", {"ids": ids})
    extensions = refusal(response, "TOO_MANY_KEYS")
    assert extensions == {"code": "TOO_MANY_KEYS", "keys": DEFAULTS.max_list_keys + 1, "limit": DEFAULTS.max_list_keys}
    assert defaults.counts() == NO_TRAFFIC


ALIASED = """query($a: [String!]!, $b: [String!]!, $one: String!) {
  a: persons(idNumbers: $a) { name } b: persons(idNumbers: $b) { name } one: person(idNumber: $one) { name }
}"""


def test_keys_are_counted_across_every_root_field_and_alias(defaults: Gateway, dataset) -> None:
    ids = [p["gmsfhm"] for p in dataset.persons]
    over = {"a": ids[:500], "b": ids[500:1000], "one": ids[1000]}
    extensions = refusal(defaults.post(ALIASED, over), "TOO_MANY_KEYS")
    assert extensions == {"code": "TOO_MANY_KEYS", "keys": 1001, "limit": DEFAULTS.max_list_keys}
    assert defaults.counts() == NO_TRAFFIC
    data = served(defaults.post(ALIASED, {**over, "b": ids[500:999]}))
    assert (len(data["a"]), len(data["b"]), data["one"]["name"]) == (500, 499, dataset.persons[1000]["xm"])


def test_a_deliberate_amplification_is_refused_before_any_department(defaults: Gateway, dataset) -> None:
    query = """query($ids: [String!]!) { persons(idNumbers: $ids) {
        representedEntities { legalRepresentative { representedEntities { uscc } } } } }"""
    extensions = refusal(defaults.post(query, {"ids": [p["gmsfhm"] for p in dataset.persons[:1000]]}),
                         "TOO_MANY_SUBJECTS")
    # 1,000 persons, one fetch of their entities, the representatives (those persons again: no new subject), and
    # five fetches (5,000 parents) of the representatives' entities
    fetch = DEFAULTS.max_fetch_rows
    assert extensions == {"code": "TOO_MANY_SUBJECTS", "subjects": 1000 + fetch + 5 * fetch,
                          "limit": DEFAULTS.max_subjects}
    assert defaults.counts() == NO_TRAFFIC


# -- what the defaults let through ---------------------------------------------------------------

def test_the_benchmark_query_for_a_thousand_joined_persons_passes_by_default(defaults: Gateway, dataset) -> None:
    ids = [p["gmsfhm"] for p in dataset.persons[:1000]]
    persons = served(defaults.post(PERSONS_QUERY, {"ids": ids}))["persons"]
    assert len(persons) == 1000 and all(p is not None for p in persons)
    assert defaults.counts() == {"population": 1, "entity": 1, "licence": 1}


@pytest.mark.parametrize("make", [
    lambda: with_chars(DEFAULTS.max_document_chars),
    lambda: with_tokens(DEFAULTS.max_tokens),
    lambda: deep(DEFAULTS.max_depth),
    lambda: aliased(DEFAULTS.max_aliases),
    lambda: directed(DEFAULTS.max_directives),
], ids=["size", "tokens", "depth", "aliases", "directives"])
def test_a_document_at_a_default_limit_is_served(defaults: Gateway, representative: str, make) -> None:
    assert served(defaults.post(make(), {"ids": [representative]}))["persons"][0] is not None
    assert defaults.counts()["population"] >= 1


def test_graphiql_introspection_is_served_to_an_authenticated_caller(defaults: Gateway) -> None:
    query = get_introspection_query(descriptions=True, specified_by_url=True, directive_is_repeatable=True,
                                    schema_description=True, input_value_deprecation=True)
    schema = served(defaults.post(query))["__schema"]
    assert schema["queryType"] == {"name": "Query", "kind": "OBJECT"}
    assert {"Person", "LegalEntity", "Licence"} <= {t["name"] for t in schema["types"]}
    assert defaults.counts() == NO_TRAFFIC


# -- the settings move every limit ---------------------------------------------------------------

def _tight_cost(extra: str) -> str:
    # persons 1 + 5 keys x licences (1 + 5 x fields): 56 with two licence fields
    return "query($ids: [String!]!) { persons(idNumbers: $ids) { licences { licenceId typeName " + extra + "} } }"


@pytest.mark.parametrize(("at_limit", "over_limit", "code"), [
    (with_chars(TIGHT["max_document_chars"]), with_chars(TIGHT["max_document_chars"] + 1), "DOCUMENT_TOO_LARGE"),
    (with_tokens(TIGHT["max_tokens"]), with_tokens(TIGHT["max_tokens"] + 1), "TOO_MANY_TOKENS"),
    (deep(TIGHT["max_depth"]), deep(TIGHT["max_depth"] + 1), "QUERY_TOO_DEEP"),
    (wide(TIGHT["max_fields"]), wide(TIGHT["max_fields"] + 1), "TOO_MANY_FIELDS"),
    (aliased(TIGHT["max_aliases"]), aliased(TIGHT["max_aliases"] + 1), "TOO_MANY_ALIASES"),
    (directed(TIGHT["max_directives"]), directed(TIGHT["max_directives"] + 1), "TOO_MANY_DIRECTIVES"),
    (_tight_cost(""), _tight_cost("status "), "QUERY_TOO_COSTLY"),
], ids=["size", "tokens", "depth", "fields", "aliases", "directives", "cost"])
def test_each_limit_follows_its_setting(tight: Gateway, dataset, representative: str, at_limit: str,
                                        over_limit: str, code: str) -> None:
    variables = {"ids": [representative, *(p["gmsfhm"] for p in dataset.persons[:TIGHT["max_list_keys"] - 1])]}
    refusal(tight.post(over_limit, variables), code)
    assert tight.counts() == NO_TRAFFIC
    served(tight.post(at_limit, variables))
    assert tight.counts() != NO_TRAFFIC


def test_keys_per_list_argument_follow_their_setting(tight: Gateway, dataset) -> None:
    query = "query($ids: [String!]!) { persons(idNumbers: $ids) { name } }"
    ids = [p["gmsfhm"] for p in dataset.persons[:TIGHT["max_list_keys"] + 1]]
    refusal(tight.post(query, {"ids": ids}), "TOO_MANY_KEYS")
    assert tight.counts() == NO_TRAFFIC
    assert len(served(tight.post(query, {"ids": ids[:-1]}))["persons"]) == TIGHT["max_list_keys"]


def test_introspection_is_not_held_to_the_depth_limit(tight: Gateway) -> None:
    query = "{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }"
    assert served(tight.post(query))["__schema"]["types"]
