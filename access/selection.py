"""Every field an operation selects, with its response path, fragments and aliases resolved."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_directive_values


@dataclass(frozen=True)
class SelectedField:
    path: tuple[str, ...]
    parent_type: str
    name: str
    node: FieldNode

    @property
    def qualified_name(self) -> str:
        return f"{self.parent_type}.{self.name}"


def is_included(node: Any, variables: Mapping[str, Any]) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include and include.get("if") is False)


def selected_fields(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                    variables: Mapping[str, Any]) -> list[SelectedField]:
    """Fields of `operation` (introspection excluded) in document order; the document must be valid."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    return list(_walk(schema, fragments, variables, operation.selection_set, root, ()))


def _walk(schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: Mapping[str, Any],
          selection_set: SelectionSetNode, parent: Any, path: tuple[str, ...]) -> Iterator[SelectedField]:
    for selection in selection_set.selections:
        if not is_included(selection, variables):
            continue
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name.startswith("__"):
                continue
            key = selection.alias.value if selection.alias else name
            yield SelectedField(path + (key,), parent.name, name, selection)
            if selection.selection_set is not None:
                child = get_named_type(parent.fields[name].type)
                yield from _walk(schema, fragments, variables, selection.selection_set, child, path + (key,))
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            scope = schema.get_type(condition.name.value) if condition else parent
            yield from _walk(schema, fragments, variables, selection.selection_set, scope, path)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            scope = schema.get_type(fragment.type_condition.name.value)
            yield from _walk(schema, fragments, variables, fragment.selection_set, scope, path)
