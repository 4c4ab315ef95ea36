"""The query limits' measures: cost estimate, depth, tokens, and the cache that measures a text once."""
from __future__ import annotations

import pytest
from graphql import (
    GraphQLSchema,
    GraphQLSyntaxError,
    get_introspection_query,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

import gateway.documents
from access.policy.registry import load_departments
from benchmarks.queries import PERSONS_QUERY
from catalog import load_catalog
from gateway.documents import DocumentCache
from gateway.errors import RequestRefused
from gateway.query_cost import estimate_cost, fan_outs
from gateway.query_limits import DocumentLimits, document_extent, parse_within_limits
from schema.query import build_schema
from settings import ROOT

KEY = "11010519491231002X"
LIMITS = DocumentLimits(max_chars=100_000, max_tokens=5_000, max_depth=10, max_fields=1_000, max_aliases=50,
                        max_directives=50)


CATALOG = load_catalog(load_departments(ROOT / "policy" / "departments.csv"))


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(CATALOG)._schema


def cost(schema: GraphQLSchema, query: str, variables: dict | None = None) -> int:
    document = parse(query)
    assert validate(schema, document) == []
    operation = get_operation_ast(document)
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    assert not isinstance(coerced, list), coerced
    return estimate_cost(schema, document, operation, coerced, fan_outs(CATALOG))


def test_the_benchmark_query_for_a_thousand_persons_costs_what_the_readme_says(schema) -> None:
    assert cost(schema, PERSONS_QUERY, {"ids": [KEY] * 1000}) == 43_001


def test_list_size_is_the_number_of_keys_given_in_a_variable_or_inline(schema) -> None:
    by_variable = "query($ids: [String!]!) { persons(idNumbers: $ids) { name idNumber } }"
    assert cost(schema, by_variable, {"ids": [KEY] * 7}) == 1 + 7 * 2
    assert cost(schema, by_variable, {"ids": [KEY] * 700}) == 1 + 700 * 2
    keys = ", ".join(f'"{KEY}"' for _ in range(3))
    inline = "{ persons(idNumbers: [" + keys + "]) { name } }"
    assert cost(schema, inline) == 1 + 3


def test_an_empty_list_still_counts_its_selection_once(schema) -> None:
    assert cost(schema, "{ persons(idNumbers: []) { name idNumber } }") == 1 + 2


def test_list_relations_count_their_fan_out_and_single_relations_one(schema) -> None:
    query = (f'{{ person(idNumber: "{KEY}") {{ licences {{ licenceId }} '
             'representedEntities { legalRepresentative { name } licences { licenceId } } } }')
    # person 1 + licences (1 + 5 x 1)
    #   + representedEntities (1 + 5 x (legalRepresentative 1 + 1 x 1, licences 1 + 10 x 1))
    assert cost(schema, query) == 1 + (1 + 5) + (1 + 5 * ((1 + 1) + (1 + 10)))


def test_skipped_fields_do_not_count(schema) -> None:
    query = ("query($no: Boolean!, $id: String!) "
             "{ person(idNumber: $id) { name licences @skip(if: $no) { licenceId } } }")
    assert cost(schema, query, {"no": True, "id": KEY}) == 1 + 1
    assert cost(schema, query, {"no": False, "id": KEY}) == 1 + 1 + (1 + 5)


def test_every_relation_is_charged_through_unions_and_fragments(schema) -> None:
    query = ('{ licence(licenceId: "x") { holder { ... on Person { licences { licenceId } } ...E } } } '
             "fragment E on LegalEntity { licences { licenceId } legalRepresentative { name } }")
    # licence 1 + holder (1 + 1 x (Person.licences (1 + 5 x 1) + LegalEntity.licences (1 + 10 x 1)
    #                               + legalRepresentative (1 + 1 x 1)))
    assert cost(schema, query) == 1 + (1 + (1 + 5) + (1 + 10) + (1 + 1))


def test_relations_nested_under_lists_are_charged_for_every_parent(schema) -> None:
    query = ("query($ids: [String!]!) { persons(idNumbers: $ids) "
             "{ representedEntities { licences { holder { __typename } } } } }")
    # persons 1 + 3 keys x representedEntities (1 + 5 x licences (1 + 10 x holder (1 + 1 x 1)))
    assert cost(schema, query, {"ids": [KEY] * 3}) == 1 + 3 * (1 + 5 * (1 + 10 * (1 + 1)))


def test_a_relation_read_with_every_field_under_it_skipped_is_still_charged(schema) -> None:
    query = f'{{ person(idNumber: "{KEY}") {{ licences {{ licenceId @skip(if: true) }} }} }}'
    assert cost(schema, query) == 1 + (1 + 5 * 1)


def test_introspection_costs_one_per_field_whatever_it_selects(schema) -> None:
    assert cost(schema, get_introspection_query(descriptions=True)) == 1


def _doubling(levels: int) -> str:
    """Each fragment spreads the next twice: the expansion has 2**levels leaves."""
    chain = " ".join(f"fragment F{i} on Person {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f'{{ person(idNumber: "{KEY}") {{ ...F0 }} }} {chain} fragment F{levels} on Person {{ name }}'


def test_fragments_spread_into_one_another_are_priced_at_their_expansion_without_expanding(schema) -> None:
    assert cost(schema, _doubling(60)) == 1 + 2 ** 60


def test_fields_are_counted_with_fragments_spread_without_spreading_them() -> None:
    assert document_extent(parse(_doubling(60))).fields == 1 + 2 ** 60


def test_fields_count_inline_fragments_and_introspection_as_one() -> None:
    document = parse('{ __schema { types { name } } person(idNumber: "x") { name ... on Person { gender } } }')
    assert document_extent(document).fields == 1 + 3


def test_depth_counts_fields_through_fragments_and_leaves_introspection_out() -> None:
    through_fragment = parse('{ person(idNumber: "x") { ...E } } fragment E on Person { representedEntities { name } }')
    assert document_extent(through_fragment).depth == 3
    introspection = parse(get_introspection_query(descriptions=True))
    assert document_extent(introspection).depth == 0
    mixed = parse('{ __schema { types { fields { type { ofType { name } } } } } person(idNumber: "x") { name } }')
    assert document_extent(mixed).depth == 2


def test_depth_of_a_long_fragment_chain_needs_no_recursion() -> None:
    links = 3_000  # far deeper than the interpreter's recursion limit
    chain = " ".join(f"fragment F{i} on Person {{ ...F{i + 1} }}" for i in range(links))
    document = parse(f'{{ person(idNumber: "x") {{ ...F0 }} }} {chain} '
                     f'fragment F{links} on Person {{ representedEntities {{ name }} }}')
    assert document_extent(document).depth == 3


def test_depth_survives_a_fragment_cycle_left_for_validation() -> None:
    document = parse('{ person(idNumber: "x") { ...A ...Missing } } '
                     'fragment A on Person { representedEntities { ...B } } '
                     'fragment B on LegalEntity { legalRepresentative { ...A } }')
    assert document_extent(document).depth >= 3


def test_tokens_are_refused_past_the_limit_with_their_own_code() -> None:
    at_limit = "{ person(idNumber: \"x\") { " + "name " * (LIMITS.max_tokens - 10) + "} }"
    assert parse_within_limits(at_limit, LIMITS)
    with pytest.raises(RequestRefused) as refused:
        parse_within_limits(at_limit.replace("} }", "name } }"), LIMITS)
    assert refused.value.errors[0]["extensions"] == {"code": "TOO_MANY_TOKENS", "tokens": 5_001, "limit": 5_000}


def test_an_ordinary_syntax_error_stays_a_syntax_error() -> None:
    with pytest.raises(GraphQLSyntaxError):
        parse_within_limits("{ person(idNumber: ", LIMITS)


def test_a_document_is_measured_once_and_its_refusal_cached(schema, monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[object] = []
    measure = gateway.documents.check_document_shape
    monkeypatch.setattr(gateway.documents, "check_document_shape",
                        lambda document, limits: measured.append(document) or measure(document, limits))
    cache = DocumentCache(schema, DocumentLimits(100_000, 5_000, max_depth=1, max_fields=1_000, max_aliases=50,
                                                  max_directives=50))
    for _ in range(3):
        with pytest.raises(RequestRefused) as refused:
            cache.get('{ person(idNumber: "x") { name } }')
        assert refused.value.errors[0]["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert len(measured) == 1
