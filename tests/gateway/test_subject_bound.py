"""The subjects bound: one per key, relations bounded by their cap per parent and by the rows of a fetch, and what
is already counted never counted twice."""
from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLSchema, get_operation_ast, parse, validate
from graphql.execution.values import get_variable_values

from access.policy.registry import load_departments
from benchmarks.queries import PERSONS_QUERY
from catalog import load_catalog
from gateway.arguments import check_key_arguments, key_arguments
from gateway.errors import RequestRefused
from gateway.selection import select
from gateway.subject_bound import check_subject_bound, subject_bound
from resolvers.loaders import FetchLimits
from resolvers.prefetch import relations_by_level
from schema.query import build_schema
from settings import ROOT, Settings

CATALOG = load_catalog(load_departments(ROOT / "policy" / "departments.csv"))
DEFAULTS = Settings()
LIMITS = FetchLimits(DEFAULTS.max_list_keys, DEFAULTS.max_fetch_rows, DEFAULTS.max_subjects)
ENTITY = "91110000600037341L"
REPRESENTATIVES = """query($u: [String!]!) {
  legalEntities(usccs: $u) { legalRepresentative { representedEntities { uscc } } } }"""


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(CATALOG)._schema


def bound(schema: GraphQLSchema, query: str, variables: dict[str, Any] | None = None,
          limits: FetchLimits = LIMITS) -> int:
    document = parse(query)
    assert validate(schema, document) == []
    operation = get_operation_ast(document)
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    assert not isinstance(coerced, list), coerced
    selection = select(schema, document, operation, coerced)
    roots = check_key_arguments(schema, key_arguments(CATALOG), selection.roots, coerced, 1000, set())
    return subject_bound(CATALOG, relations_by_level(selection.fields, CATALOG), roots, limits)


def test_the_benchmark_query_for_a_thousand_persons_is_admitted_under_the_defaults(schema, dataset) -> None:
    ids = [person["gmsfhm"] for person in dataset.persons[:1000]]
    # 1,000 persons; their licences are about them; one fetch of their entities, at most max_fetch_rows
    assert bound(schema, PERSONS_QUERY, {"ids": ids}) == 1000 + DEFAULTS.max_fetch_rows <= DEFAULTS.max_subjects


def test_each_key_is_one_subject_and_an_entity_also_its_representative(schema) -> None:
    # an entity carries its representative's ID number and name: whom they are about is a subject too
    assert bound(schema, f'{{ a: legalEntity(uscc: "{ENTITY}") {{ name }} b: legalEntities(usccs: ["{ENTITY}", '
                         f'"{ENTITY}"]) {{ name }} }}') == 3 * 2
    assert bound(schema, '{ person(idNumber: "11010519491231002X") { name } }') == 1


def test_a_relation_is_bounded_by_its_cap_per_parent_until_a_fetch_is_fuller(schema) -> None:
    per_parent = CATALOG.relations["Person.representedEntities"].max_per_parent
    # each entity's representative is new, and brings up to max_per_parent entities
    assert bound(schema, REPRESENTATIVES, {"u": [ENTITY] * 3}) == 3 + 3 + 3 * per_parent
    assert bound(schema, REPRESENTATIVES, {"u": [ENTITY] * 1000}) == 1000 + 1000 + DEFAULTS.max_fetch_rows


def test_each_fetch_of_a_level_brings_at_most_its_rows(schema) -> None:
    limits = FetchLimits(batch_keys=2, rows=3, subjects=100)
    # 5 entities, 5 representatives, then 3 fetches of at most 2 parents each: 3 rows each
    assert bound(schema, REPRESENTATIVES, {"u": [ENTITY] * 5}, limits) == 5 + 5 + 3 * 3


def test_rows_about_subjects_already_counted_add_none(schema) -> None:
    query = """{ person(idNumber: "11010519491231002X") {
        licences { holder { ... on Person { name } ... on LegalEntity { name } } }
        representedEntities { legalRepresentative { name } licences { licenceId } } } }"""
    per_parent = CATALOG.relations["Person.representedEntities"].max_per_parent
    licences = CATALOG.relations["Person.licences"].max_per_parent
    # the person; the person's licences and their holder are the person (or, for the bound, an entity whose
    # representative may be anyone); the entities, whose representative is the person and whose licences are theirs
    assert bound(schema, query) == 1 + licences + per_parent


def test_every_alias_of_a_root_field_is_bounded_on_its_own(schema) -> None:
    query = """query($a: [String!]!, $b: [String!]!) {
        a: persons(idNumbers: $a) { representedEntities { uscc } } b: persons(idNumbers: $b) { name } }"""
    per_parent = CATALOG.relations["Person.representedEntities"].max_per_parent
    # relations are fetched by level whatever the alias: b's persons get their entities too
    assert bound(schema, query, {"a": ["11010519491231002X"] * 2, "b": ["11010519491231002X"] * 3}) == \
        2 + 2 * per_parent + 3 + 3 * per_parent


def test_a_bound_over_the_cap_is_refused_with_its_own_code() -> None:
    limits = FetchLimits(batch_keys=1000, rows=5000, subjects=10)
    check_subject_bound(CATALOG, {}, [("persons", 10)], limits)
    with pytest.raises(RequestRefused) as refused:
        check_subject_bound(CATALOG, {}, [("persons", 11)], limits)
    [problem] = refused.value.errors
    assert problem["extensions"] == {"code": "TOO_MANY_SUBJECTS", "subjects": 11, "limit": 10}
