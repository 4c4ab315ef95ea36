"""Parsing and validation, cached per document text (they cost more than a small query's execution).

The cache is keyed by the text's digest, not the text: a refused document costs the cache its few errors, however
long it was; a document over the size limit is refused before the cache is asked."""
from __future__ import annotations

import hashlib
from typing import Any

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, GraphQLSchema, print_ast, validate

from gateway.errors import ErrorCode, RequestRefused, error
from gateway.query_limits import DocumentLimits, check_document_shape, check_document_size, parse_within_limits


class DocumentCache:
    def __init__(self, schema: GraphQLSchema, limits: DocumentLimits, capacity: int = 1024, *,
                 hide_suggestions: bool = False) -> None:
        self._schema = schema
        self._hide_suggestions = hide_suggestions  # "Did you mean ...?" names schema fields: development only
        self._limits = limits
        self._documents: LRUCache[bytes, tuple[DocumentNode | RequestRefused, str]] = LRUCache(capacity)

    def get(self, query: str) -> tuple[DocumentNode, str]:
        """The parsed, valid document and the hash of its normalised text; or RequestRefused."""
        check_document_size(query, self._limits)
        key = hashlib.sha256(query.encode()).digest()
        found = self._documents.get(key)
        if found is None:
            prepared = self._prepare(query)
            found = (prepared, key.hex() if isinstance(prepared, RequestRefused)
                     else hashlib.sha256(print_ast(prepared).encode()).hexdigest())
            self._documents[key] = found
        document, digest = found
        if isinstance(document, RequestRefused):
            raise document.anew()  # the kept one would gather every request's frames that raised it
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
