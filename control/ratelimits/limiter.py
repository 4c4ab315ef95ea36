"""Admits a request only when every limit of its calling system and of its department allows it; and a request that
fails authentication only while its client address is within its limit."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits.aio.strategies import RateLimiter as Strategy

from access.policy.registry import load_departments
from control.ratelimits.config import Limit, RateLimits, load_rate_limits
from control.ratelimits.stores import STORE_ERRORS, CountingStores
from settings import Settings


@dataclass(frozen=True)
class Exceeded:
    limit: Limit
    retry_after: int  # whole seconds, at least 1


class RateLimiter:
    def __init__(self, limits: RateLimits, stores: CountingStores) -> None:
        self.limits = limits
        self.stores = stores

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        stores = CountingStores(settings.redis_url, f"{settings.redis_prefix}:rate-limits",
                                settings.rate_limits_redis_timeout)
        return cls(configured_limits(settings), stores)

    async def check(self, system: str, department: str) -> Exceeded | None:
        """None admits the request (and counts it); a Redis failure never admits one unchecked."""
        return await self._check(self.limits.applicable(system, department))

    async def check_address(self, address: str) -> Exceeded | None:
        """Counts a request from `address` that failed authentication; None while the address is within its limit."""
        return await self._check(self.limits.for_address(address))

    async def _check(self, applicable: list[Limit]) -> Exceeded | None:
        shared = self.stores.shared
        if shared is not None:
            try:
                exceeded = await _first_exceeded(shared, applicable)
            except STORE_ERRORS as exc:
                self.stores.fail_over(exc)
            else:
                if exceeded is None:
                    for limit in applicable:
                        await self.stores.local.hit(limit.item, limit.scope, *limit.key)
                return exceeded
        return await _first_exceeded(self.stores.local, applicable)


def configured_limits(settings: Settings) -> RateLimits:
    """Raises RateLimitConfigError, naming the file and the entry, for a file that does not load."""
    return load_rate_limits(settings.rate_limits_file, load_departments(settings.policy_dir / "departments.csv"))


async def _first_exceeded(strategy: Strategy, applicable: list[Limit]) -> Exceeded | None:
    """Counts the request against each limit in turn; the first that refuses stops the count there.

    Retry-After is the latest of the refusing limit's and any later limit's that would refuse too, so a
    caller that waits as told is not refused again by the next limit in line.
    """
    for index, limit in enumerate(applicable):
        if not await strategy.hit(limit.item, limit.scope, *limit.key):
            later = [other for other in applicable[index + 1:]
                     if not await strategy.test(other.item, other.scope, *other.key)]
            waits = [await _seconds_to_wait(strategy, refusing) for refusing in (limit, *later)]
            return Exceeded(limit, max(waits))
    return None


async def _seconds_to_wait(strategy: Strategy, limit: Limit) -> int:
    stats = await strategy.get_window_stats(limit.item, limit.scope, *limit.key)
    return max(1, math.ceil(stats.reset_time - time.time()))
