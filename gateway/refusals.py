"""The caller's side of a rate limit or the lookup budget: HTTP 429, its code, and when to try again."""
from __future__ import annotations

from control.ratelimits.config import Limit
from control.ratelimits.limiter import Exceeded
from control.ratelimits.probes import BudgetSpent
from gateway.errors import ErrorCode, RequestRefused, error


def _from(limit: Limit) -> str:
    if limit.scope == "system":
        department, system = limit.key
        return f"from the calling system {system!r} of {department}"
    if limit.scope == "department":
        return f"from the department {limit.name!r}"
    return f"that fail authentication from the address {limit.name}"


def too_many_requests(exceeded: Exceeded) -> RequestRefused:
    limit, seconds = exceeded.limit, exceeded.retry_after
    message = f"too many requests {_from(limit)}: its limit is {limit.item}; retry after {seconds} s"
    return RequestRefused(429, [error(message, ErrorCode.RATE_LIMITED, limitedBy=limit.scope, limit=str(limit.item),
                                      retryAfter=seconds)], headers={"retry-after": str(seconds)})


def lookup_budget_exceeded(spent: BudgetSpent, department: str, system: str, purpose: str) -> RequestRefused:
    budget, limit, seconds = spent.budget, spent.limit, spent.retry_after
    who = (f"the department {department!r}" if budget.endswith("-per-department")
           else f"the calling system {system!r} for the purpose {purpose!r}")
    if budget.startswith("failed-keys"):
        what = f"may look up at most {limit} keys a day that find nothing, and this operation's could go past it"
    else:
        what = f"may find at most {limit} distinct subjects a day, and has found them"
    message = f"lookup budget {budget} spent: {who} {what}; retry after {seconds} s (the next day, UTC+8)"
    return RequestRefused(429, [error(message, ErrorCode.LOOKUP_BUDGET_EXCEEDED, limitedBy=budget, limit=limit,
                                      retryAfter=seconds)], headers={"retry-after": str(seconds)})
