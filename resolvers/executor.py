"""Builds the response from prefetched rows: one await per root field, then plain dict work.

Equivalent to graphql-core for the operations it accepts (a test runs both on the same
requests); an operation with introspection raises NeedsGeneralExecutor and goes to graphql-core.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.values import VariableValues, get_argument_values

from catalog.model import CatalogRoot
from connectors.base import FetchFailed
from resolvers.roots import load_root
from resolvers.rows import TYPE_KEY
from resolvers.shapes import TYPENAME, NeedsGeneralExecutor, Relation, Shape, ShapeCompiler

Path = tuple[str | int, ...]


class CompiledOperation:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                 variables: VariableValues, roots: Mapping[str, CatalogRoot]) -> None:
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        compiler = ShapeCompiler(schema, fragments, variables)
        query_type = schema.query_type
        assert query_type is not None  # the gateway's schema always has its Query type
        self._roots: list[tuple[str, str, Any, Relation | None]] = []
        for key, nodes in compiler.collect([operation.selection_set], query_type).items():
            name = nodes[0].name.value
            if name == TYPENAME:
                self._roots.append((key, name, None, None))
                continue
            field = query_type.fields.get(name)
            if field is None or name not in roots:
                raise NeedsGeneralExecutor(name)
            argument = get_argument_values(field, nodes[0], variables)[roots[name].argument]
            self._roots.append((key, name, argument, compiler.relation(field.type, nodes)))

    async def execute(self, context: Any) -> ExecutionResult:
        errors: list[GraphQLError] = []
        values = await asyncio.gather(*(self._load(context, name, argument, relation)
                                        for _, name, argument, relation in self._roots))
        data: dict[str, Any] = {}
        for (key, _, _, relation), value in zip(self._roots, values, strict=True):
            if relation is None:
                data[key] = "Query"
            elif isinstance(value, FetchFailed):
                errors.append(GraphQLError(str(value), path=[key], original_error=value))
                data[key] = None
            else:
                data[key] = _complete(value, relation, (key,), errors)
        return ExecutionResult(data, errors or None)

    @staticmethod
    async def _load(context: Any, name: str, argument: Any, relation: Relation | None) -> Any:
        if relation is None:
            return None
        try:
            return await load_root(context, name, argument)
        except FetchFailed as exc:
            return exc


def _complete(value: Any, relation: Relation, path: Path, errors: list[GraphQLError]) -> Any:
    if value is None:
        return None
    if isinstance(value, Exception):
        errors.append(GraphQLError(str(value), path=list(path), original_error=value))
        return None
    shapes = relation.shapes
    if not relation.many:
        return _build(value, shapes[value[TYPE_KEY]], path, errors)
    built: list[dict[str, Any] | None] = []
    for index, row in enumerate(value):
        if row is None:
            built.append(None)
        elif isinstance(row, Exception):
            errors.append(GraphQLError(str(row), path=[*path, index], original_error=row))
            built.append(None)
        else:
            built.append(_build(row, shapes[row[TYPE_KEY]], (*path, index), errors))
    return built


def _build(row: dict[str, Any], shape: Shape, path: Path, errors: list[GraphQLError]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name, child in shape.entries:
        if child is None:
            out[key] = row[name]
        elif isinstance(child, Relation):
            out[key] = _complete(row[name], child, (*path, key), errors)
        else:  # TYPENAME
            out[key] = row[TYPE_KEY]
    return out
