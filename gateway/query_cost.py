"""The estimated cost of an operation: how many values its answer may hold (README "Query limits").

A field counts 1. A field with a selection adds `size x` the cost of its selection, where size is
the number of keys given to its list argument (at least 1: the selection is walked even for an
empty list), the fan-out factor for a list field without one, and 1 for a single object.
An introspection field counts 1 whatever it selects (no department serves it); fields left out
by @skip or @include do not count. Each fragment is costed once and its cost reused wherever it is spread,
so fragments spread into one another are priced at their full expansion without being expanded.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from access.selection import is_included
from gateway.fragments import fragments_in_dependency_order

# Rows per parent assumed on a list relation: about the 99th percentile of holders in the demo
# registries (a person holds 1 licence on average, at most 7; an entity 3.5, at most 12; a
# representative about 1.25 entities, at most 6), so an estimate errs on the high side.
FAN_OUT: Mapping[str, int] = {
    "Person.licences": 5,
    "Person.representedEntities": 5,
    "LegalEntity.licences": 10,
}
# Any other list field without a list argument (the access record's entries, proofs' fields).
DEFAULT_FAN_OUT = 10


def estimate_cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                  variables: VariableValues) -> int:
    """The operation's estimated cost; the document must be valid and `variables` coerced."""
    costing = _Costing(schema, variables)
    for fragment in fragments_in_dependency_order(document):
        scope = schema.get_type(fragment.type_condition.name.value)
        costing.fragments[fragment.name.value] = costing.cost(fragment.selection_set, scope)
    return costing.cost(operation.selection_set, schema.get_root_type(operation.operation))


class _Costing:
    def __init__(self, schema: GraphQLSchema, variables: VariableValues) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments: dict[str, int] = {}

    def cost(self, selection_set: SelectionSetNode, parent: Any) -> int:
        total = 0
        for selection in selection_set.selections:
            if not is_included(selection, self.variables):
                continue
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragments[selection.name.value]
            else:
                condition = selection.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, scope)
        return total

    def _field_cost(self, node: FieldNode, parent: Any) -> int:
        name = node.name.value
        if name.startswith("__") or node.selection_set is None:
            return 1
        field = parent.fields[name]
        return 1 + self._size(f"{parent.name}.{name}", field, node) * self.cost(node.selection_set,
                                                                                get_named_type(field.type))

    def _size(self, qualified_name: str, field: GraphQLField, node: FieldNode) -> int:
        if not is_list_type(get_nullable_type(field.type)):
            return 1
        try:
            arguments = get_argument_values(field, node, self.variables)
        except GraphQLError:
            return 1  # a bad argument is refused by the key check that follows
        keys = [len(value) for value in arguments.values() if isinstance(value, list)]
        if keys:
            return max(1, *keys)
        return FAN_OUT.get(qualified_name, DEFAULT_FAN_OUT)
