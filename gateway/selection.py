"""The one walk over an operation's selections: every field with its response path, and folds that measure a
selection (depth, width, cost) with each fragment measured once.

A document's fragments are measured in dependency order (each after every fragment it spreads), so the
measure of fragments spread into one another costs their number, not their expansion, and a chain of
fragments as long as the token limit allows is measured without recursion along it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues

from resolvers.shapes import is_included

T = TypeVar("T")
SCHEMA_FIELDS = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class SelectedField:
    path: tuple[str, ...]
    parent_type: str
    name: str
    node: FieldNode

    @property
    def qualified_name(self) -> str:
        return f"{self.parent_type}.{self.name}"


@dataclass(frozen=True)
class Selection:
    fields: list[SelectedField]  # in document order, introspection left out
    introspects: bool  # whether the operation asks for __schema or __type

    @property
    def roots(self) -> list[SelectedField]:
        return [field for field in self.fields if len(field.path) == 1]


def select(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
           variables: VariableValues) -> Selection:
    """Every field `operation` selects, fragments and aliases resolved, @skip/@include applied; the document must
    be valid."""
    walk = _Walk(schema, _fragments(document), variables)
    fields = list(walk.fields(operation.selection_set, schema.get_root_type(operation.operation), ()))
    return Selection(fields, walk.introspects)


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: VariableValues) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables
        self.introspects = False

    def fields(self, selection_set: SelectionSetNode, parent: Any, path: tuple[str, ...]) -> Iterator[SelectedField]:
        for selection in selection_set.selections:
            if not is_included(selection, self._variables):
                continue
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__"):
                    self.introspects = self.introspects or name in SCHEMA_FIELDS
                    continue
                key = selection.alias.value if selection.alias else name
                yield SelectedField((*path, key), parent.name, name, selection)
                if selection.selection_set is not None:
                    child = get_named_type(parent.fields[name].type)
                    yield from self.fields(selection.selection_set, child, (*path, key))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scope = self._schema.get_type(condition.name.value) if condition else parent
                yield from self.fields(selection.selection_set, scope, path)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self._fragments[selection.name.value]
                scope = self._schema.get_type(fragment.type_condition.name.value)
                yield from self.fields(fragment.selection_set, scope, path)


class Fold(Generic[T]):
    """A measure of selections built bottom-up, each fragment measured once and reused wherever it is spread.

    `field(node, parent, inner)` measures one field from the measure of its own selection (`inner`, None for a
    leaf; introspection fields are never entered); `combine` joins the measures of one selection set. With a
    schema, `parent` is the field's parent type (None without one: the document need not be valid yet); with
    variables, fields left out by @skip/@include are not measured.
    """

    def __init__(self, document: DocumentNode, field: Callable[[FieldNode, Any, T | None], T],
                 combine: Callable[[Sequence[T]], T], schema: GraphQLSchema | None = None,
                 variables: VariableValues | None = None) -> None:
        self._field = field
        self._combine = combine
        self._schema = schema
        self._variables = variables
        self._measured: dict[str, T] = {}
        for fragment in fragments_in_dependency_order(document):
            scope = schema.get_type(fragment.type_condition.name.value) if schema else None
            self._measured[fragment.name.value] = self.measure(fragment.selection_set, scope)

    def measure(self, selection_set: SelectionSetNode, parent: Any) -> T:
        values = []
        for selection in selection_set.selections:
            if self._variables is not None and not is_included(selection, self._variables):
                continue
            if isinstance(selection, FieldNode):
                values.append(self._field(selection, parent, self._inner(selection, parent)))
            elif isinstance(selection, FragmentSpreadNode):
                if selection.name.value in self._measured:  # an unknown spread is a validation error
                    values.append(self._measured[selection.name.value])
            elif isinstance(selection, InlineFragmentNode):
                values.append(self.measure(selection.selection_set, self._scope(selection, parent)))
        return self._combine(values)

    def _inner(self, node: FieldNode, parent: Any) -> T | None:
        if node.selection_set is None or node.name.value.startswith("__"):
            return None
        child = get_named_type(parent.fields[node.name.value].type) if parent is not None else None
        return self.measure(node.selection_set, child)

    def _scope(self, fragment: InlineFragmentNode, parent: Any) -> Any:
        condition = fragment.type_condition
        if self._schema is None or condition is None:
            return parent
        return self._schema.get_type(condition.name.value)


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def fragments_in_dependency_order(document: DocumentNode) -> list[FragmentDefinitionNode]:
    """Every fragment after those it spreads; a cycle is cut where it closes, unknown spreads are ignored.

    The document need not be valid yet (cycles and unknown fragments are validation errors).
    """
    fragments = _fragments(document)
    ordered: list[FragmentDefinitionNode] = []
    entered: set[str] = set()
    done: set[str] = set()
    for first in fragments:
        stack = [first]
        while stack:
            name = stack[-1]
            if name in done:
                stack.pop()
            elif name not in entered:
                entered.add(name)
                stack.extend(spread for spread in _spread_names(fragments[name].selection_set)
                             if spread in fragments and spread not in entered)
            else:
                done.add(name)
                ordered.append(fragments[name])
                stack.pop()
    return ordered


def _spread_names(selection_set: SelectionSetNode) -> Iterator[str]:
    """The names of the fragments spread anywhere inside `selection_set`."""
    pending: list[SelectionSetNode] = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set is not None:
                pending.append(selection.selection_set)
