"""Where the lookup budget's counts of a day live: in Redis, shared by every worker, or in this process.

Per scope (a department; a department's system for one purpose) and local day: a count of the keys that failed
lookup, and the distinct subjects found (a HyperLogLog in Redis, a set here). A reservation checks all four
budgets and adds the operation's keys to both failed-key counts in one step, so concurrent requests cannot both
fit in the last of a budget; the keys found are refunded afterwards.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from redis.asyncio import Redis

KEEP_SECONDS = 2 * 24 * 3600  # a day's counts outlive it, for a request that settles after midnight

# KEYS: the failed-key counts (department, system-purpose), then the subject HyperLogLogs in the same order.
# ARGV: the keys to reserve, the four budgets in KEYS' order, the seconds the counts are kept.
# Returns the (1-based) budget that refuses, or 0 once the keys are added to both failed-key counts.
RESERVE = """
local wanted = tonumber(ARGV[1])
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') + wanted > tonumber(ARGV[i + 1]) then return i end
end
for i = 3, 4 do
  if redis.call('PFCOUNT', KEYS[i]) >= tonumber(ARGV[i + 1]) then return i end
end
for i = 1, 2 do
  redis.call('INCRBY', KEYS[i], wanted)
  redis.call('EXPIRE', KEYS[i], ARGV[6])
end
return 0
"""

Limits = tuple[int, ...]  # the four of ProbeBudgets.daily, in its order: failed keys, then subjects; department first


@dataclass(frozen=True)
class Tally:
    """One caller's counts on one local day: its department's, and its system's for its purpose."""
    day: str  # ISO date
    department: str
    system: str
    purpose: str

    @property
    def scopes(self) -> tuple[str, str]:
        # The system name is the token's `sub`, free text: last, so no name can run into another scope's key.
        return f"department:{self.department}", f"system-purpose:{self.department}:{self.purpose}:{self.system}"


class SharedProbeCounts:
    def __init__(self, client: Redis, prefix: str) -> None:
        self._prefix = prefix
        self._client = client
        self._reserve = client.register_script(RESERVE)

    async def reserve(self, tally: Tally, keys: int, limits: Limits) -> int | None:
        """None once `keys` are reserved; else the index (in `limits`) of the budget that refuses them."""
        refusing = await self._reserve(keys=[*self._failed(tally), *self._subjects(tally)],
                                       args=[keys, *limits, KEEP_SECONDS])
        return int(refusing) - 1 if refusing else None

    async def settle(self, tally: Tally, refund: int, found: Collection[bytes]) -> None:
        async with self._client.pipeline(transaction=False) as pipe:
            if refund:
                for key in self._failed(tally):
                    pipe.decrby(key, refund)
            if found:
                for key in self._subjects(tally):
                    pipe.pfadd(key, *found)
                    pipe.expire(key, KEEP_SECONDS)
            await pipe.execute()

    def _failed(self, tally: Tally) -> list[str]:
        return [f"{self._prefix}:{tally.day}:failed:{scope}" for scope in tally.scopes]

    def _subjects(self, tally: Tally) -> list[str]:
        return [f"{self._prefix}:{tally.day}:subjects:{scope}" for scope in tally.scopes]


@dataclass
class _Day:
    failed: Counter[str] = field(default_factory=Counter)
    subjects: defaultdict[str, set[bytes]] = field(default_factory=lambda: defaultdict(set))


class LocalProbeCounts:
    """This process's counts, of the two latest days it has seen."""

    def __init__(self) -> None:
        self._days: dict[str, _Day] = {}

    def reserve(self, tally: Tally, keys: int, limits: Limits) -> int | None:
        day = self._day(tally.day)
        for index, scope in enumerate(tally.scopes):
            if day.failed[scope] + keys > limits[index]:
                return index
        for index, scope in enumerate(tally.scopes):
            if len(day.subjects[scope]) >= limits[2 + index]:
                return 2 + index
        self.add(tally, keys)
        return None

    def add(self, tally: Tally, keys: int) -> None:
        """Counts keys reserved elsewhere (in Redis), so that a fail-over starts from them, not from zero."""
        day = self._day(tally.day)
        for scope in tally.scopes:
            day.failed[scope] += keys

    def settle(self, tally: Tally, refund: int, found: Collection[bytes]) -> None:
        day = self._day(tally.day)
        for scope in tally.scopes:
            day.failed[scope] -= refund
            day.subjects[scope].update(found)

    def _day(self, name: str) -> _Day:
        day = self._days.get(name)
        if day is None:
            day = self._days[name] = _Day()
            for old in sorted(self._days)[:-2]:
                del self._days[old]
        return day
