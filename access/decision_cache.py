"""The decision maps a gateway serves, compiled by one worker thread and never on the event loop.

Compiling a map asks Casbin hundreds of times (about 0.1 s for a department alone, more with each role), so when a
policy version goes live (`prepare`) the map of every caller it can have is compiled at once, off the loop: each
department alone and with each role set the assignment gives its systems, for each purpose; those asked for under the
previous version first. Roles only come from the assignment, so those callers are all there are. A request whose map
is not compiled yet waits for it in the same thread, ahead of the rest, while every other request goes on.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from access.decisions import DEFAULT_LOOKUP_BUDGET, DecisionMap, compile_decisions
from access.policy.store import Policy
from catalog import Catalog

log = logging.getLogger(__name__)

Key = tuple[str, tuple[str, ...], str]  # department, the roles that decide, purpose


def deciding_roles(policy: Policy, roles: tuple[str, ...]) -> tuple[str, ...]:
    """The roles that can change a decision: those the rules name. Any other (the gateway's own, `auditor`) decides
    as none would, so callers differing only in them share one map."""
    return tuple(role for role in roles if role in policy.rules.roles)


def combinations(policy: Policy) -> list[Key]:
    """Every caller the policy can have: each department alone and with each role set its systems are assigned."""
    return [(department, roles, purpose) for department in policy.departments
            for roles in sorted({deciding_roles(policy, held) for held in policy.assignment.role_sets(department)})
            for purpose in policy.purposes]


class DecisionCache:
    def __init__(self, catalog: Catalog, lookup_budget: int = DEFAULT_LOOKUP_BUDGET) -> None:
        self._catalog = catalog
        self.lookup_budget = lookup_budget  # failed lookups a department may make in a day: what a mask must outlast
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decisions")
        # The prepared version's maps and the one's before it (for requests begun before the change), by version.
        self._maps: dict[str, dict[Key, asyncio.Future[DecisionMap]]] = {}
        self._asked: set[Key] = set()  # the callers requests asked for under the prepared version
        self._version: str | None = None
        self._combinations = self._compiled = 0
        self._preparing: asyncio.Task[None] | None = None

    def prepare(self, policy: Policy) -> None:
        """On the event loop, as `policy` goes live: its maps compiled in the background, once per version."""
        if policy.version == self._version:
            return
        wanted = combinations(policy)
        asked = [key for key in wanted if key in self._asked]
        self._maps = {version: maps for version, maps in self._maps.items() if version == self._version}
        self._maps[policy.version] = {}
        self._version, self._asked = policy.version, set()
        self._combinations, self._compiled = len(wanted), 0
        self._preparing = asyncio.get_running_loop().create_task(
            self._compile_all(policy, [*asked, *(key for key in wanted if key not in asked)]))

    async def _compile_all(self, policy: Policy, wanted: list[Key]) -> None:
        for key in wanted:
            if policy.version != self._version:
                return  # a newer version is being prepared
            try:
                await asyncio.shield(self._future(policy, key))
            except Exception:  # logged; the next request for it compiles it again
                log.exception("policy version %s: the decision map of %s could not be compiled", policy.version, key)
                continue
            self._compiled += 1

    async def get(self, policy: Policy, department: str, roles: tuple[str, ...], purpose: str) -> DecisionMap:
        """On the event loop: the map of this caller, waited for (never compiled here) if it is not compiled yet."""
        key = (department, deciding_roles(policy, roles), purpose)
        if policy.version == self._version:
            self._asked.add(key)
        future = self._future(policy, key)
        return future.result() if future.done() else await asyncio.shield(future)

    def compiled(self, policy: Policy, department: str, roles: tuple[str, ...], purpose: str) -> DecisionMap:
        """From any thread but the event loop's (the workbench): the map as served, compiled in the calling thread
        if it is not compiled yet."""
        roles = deciding_roles(policy, roles)
        future = self._maps.get(policy.version, {}).get((department, roles, purpose))
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            return future.result()
        return compile_decisions(policy, self._catalog, department, roles, purpose, self.lookup_budget)

    def _future(self, policy: Policy, key: Key) -> asyncio.Future[DecisionMap]:
        """The key's map being compiled or compiled (again, if it failed); one of a version no longer kept is compiled,
        not kept."""
        maps = self._maps.get(policy.version)
        found = None if maps is None else maps.get(key)
        if found is None or (found.done() and (found.cancelled() or found.exception() is not None)):
            found = asyncio.get_running_loop().run_in_executor(
                self._worker, compile_decisions, policy, self._catalog, *key, self.lookup_budget)
            if maps is not None:
                maps[key] = found
        return found

    def status(self) -> dict[str, Any]:
        """The /readyz entry: how many of the prepared version's callers have their maps compiled."""
        return {"version": self._version, "compiled": self._compiled, "combinations": self._combinations}

    async def close(self) -> None:
        if self._preparing is not None:
            self._preparing.cancel()
            await asyncio.gather(self._preparing, return_exceptions=True)
        self._worker.shutdown(wait=False, cancel_futures=True)
