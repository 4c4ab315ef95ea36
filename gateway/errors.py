"""The error codes a caller can see (README "Error codes"), and how errors are shaped."""
from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any


class ErrorCode(str, Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PURPOSE_REQUIRED = "PURPOSE_REQUIRED"
    UNKNOWN_PURPOSE = "UNKNOWN_PURPOSE"
    BAD_PURPOSE_REF = "BAD_PURPOSE_REF"
    BAD_REQUEST = "BAD_REQUEST"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    TOO_MANY_DIRECTIVES = "TOO_MANY_DIRECTIVES"
    TOO_MANY_KEYS = "TOO_MANY_KEYS"
    TOO_MANY_SUBJECTS = "TOO_MANY_SUBJECTS"
    TOO_MANY_ROWS = "TOO_MANY_ROWS"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    FORBIDDEN_FIELD = "FORBIDDEN_FIELD"
    FORBIDDEN = "FORBIDDEN"
    SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"
    AUDIT_UNAVAILABLE = "AUDIT_UNAVAILABLE"
    RATE_LIMITED = "RATE_LIMITED"
    LOOKUP_BUDGET_EXCEEDED = "LOOKUP_BUDGET_EXCEEDED"
    CALLER_SUSPENDED = "CALLER_SUSPENDED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def error(message: str, code: ErrorCode, path: Sequence[str | int] | None = None, **extensions: Any) -> dict[str, Any]:
    shaped: dict[str, Any] = {"message": message}
    if path is not None:
        shaped["path"] = path
    shaped["extensions"] = {"code": code.value, **extensions}
    return shaped


def internal_error(request_id: str) -> dict[str, Any]:
    """What a caller sees of an unexpected fault: the request id to quote; the details are in the log."""
    return error(f"internal error; quote request id {request_id}", ErrorCode.INTERNAL_SERVER_ERROR,
                 requestId=request_id)


class RequestRefused(Exception):
    """Ends a request before execution with an HTTP status and GraphQL-shaped errors."""

    def __init__(self, status: int, errors: list[dict[str, Any]], headers: dict[str, str] | None = None) -> None:
        super().__init__(errors[0]["message"])
        self.status = status
        self.errors = errors
        self.headers = headers or {}

    @classmethod
    def one(cls, status: int, message: str, code: ErrorCode, **extensions: Any) -> RequestRefused:
        return cls(status, [error(message, code, **extensions)])

    def anew(self) -> RequestRefused:
        """The same refusal as a new exception, to raise one that was kept: raising the kept one again would tie the
        frames it passes through (and what they hold: a request's body) into a cycle that only the garbage
        collector's rare full pass frees."""
        return RequestRefused(self.status, self.errors, self.headers)
