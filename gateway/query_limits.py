"""Limits on a query, checked before any department is asked (README "Query limits").

The document limits (size, tokens, depth, fields, aliases, directives) depend on the text alone: they run
once per document text, before validation (which costs more), and their refusal is cached with
the document. The cost ceiling depends on the keys given, so it runs per request.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    Visitor,
    parse,
    visit,
)
from graphql.execution.values import VariableValues

from gateway.errors import ErrorCode, RequestRefused, error
from gateway.query_cost import estimate_cost
from gateway.selection import Fold
from settings import Settings

# Not counted in the depth: graphql-core's MaxIntrospectionDepthRule bounds introspection during validation.
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class DocumentLimits:
    max_chars: int
    max_tokens: int
    max_depth: int
    max_fields: int
    max_aliases: int
    max_directives: int

    @classmethod
    def from_settings(cls, settings: Settings) -> DocumentLimits:
        return cls(settings.max_document_chars, settings.max_tokens, settings.max_depth, settings.max_fields,
                   settings.max_aliases, settings.max_directives)


def parse_within_limits(query: str, limits: DocumentLimits) -> DocumentNode:
    """The parsed document, or RequestRefused when it is too long or has too many tokens.

    Any other syntax error is raised as graphql-core's GraphQLSyntaxError.
    """
    check_document_size(query, limits)
    try:
        return parse(query, max_lexical_tokens=limits.max_tokens)
    except GraphQLSyntaxError as exc:
        if exc.description != token_limit_description(limits.max_tokens):
            raise
    # graphql-core stops counting at the first token over the limit.
    raise _refused(f"the document has more than {limits.max_tokens} tokens", ErrorCode.TOO_MANY_TOKENS,
                   tokens=limits.max_tokens + 1, limit=limits.max_tokens)


def check_document_size(query: str, limits: DocumentLimits) -> None:
    if len(query) > limits.max_chars:
        raise _refused(f"the document has {len(query)} characters; at most {limits.max_chars} are allowed",
                       ErrorCode.DOCUMENT_TOO_LARGE, characters=len(query), limit=limits.max_chars)


def token_limit_description(max_tokens: int) -> str:
    """How graphql-core's parser words the refusal of `max_lexical_tokens`."""
    return f"Document contains more than {max_tokens} tokens. Parsing aborted."


def check_document_shape(document: DocumentNode, limits: DocumentLimits) -> None:
    """RequestRefused with one error per limit exceeded: depth, fields, aliases, directives."""
    counts = _Counts()
    visit(document, counts)
    extent = document_extent(document)
    measured = [
        (extent.depth, limits.max_depth, ErrorCode.QUERY_TOO_DEEP, "depth",
         "the query is {} fields deep; at most {} are allowed"),
        (extent.fields, limits.max_fields, ErrorCode.TOO_MANY_FIELDS, "fields",
         "the query selects {} fields once its fragments are spread; at most {} are allowed"),
        (counts.aliases, limits.max_aliases, ErrorCode.TOO_MANY_ALIASES, "aliases",
         "the document has {} aliases; at most {} are allowed"),
        (counts.directives, limits.max_directives, ErrorCode.TOO_MANY_DIRECTIVES, "directives",
         "the document has {} directives; at most {} are allowed"),
    ]
    problems = [error(message.format(value, limit), code, path=None, **{name: value, "limit": limit})
                for value, limit, code, name, message in measured if value > limit]
    if problems:
        raise RequestRefused(400, problems)


def check_query_cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                     variables: VariableValues, ceiling: int, fan_out: Mapping[str, int]) -> None:
    cost = estimate_cost(schema, document, operation, variables, fan_out)
    if cost > ceiling:
        raise _refused(f"the query's estimated cost is {cost}; at most {ceiling} is allowed",
                       ErrorCode.QUERY_TOO_COSTLY, cost=cost, limit=ceiling)


@dataclass(frozen=True)
class Extent:
    """How deep and how wide a selection is with its fragments spread out, introspection left aside."""
    depth: int = 0
    fields: int = 0


def document_extent(document: DocumentNode) -> Extent:
    """The deepest operation and the fields of all operations, each fragment measured once.

    The field count bounds the work of walking the selection, which fragments spread into one
    another can multiply far beyond the document's length.
    """
    fold = Fold(document, _field_extent, _combined_extent)
    operations = [fold.measure(definition.selection_set, None) for definition in document.definitions
                  if isinstance(definition, OperationDefinitionNode)]
    return Extent(max((o.depth for o in operations), default=0), sum(o.fields for o in operations))


def _field_extent(node: FieldNode, parent: Any, inner: Extent | None) -> Extent:
    if node.name.value in INTROSPECTION_ROOTS:
        return Extent(0, 1)
    if inner is None:
        return Extent(1, 1)
    return Extent(1 + inner.depth, 1 + inner.fields)


def _combined_extent(extents: Sequence[Extent]) -> Extent:
    return Extent(max((e.depth for e in extents), default=0), sum(e.fields for e in extents))


class _Counts(Visitor):
    """Aliases and directives as written in the document (the cost estimate accounts for fragment spreads)."""

    def __init__(self) -> None:
        super().__init__()
        self.aliases = 0
        self.directives = 0

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.alias is not None:
            self.aliases += 1

    def enter_directive(self, *_: Any) -> None:
        self.directives += 1


def _refused(message: str, code: ErrorCode, **extensions: Any) -> RequestRefused:
    return RequestRefused.one(400, message, code, **extensions)
