"""What to build for each object: the response keys of a selection, collected per runtime type.

This is the spec's CollectFields (fragments applied by type condition, @skip/@include honoured,
fields with one response key merged), compiled once per request into plain tuples.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_directive_values

TYPENAME = "__typename"


def is_included(node: Any, variables: VariableValues) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include and include.get("if") is False)



class NeedsGeneralExecutor(Exception):
    """The operation asks for something only graphql-core serves (introspection)."""


@dataclass(frozen=True)
class Shape:
    """The fields to build for rows of one object type, in response order."""

    # (response key, field name, child): child is None for a leaf, TYPENAME for __typename,
    # or the Relation to build below this field.
    entries: tuple[tuple[str, str, Child], ...]


@dataclass(frozen=True)
class Relation:
    many: bool
    shapes: Mapping[str, Shape]  # runtime type name -> shape


Child = Relation | str | None  # str: TYPENAME


class ShapeCompiler:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: VariableValues) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables

    def collect(self, selection_sets: Iterable[SelectionSetNode],
                runtime: GraphQLObjectType) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            self._collect(selection_set, runtime, fields, set())
        return fields

    def shape(self, selection_sets: Iterable[SelectionSetNode], runtime: GraphQLObjectType) -> Shape:
        entries: list[tuple[str, str, Child]] = []
        for key, nodes in self.collect(selection_sets, runtime).items():
            name = nodes[0].name.value
            if name == TYPENAME:
                entries.append((key, name, TYPENAME))
                continue
            if name.startswith("__"):
                raise NeedsGeneralExecutor(name)
            field_type = runtime.fields[name].type
            target = get_named_type(field_type)
            if isinstance(target, GraphQLObjectType | GraphQLUnionType):
                entries.append((key, name, self.relation(field_type, nodes)))
            else:
                entries.append((key, name, None))
        return Shape(tuple(entries))

    def relation(self, field_type: Any, nodes: list[FieldNode]) -> Relation:
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        many = isinstance(field_type, GraphQLList)
        target = get_named_type(field_type)
        runtime_types = self._schema.get_possible_types(target) if isinstance(target, GraphQLUnionType) else [target]
        child_sets = [node.selection_set for node in nodes if node.selection_set is not None]
        return Relation(many, {t.name: self.shape(child_sets, t) for t in runtime_types})

    def _collect(self, selection_set: SelectionSetNode, runtime: GraphQLObjectType,
                 fields: dict[str, list[FieldNode]], visited: set[str]) -> None:
        for selection in selection_set.selections:
            if not is_included(selection, self._variables):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, runtime):
                    self._collect(selection.selection_set, runtime, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments[name]
                if name not in visited and self._applies(fragment.type_condition, runtime):
                    visited.add(name)
                    self._collect(fragment.selection_set, runtime, fields, visited)

    def _applies(self, condition: Any, runtime: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        named = self._schema.get_type(condition.name.value)
        if named is runtime:
            return True
        return isinstance(named, GraphQLUnionType) and runtime in self._schema.get_possible_types(named)
