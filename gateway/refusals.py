"""The caller's side of a rate limit: HTTP 429, RATE_LIMITED, and when to try again."""
from __future__ import annotations

from control.ratelimits.limiter import Exceeded
from gateway.errors import ErrorCode, RequestRefused, error

WHO = {"system": "the calling system", "department": "the department"}


def too_many_requests(exceeded: Exceeded) -> RequestRefused:
    limit, seconds = exceeded.limit, exceeded.retry_after
    message = (f"too many requests from {WHO[limit.scope]} {limit.name!r}: its limit is {limit.item}; "
               f"retry after {seconds} s")
    return RequestRefused(429, [error(message, ErrorCode.RATE_LIMITED, limitedBy=limit.scope, limit=str(limit.item),
                                      retryAfter=seconds)], headers={"retry-after": str(seconds)})
