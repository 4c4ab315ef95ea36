"""The limiter's verdict on one request: counted against every limit, refused with the longest wait."""
from __future__ import annotations

import asyncio
import time

from limits import parse_many

from control.ratelimits.config import RateLimits, ScopeLimits
from control.ratelimits.limiter import RateLimiter
from control.ratelimits.stores import CountingStores

GENEROUS = ScopeLimits(tuple(parse_many("1000/minute")), {})


def _limiter(system: str) -> RateLimiter:
    limits = RateLimits(system=ScopeLimits(tuple(parse_many(system)), {}), department=GENEROUS)
    return RateLimiter(limits, CountingStores(None, "unit", 0.25))


async def test_a_refusal_tells_the_wait_of_every_limit_that_would_refuse_not_only_the_first() -> None:
    # The hour's fixed window must have more than the 2 s left that this test's wait is compared with.
    left_in_hour = 3600 - time.time() % 3600
    if left_in_hour < 5:
        await asyncio.sleep(left_in_hour)
    limiter = _limiter("1/2 second; 2/hour")
    assert await limiter.check("s", "d") is None
    await limiter.stores.local.hit(parse_many("2/hour")[0], "system", "d", "s")  # the hour's second request
    refused = await limiter.check("s", "d")
    assert refused is not None and str(refused.limit.item) == "1 per 2 second"
    assert refused.retry_after > 2  # the hour limit refuses too: waiting 2 s would only be refused again


async def test_a_single_refusing_limit_tells_its_own_wait() -> None:
    limiter = _limiter("1/2 second; 100/minute")
    assert await limiter.check("s", "d") is None
    refused = await limiter.check("s", "d")
    assert refused is not None and 1 <= refused.retry_after <= 2


async def test_an_address_is_counted_on_its_own_limit_apart_from_every_caller() -> None:
    limits = RateLimits(system=GENEROUS, department=GENEROUS, per_address=tuple(parse_many("2/minute")))
    limiter = RateLimiter(limits, CountingStores(None, "unit", 0.25))
    assert [await limiter.check_address("203.0.113.9") for _ in range(2)] == [None, None]
    refused = await limiter.check_address("203.0.113.9")
    assert refused is not None and refused.limit.scope == "address" and refused.limit.name == "203.0.113.9"
    assert await limiter.check_address("203.0.113.10") is None
    assert await limiter.check("203.0.113.9", "d") is None, "a caller's count is not the address's"
