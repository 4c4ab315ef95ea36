"""Parsing and validation, cached per document text (they cost more than a small query's execution)."""
from __future__ import annotations

from collections import OrderedDict

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate

from gateway.errors import ErrorCode, RequestRefused, error

MAX_DOCUMENT_CHARS = 100_000


class DocumentCache:
    def __init__(self, schema: GraphQLSchema, capacity: int = 1024) -> None:
        self._schema = schema
        self._capacity = capacity
        self._documents: OrderedDict[str, DocumentNode | RequestRefused] = OrderedDict()

    def get(self, query: str) -> DocumentNode:
        """The parsed, valid document, or RequestRefused with the parse or validation errors."""
        found = self._documents.get(query)
        if found is None:
            found = self._prepare(query)
            self._documents[query] = found
            if len(self._documents) > self._capacity:
                self._documents.popitem(last=False)
        else:
            self._documents.move_to_end(query)
        if isinstance(found, RequestRefused):
            raise found
        return found

    def _prepare(self, query: str) -> DocumentNode | RequestRefused:
        if len(query) > MAX_DOCUMENT_CHARS:
            return RequestRefused.one(400, f"the document is longer than {MAX_DOCUMENT_CHARS} characters",
                                      ErrorCode.BAD_REQUEST)
        try:
            document = parse(query)
        except GraphQLError as exc:
            return RequestRefused(400, [_located(exc, ErrorCode.GRAPHQL_PARSE_FAILED)])
        problems = validate(self._schema, document)
        if problems:
            return RequestRefused(400, [_located(p, ErrorCode.GRAPHQL_VALIDATION_FAILED) for p in problems])
        return document


def _located(exc: GraphQLError, code: ErrorCode) -> dict:
    shaped = error(exc.message, code)
    if exc.locations:
        shaped["locations"] = [{"line": loc.line, "column": loc.column} for loc in exc.locations]
    return shaped
