"""The lookup budget's counts: reserved before a lookup, refunded for keys found, per local day, never unchecked."""
from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime

from redis.asyncio import Redis

from control.ratelimits.config import ProbeBudgets
from control.ratelimits.probes import BudgetSpent, ProbeCounter, Reservation
from control.ratelimits.stores import CountingStores

KEY = b"test-subject-key"
BUDGETS = ProbeBudgets(failed_keys_per_department=30, failed_keys_per_system_purpose=20, subjects_per_department=6,
                       subjects_per_system_purpose=4)
# 2026-03-01 23:00 in Beijing: an hour before the next local day
LATE_EVENING = datetime(2026, 3, 1, 15, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _counter(stores: CountingStores | None = None, clock: Clock | None = None, budgets: ProbeBudgets = BUDGETS,
             prefix: str = "unit") -> ProbeCounter:
    return ProbeCounter(budgets, stores or CountingStores(None, prefix, 0.25), f"{prefix}:lookup-budget", KEY,
                        clock or Clock(LATE_EVENING))


async def _forget(redis_url: str, prefix: str) -> None:
    """The counts live two days; a test's own go with it."""
    client = Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(f"{prefix}:lookup-budget:*")]
        assert keys, "nothing was counted in Redis"
        await client.delete(*keys)
    finally:
        await client.aclose()


async def _reserve(counter: ProbeCounter, keys: int, system: str = "sys-a",
                   department: str = "human-resources") -> Reservation | BudgetSpent:
    return await counter.reserve(department, system, "identity-verification", keys)


async def test_failed_keys_are_refused_past_the_system_purpose_budget_until_the_next_local_day() -> None:
    clock = Clock(LATE_EVENING)
    counter = _counter(clock=clock)
    reserved = await _reserve(counter, 15)
    assert isinstance(reserved, Reservation)
    await counter.settle(reserved, failed=15, found=[])
    spent = await _reserve(counter, 6)
    assert spent == BudgetSpent("failed-keys-per-system-purpose", 20, retry_after=3600)
    assert isinstance(await _reserve(counter, 5), Reservation)  # what still fits is reserved
    clock.now += 3600
    assert isinstance(await _reserve(counter, 20), Reservation)  # a new day in Beijing, a new budget


async def test_every_system_of_a_department_spends_the_departments_budget() -> None:
    counter = _counter()
    for system in ("sys-a", "sys-b"):
        reserved = await _reserve(counter, 15, system)
        assert isinstance(reserved, Reservation)
        await counter.settle(reserved, failed=15, found=[])
    spent = await _reserve(counter, 1, "sys-c")
    assert isinstance(spent, BudgetSpent) and spent.budget == "failed-keys-per-department" and spent.limit == 30
    assert isinstance(await _reserve(counter, 20, "sys-c", department="market-regulation"), Reservation)


async def test_keys_found_are_refunded_and_counted_as_distinct_subjects() -> None:
    counter = _counter()
    for _ in range(5):  # 5 x 10 keys found: 50 lookups, none failed, the same 3 subjects
        reserved = await _reserve(counter, 10)
        assert isinstance(reserved, Reservation)
        await counter.settle(reserved, failed=0, found=["a", "b", "c"])
    reserved = await _reserve(counter, 10)
    assert isinstance(reserved, Reservation)
    await counter.settle(reserved, failed=0, found=["d"])  # the 4th distinct subject reaches the budget
    spent = await _reserve(counter, 1)
    assert isinstance(spent, BudgetSpent) and spent.budget == "subjects-per-system-purpose" and spent.limit == 4


async def test_keys_reserved_and_never_settled_stay_counted_as_failed() -> None:
    counter = _counter()
    assert isinstance(await _reserve(counter, 20), Reservation)
    assert isinstance(await _reserve(counter, 1), BudgetSpent)


def _dead_redis_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


async def test_with_redis_gone_the_process_counts_alone_and_still_refuses() -> None:
    stores = CountingStores(_dead_redis_url(), "unit", 0.25)
    counter = _counter(stores)
    try:
        assert isinstance(await _reserve(counter, 20), Reservation)
        assert stores.status()["status"] == "degraded"
        assert isinstance(await _reserve(counter, 1), BudgetSpent)
    finally:
        await stores.close()


async def test_concurrent_reservations_in_redis_never_share_the_last_of_a_budget(redis_url, redis_prefix) -> None:
    stores = CountingStores(redis_url, redis_prefix, 0.25)
    counter = _counter(stores, budgets=ProbeBudgets(failed_keys_per_system_purpose=100), prefix=redis_prefix)
    try:
        verdicts = await asyncio.gather(*(_reserve(counter, 10) for _ in range(30)))
        assert sum(isinstance(verdict, Reservation) for verdict in verdicts) == 10
        assert stores.status() == {"store": "redis", "status": "ok"}
    finally:
        await stores.close()
        await _forget(redis_url, redis_prefix)


async def test_counters_on_one_redis_share_the_budget_and_its_refunds(redis_url, redis_prefix) -> None:
    first, second = CountingStores(redis_url, redis_prefix, 0.25), CountingStores(redis_url, redis_prefix, 0.25)
    one, other = _counter(first, prefix=redis_prefix), _counter(second, prefix=redis_prefix)
    try:
        reserved = await _reserve(one, 20)
        assert isinstance(reserved, Reservation)
        await one.settle(reserved, failed=12, found=["110105194912310029"])
        spent = await _reserve(other, 9)  # 12 failed through the first counter: 8 left
        assert isinstance(spent, BudgetSpent) and spent.budget == "failed-keys-per-system-purpose"
        assert isinstance(await _reserve(other, 8), Reservation)
    finally:
        await first.close()
        await second.close()
        await _forget(redis_url, redis_prefix)
