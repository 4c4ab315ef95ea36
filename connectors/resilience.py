"""A department connector made resilient: one time budget per read, retries inside it, a breaker around it."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence

import stamina

from connectors.base import ConnectionFailed, Connector, Row, SourceUnavailable
from connectors.breaker import CircuitBreaker, CircuitOpen


def _department_at_fault(exc: BaseException) -> bool:
    """Only the department's own failures count; a rejected request, a busy pool, a cancelled call do not."""
    return isinstance(exc, SourceUnavailable) and exc.department_fault


class ResilientConnector:
    """Reads through `source`: refused while the department's breaker is open; after a refused or
    dropped connection tried again, up to `retry_attempts` in all (backoff from `retry_wait` seconds,
    doubling, with jitter); everything, retries and backoff included, within `budget` seconds."""

    def __init__(self, source: Connector, breaker: CircuitBreaker, budget: float, retry_attempts: int,
                 retry_wait: float) -> None:
        self.source = source
        self.department = source.department
        self.breaker = breaker
        self._budget = budget
        self._retry_attempts = retry_attempts
        self._retry_wait = retry_wait

    async def fetch(self, by: str, keys: Sequence[str], limit: int) -> list[Row]:
        try:
            with self.breaker.guard(_department_at_fault):
                return await self._fetch_within_budget(by, keys, limit)
        except CircuitOpen:
            raise SourceUnavailable(self.department, "circuit open after repeated failures") from None

    async def _fetch_within_budget(self, by: str, keys: Sequence[str], limit: int) -> list[Row]:
        try:
            async with asyncio.timeout(self._budget):
                try:
                    # Outside stamina: its machinery costs more than a fast read, and most reads succeed.
                    return await self.source.fetch(by, keys, limit)
                except ConnectionFailed:
                    if self._retry_attempts < 2:
                        raise
                return await self._retry(by, keys, limit)
        except TimeoutError:
            raise SourceUnavailable(self.department, "timed out") from None

    async def _retry(self, by: str, keys: Sequence[str], limit: int) -> list[Row]:
        """The first retry at once (a pooled connection the server dropped is the usual cause), then backoff."""
        async for attempt in stamina.retry_context(
            on=ConnectionFailed, attempts=self._retry_attempts - 1, timeout=self._budget,
            wait_initial=self._retry_wait, wait_jitter=self._retry_wait, wait_max=self._budget,
        ):
            with attempt:
                rows = await self.source.fetch(by, keys, limit)
        return rows

    async def ping(self) -> None:
        """The department itself, past the breaker: /readyz shows the department's state and the breaker's."""
        await self.source.ping()

    async def close(self) -> None:
        await self.source.close()
