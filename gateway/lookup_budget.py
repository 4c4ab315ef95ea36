"""The lookup budget of one operation (README "Rate limits"): no existence oracle for a caller that may not see a key
in clear.

Its keys are those of every root field looked up by a field the caller's decision does not show in clear, whatever
the query's shape (list or single key, aliases, fragments, variables; a key asked twice is one key). Too many in one
operation is refused; the rest are reserved as failed against the caller's daily budget before any department is
asked, and settled from what the departments answered: a key found, or never answered, is refunded.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graphql.execution.values import get_argument_values

from access.decisions import DecisionMap, Effect
from control.ratelimits.probes import BudgetSpent
from gateway.asking import Asking
from gateway.entry import RequestEntry
from gateway.errors import ErrorCode, RequestRefused
from gateway.operation import Governed, Operation
from gateway.refusals import lookup_budget_exceeded
from gateway.runtime import Runtime
from resolvers.roots import canonical_key

Lookups = dict[tuple[str, str], set[str]]  # (resource, field looked up) -> keys


def counted_lookups(runtime: Runtime, operation: Operation, decisions: DecisionMap) -> Lookups:
    """The keys the operation looks up by a field the caller may not see in clear."""
    catalog = runtime.catalog
    query_type = runtime.graphql_schema.query_type
    assert query_type is not None  # the gateway's schema always has its Query type
    counted: Lookups = {}
    for field in operation.selection.roots:
        root = catalog.roots.get(field.name)
        if root is None or decisions.decisions[f"{root.resource}.{root.by}"].effect is Effect.CLEAR:
            continue
        value = get_argument_values(query_type.fields[field.name], field.node, operation.variables)[root.argument]
        canonical = canonical_key(catalog, root)
        counted.setdefault((root.resource, root.by), set()).update(
            canonical(key) for key in (value if root.many else [value]))
    return counted


@asynccontextmanager
async def lookup_budget(runtime: Runtime, operation: Operation, governed: Governed, asking: Asking,
                        entry: RequestEntry) -> AsyncIterator[None]:
    """Around the operation's run: refuses it (400, 429) or counts its keys; the entry keeps the count."""
    counted = counted_lookups(runtime, operation, governed.plan.decisions)
    keys = sum(len(asked) for asked in counted.values())
    if not keys:
        yield
        return
    caller, probes = asking.caller, runtime.probes
    limit = probes.budgets.keys_per_operation
    if keys > limit:
        entry.probe = {"lookupKeys": keys, "refusedBy": "keys-per-operation"}
        raise RequestRefused.one(400, f"the operation looks up {keys} keys this caller may not see in clear; at "
                                      f"most {limit} are allowed", ErrorCode.TOO_MANY_KEYS, keys=keys, limit=limit)
    reserved = await probes.reserve(caller.department, caller.system, asking.purpose, keys)
    if isinstance(reserved, BudgetSpent):
        entry.probe = {"lookupKeys": keys, "refusedBy": reserved.budget}
        raise lookup_budget_exceeded(reserved, caller.department, caller.system, asking.purpose)
    answers = {lookup: entry.trace.watch(*lookup) for lookup in counted}
    try:
        yield
    finally:
        failed = [key for lookup, asked in counted.items() for key in asked if answers[lookup].get(key) is False]
        found = [key for lookup, asked in counted.items() for key in asked if answers[lookup].get(key)]
        entry.probe = {"lookupKeys": keys, "failedKeys": len(failed)}
        await probes.settle(reserved, len(failed), found)
