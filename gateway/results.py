"""Execution errors made safe and countable: one error per field path, never a traceback."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError

from access.plan import AccessPlan
from catalog.formats import InvalidIdentifier
from connectors.base import SourceUnavailable, TooManyRows
from gateway.errors import ErrorCode, error
from resolvers.errors import BadArgument
from resolvers.rows import TooManySubjects

log = logging.getLogger(__name__)


def field_path(path: Iterable[str | int] | None) -> tuple[str, ...]:
    """The response path without list indices: the same for every row."""
    return tuple(p for p in (path or ()) if isinstance(p, str))


def shape_execution_errors(errors: Iterable[GraphQLError], request_id: str) -> list[dict[str, Any]]:
    shaped: dict[tuple[tuple[str, ...], ErrorCode, str], dict[str, Any]] = {}
    for exc in errors:
        path = field_path(exc.path)
        original = exc.original_error
        if isinstance(original, SourceUnavailable):
            key = (path, ErrorCode.SOURCE_UNAVAILABLE, original.department)
            if key in shaped:
                shaped[key]["extensions"]["rows"] += 1
                continue
            shaped[key] = error(f"the {original.department} department did not answer ({original.reason})",
                                ErrorCode.SOURCE_UNAVAILABLE, list(path), department=original.department, rows=1)
        elif isinstance(original, TooManyRows):
            shaped[(path, ErrorCode.TOO_MANY_ROWS, original.department)] = error(
                f"the {original.department} department has more than {original.limit} rows for one {original.per} "
                "of this field; none is served", ErrorCode.TOO_MANY_ROWS, list(path),
                department=original.department, limit=original.limit, per=original.per)
        elif isinstance(original, TooManySubjects):
            shaped[(path, ErrorCode.TOO_MANY_SUBJECTS, "")] = error(
                f"this field would take the request past {original.limit} subjects; none is served",
                ErrorCode.TOO_MANY_SUBJECTS, list(path), limit=original.limit)
        elif isinstance(original, InvalidIdentifier | BadArgument):
            shaped[(path, ErrorCode.BAD_USER_INPUT, original.reason)] = error(
                original.reason, ErrorCode.BAD_USER_INPUT, list(path), reason=original.reason)
        elif original is None:
            shaped[(path, ErrorCode.BAD_USER_INPUT, exc.message)] = error(exc.message, ErrorCode.BAD_USER_INPUT,
                                                                           list(path) or None)
        else:
            log.error("request %s: unexpected error at %s", request_id, "/".join(map(str, exc.path or ())),
                      exc_info=original)
            key = (path, ErrorCode.INTERNAL_SERVER_ERROR, "")
            shaped.setdefault(key, error(f"internal error; quote request id {request_id}",
                                         ErrorCode.INTERNAL_SERVER_ERROR, list(path), requestId=request_id))
    return list(shaped.values())


def denied_field_errors(plan: AccessPlan) -> list[dict[str, Any]]:
    return [
        error(f"{denied.decision.field} is not shared with this caller for this purpose",
              ErrorCode.FORBIDDEN_FIELD, list(denied.path), field=denied.decision.field,
              reason=denied.decision.reason)
        for denied in plan.denied_paths
    ]
