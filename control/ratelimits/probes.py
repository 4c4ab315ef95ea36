"""The lookup budget (README "Rate limits"): how many keys a caller that may not see them in clear may look up in
vain, and how many distinct subjects it may find, per local day; so that asking cannot tell it which of many
candidate keys exist.

Counted in Redis while it answers, shared by every worker and host; when it does not, in this process, with the
rate limits' own switch (CountingStores): never unchecked. A reservation made in Redis is also counted here, so a
fail-over starts from this process's share of the day, not from zero.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from control.ratelimits.config import ProbeBudgets
from control.ratelimits.probe_counts import Limits, LocalProbeCounts, SharedProbeCounts, Tally
from control.ratelimits.stores import STORE_ERRORS, CountingStores

CHINA = timezone(timedelta(hours=8), "UTC+8")  # Asia/Shanghai: no daylight saving time since 1991
SUBJECT_DOMAIN = b"huitong/lookup-budget\x1f"


@dataclass(frozen=True)
class Reservation:
    tally: Tally
    keys: int
    shared: bool  # made in Redis (and counted here too), or here alone


@dataclass(frozen=True)
class BudgetSpent:
    budget: str  # its name in the rate-limits file
    limit: int
    retry_after: int  # whole seconds to the next local day


class ProbeCounter:
    def __init__(self, budgets: ProbeBudgets, stores: CountingStores, prefix: str, subject_key: bytes,
                 clock: Callable[[], float] = time.time) -> None:
        self.budgets = budgets
        self._stores = stores
        self._shared = SharedProbeCounts(stores.client, prefix) if stores.client is not None else None
        self._local = LocalProbeCounts()
        self._subject_key = subject_key
        self._clock = clock
        self._names = tuple(name for name, _ in budgets.daily())
        self._limits: Limits = tuple(limit for _, limit in budgets.daily())

    async def reserve(self, department: str, system: str, purpose: str, keys: int) -> Reservation | BudgetSpent:
        """`keys` lookups reserved as failed until settled; or the budget they do not fit in."""
        now = datetime.fromtimestamp(self._clock(), CHINA)
        tally = Tally(now.date().isoformat(), department, system, purpose)
        shared = self._shared if self._stores.degraded_since is None else None
        if shared is not None:
            try:
                refusing = await shared.reserve(tally, keys, self._limits)
            except STORE_ERRORS as exc:
                self._stores.fail_over(exc)
            else:
                if refusing is None:
                    self._local.add(tally, keys)
                    return Reservation(tally, keys, shared=True)
                return self._spent(refusing, now)
        refusing = self._local.reserve(tally, keys, self._limits)
        return Reservation(tally, keys, shared=False) if refusing is None else self._spent(refusing, now)

    async def settle(self, reservation: Reservation, failed: int, found: Collection[str]) -> None:
        """The keys that did not fail refunded, the keys found added to the day's subjects. A reservation made in
        Redis is settled there only while Redis answers: its failed keys stay counted, never fewer."""
        refund = reservation.keys - failed
        digests = {self._digest(key) for key in found}
        self._local.settle(reservation.tally, refund, digests)
        if reservation.shared and self._shared is not None and self._stores.degraded_since is None:
            try:
                await self._shared.settle(reservation.tally, refund, digests)
            except STORE_ERRORS as exc:
                self._stores.fail_over(exc)

    def _digest(self, subject: str) -> bytes:
        """Subjects are counted by a keyed digest: no identifier is kept in the store."""
        return hmac.new(self._subject_key, SUBJECT_DOMAIN + subject.encode(), hashlib.sha256).digest()[:16]

    def _spent(self, index: int, now: datetime) -> BudgetSpent:
        tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), CHINA)
        return BudgetSpent(self._names[index], self._limits[index],
                           max(1, math.ceil((tomorrow - now).total_seconds())))
