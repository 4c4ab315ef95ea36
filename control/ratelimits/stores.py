"""Where the counts live: in Redis, shared by every worker, while it answers; in this process when not.

Every request admitted through Redis is also counted in this process, so on a fail-over the
process already holds its own share of the window and a caller over its limit stays refused.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import RateLimiter, SlidingWindowCounterRateLimiter
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

STORE_ERRORS = (RedisError, OSError)
PROBE = parse("1/second")


class CountingStores:
    def __init__(self, redis_url: str | None, key_prefix: str, timeout: float) -> None:
        self.local: RateLimiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._pool: ConnectionPool | None = None
        self._shared: RateLimiter | None = None
        # The same Redis for counts of another kind (the lookup budget's), which fail over and come back with these.
        self.client: Redis | None = None
        if redis_url is not None:
            # One immediate retry rides over a connection Redis closed; nothing waits longer than `timeout`.
            self._pool = ConnectionPool.from_url(redis_url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                                 retry=Retry(NoBackoff(), 1))
            # limits documents connection_pool but types the extra options as float | str | bool
            storage = RedisStorage("async+" + redis_url.replace("unix://", "redis+unix://", 1),
                                   implementation="redispy", key_prefix=key_prefix,
                                   connection_pool=self._pool)  # type: ignore[arg-type]
            self._shared = SlidingWindowCounterRateLimiter(storage)
            self.client = Redis(connection_pool=self._pool)
        self.degraded_since: datetime | None = None

    @property
    def shared(self) -> RateLimiter | None:
        """The Redis counts, or None while this process counts alone."""
        return self._shared if self.degraded_since is None else None

    def fail_over(self, exc: BaseException) -> None:
        if self.degraded_since is None:
            self.degraded_since = datetime.now(UTC)
            log.warning("rate limits: Redis does not answer (%s); each worker now counts its own requests "
                        "against the limits until it does", type(exc).__name__)

    async def watch(self, interval: float) -> None:
        """Asks Redis at start, then every `interval` seconds while this process counts alone."""
        if self._shared is None:
            return
        await self._probe(self._shared)
        while True:
            await asyncio.sleep(interval)
            if self.degraded_since is not None:
                await self._probe(self._shared)

    async def _probe(self, shared: RateLimiter) -> None:
        try:
            await shared.get_window_stats(PROBE, "probe")
        except STORE_ERRORS as exc:
            self.fail_over(exc)
            return
        if self.degraded_since is not None:
            self.degraded_since = None
            log.warning("rate limits: Redis answers again; the limits are shared by every worker again")

    def status(self) -> dict[str, str]:
        if self._shared is None:
            return {"store": "per-process", "status": "ok"}  # configured without Redis
        if self.degraded_since is None:
            return {"store": "redis", "status": "ok"}
        return {"store": "per-process", "status": "degraded",
                "since": self.degraded_since.isoformat(timespec="seconds")}

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
