"""Parsing and validation, cached per document text (they cost more than a small query's execution)."""
from __future__ import annotations

import hashlib
from typing import Any

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, GraphQLSchema, print_ast, validate

from gateway.errors import ErrorCode, RequestRefused, error
from gateway.query_limits import DocumentLimits, check_document_shape, parse_within_limits


class DocumentCache:
    def __init__(self, schema: GraphQLSchema, limits: DocumentLimits, capacity: int = 1024, *,
                 hide_suggestions: bool = False) -> None:
        self._schema = schema
        self._hide_suggestions = hide_suggestions  # "Did you mean ...?" names schema fields: development only
        self._limits = limits
        self._documents: LRUCache[str, tuple[DocumentNode | RequestRefused, str]] = LRUCache(capacity)

    def get(self, query: str) -> tuple[DocumentNode, str]:
        """The parsed, valid document and the hash of its normalised text; or RequestRefused."""
        found = self._documents.get(query)
        if found is None:
            prepared = self._prepare(query)
            text = print_ast(prepared) if isinstance(prepared, DocumentNode) else query
            found = (prepared, hashlib.sha256(text.encode()).hexdigest())
            self._documents[query] = found
        document, digest = found
        if isinstance(document, RequestRefused):
            raise document
        return document, digest

    def _prepare(self, query: str) -> DocumentNode | RequestRefused:
        """Query limits first: validation costs more than they do."""
        try:
            document = parse_within_limits(query, self._limits)
            check_document_shape(document, self._limits)
        except RequestRefused as refused:
            return refused
        except GraphQLError as exc:
            return RequestRefused(400, [_located(exc, ErrorCode.GRAPHQL_PARSE_FAILED)])
        problems = validate(self._schema, document, hide_suggestions=self._hide_suggestions)
        if problems:
            return RequestRefused(400, [_located(p, ErrorCode.GRAPHQL_VALIDATION_FAILED) for p in problems])
        return document


def _located(exc: GraphQLError, code: ErrorCode) -> dict[str, Any]:
    shaped = error(exc.message, code)
    if exc.locations:
        shaped["locations"] = [{"line": loc.line, "column": loc.column} for loc in exc.locations]
    return shaped
