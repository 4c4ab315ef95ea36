"""Key arguments: counted across every root field and alias of an operation, then checked one by one; an error
names the argument, the index and the reason, never the value."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from graphql import GraphQLSchema, get_operation_ast, parse, validate
from graphql.execution.values import get_variable_values

from access.policy.registry import load_departments
from catalog import load_catalog
from catalog.formats import make_citizen_id
from gateway.arguments import check_key_arguments, key_arguments
from gateway.errors import RequestRefused
from gateway.selection import select
from schema.query import build_schema
from settings import ROOT

CATALOG = load_catalog(load_departments(ROOT / "policy" / "departments.csv"))
KEYS = key_arguments(CATALOG)
BAD_ID = "110105194912310021"  # one check digit off


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(CATALOG)._schema


def ids(count: int) -> list[str]:
    return [make_citizen_id("110105", date(1980, 1, 1 + n // 1000), n % 1000) for n in range(count)]


def check(schema: GraphQLSchema, query: str, variables: dict[str, Any], max_keys: int = 1000,
          asked: set[str] | None = None) -> list[tuple[str, int]]:
    document = parse(query)
    assert validate(schema, document) == []
    operation = get_operation_ast(document)
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    assert not isinstance(coerced, list), coerced
    roots = select(schema, document, operation, coerced).roots
    return check_key_arguments(schema, KEYS, roots, coerced, max_keys, set() if asked is None else asked)


TWO_LISTS = """query($a: [String!]!, $b: [String!]!) {
  a: persons(idNumbers: $a) { name } b: persons(idNumbers: $b) { name } }"""


def test_keys_are_counted_across_aliases_and_root_fields(schema) -> None:
    keys = ids(1200)
    with pytest.raises(RequestRefused) as refused:
        check(schema, TWO_LISTS, {"a": keys[:600], "b": keys[600:]})
    [problem] = refused.value.errors
    assert problem["extensions"] == {"code": "TOO_MANY_KEYS", "keys": 1200, "limit": 1000}
    assert check(schema, TWO_LISTS, {"a": keys[:600], "b": keys[600:1000]}) == [("persons", 600), ("persons", 400)]


def test_single_keys_count_one_each(schema) -> None:
    query = 'query($a: [String!]!) { persons(idNumbers: $a) { name } one: person(idNumber: "11010519491231002X") ' \
            '{ name } entity: legalEntity(uscc: "91110000600037341L") { name } }'
    assert check(schema, query, {"a": ids(3)}) == [("persons", 3), ("person", 1), ("legalEntity", 1)]
    with pytest.raises(RequestRefused):
        check(schema, query, {"a": ids(3)}, max_keys=4)


def test_a_root_field_selected_twice_under_one_key_counts_once(schema) -> None:
    query = """query($a: [String!]!) { ...A ...B }
      fragment A on Query { persons(idNumbers: $a) { name } }
      fragment B on Query { persons(idNumbers: $a) { gender } }"""
    assert check(schema, query, {"a": ids(700)}) == [("persons", 700)]


def test_the_keys_asked_for_are_kept_normalised_for_the_record(schema) -> None:
    asked: set[str] = set()
    check(schema, TWO_LISTS, {"a": ["11010519491231002x"], "b": []}, asked=asked)
    assert asked == {"11010519491231002X"}


def test_a_bad_key_is_named_by_argument_index_and_reason_never_by_its_value(schema) -> None:
    with pytest.raises(RequestRefused) as refused:
        check(schema, TWO_LISTS, {"a": [*ids(2), BAD_ID], "b": []})
    [problem] = refused.value.errors
    assert problem["message"] == "argument 'idNumbers'[2]: check digit should be 'X', got '1'"
    assert problem["extensions"] == {"code": "BAD_USER_INPUT", "argument": "idNumbers", "index": 2,
                                     "reason": "check digit should be 'X', got '1'"}
    with pytest.raises(RequestRefused) as refused:
        check(schema, f'{{ person(idNumber: "{BAD_ID}") {{ name }} }}', {})
    assert BAD_ID not in str(refused.value.errors)
