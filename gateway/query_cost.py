"""The estimated cost of an operation: how many values its answer may hold (README "Query limits").

A field counts 1. A field with a selection adds `size x` the cost of its selection (at least 1: each
object read is charged, even with every field under it skipped), where size is the number of keys given
to its list argument (at least 1: the selection is walked even for an empty list), the fan-out factor
for a list field without one (a list relation), and 1 for a single object (a root key or a single relation).
An introspection field counts 1 whatever it selects (no department serves it); fields left out
by @skip or @include do not count. Each fragment is costed once and its cost reused wherever it is spread,
so fragments spread into one another are priced at their full expansion without being expanded.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    get_nullable_type,
    is_list_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from catalog import Catalog
from gateway.selection import Fold

# Any list field without a list argument and no relation of the catalog (the access record's entries).
DEFAULT_FAN_OUT = 10


def fan_outs(catalog: Catalog) -> dict[str, int]:
    """Rows per parent assumed on each list relation (the catalog's `fan_out`)."""
    return {name: relation.fan_out for name, relation in catalog.relations.items() if relation.many}


def estimate_cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                  variables: VariableValues, fan_out: Mapping[str, int]) -> int:
    """The operation's estimated cost; the document must be valid and `variables` coerced."""
    def field(node: FieldNode, parent: Any, inner: int | None) -> int:
        if inner is None:
            return 1
        definition = parent.fields[node.name.value]
        return 1 + _size(f"{parent.name}.{node.name.value}", definition, node, variables, fan_out) * max(1, inner)

    fold = Fold(document, field, _total, schema, variables)
    return fold.measure(operation.selection_set, schema.get_root_type(operation.operation))


def _total(costs: Sequence[int]) -> int:
    return sum(costs)


def _size(qualified_name: str, definition: Any, node: FieldNode, variables: VariableValues,
          fan_out: Mapping[str, int]) -> int:
    if not is_list_type(get_nullable_type(definition.type)):
        return 1
    try:
        arguments = get_argument_values(definition, node, variables)
    except GraphQLError:
        return 1  # a bad argument is refused by the key check that follows
    keys = [len(value) for value in arguments.values() if isinstance(value, list)]
    if keys:
        return max(1, *keys)
    return fan_out.get(qualified_name, DEFAULT_FAN_OUT)
