"""Requests refused for want of a valid identity go on the access record as counts, not one entry each: every
`interval` each worker writes one entry per client address that was refused, with how many and why. A flood of
them costs the record one entry per address and period; every request with a valid token still has its own entry.

The counts live in this worker until written; a period whose entries cannot be written is kept and written with the
next. At most `max_addresses` addresses are counted apart in one period, the rest together under OTHER, so a flood
from ever new addresses holds a bounded amount of memory.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from record.store import AccessRecord

log = logging.getLogger(__name__)

ENTRY_KIND = "anonymous"
OTHER = "other"  # the addresses beyond max_addresses in one period
MAX_ADDRESSES = 10_000


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Refused:
    since: datetime
    until: datetime
    outcomes: Counter[str] = field(default_factory=Counter)

    def merge(self, other: _Refused) -> None:
        self.since, self.until = min(self.since, other.since), max(self.until, other.until)
        self.outcomes.update(other.outcomes)


class AnonymousRefusals:
    def __init__(self, recorded_by: str, max_addresses: int = MAX_ADDRESSES) -> None:
        self._recorded_by = recorded_by
        self._max_addresses = max_addresses
        self._pending: dict[str, _Refused] = {}

    def add(self, address: str, outcome: str) -> None:
        """One request from `address` refused with `outcome` (its error code)."""
        if address not in self._pending and len(self._pending) >= self._max_addresses:
            address = OTHER
        at = _now()
        refused = self._pending.setdefault(address, _Refused(at, at))
        refused.until = at
        refused.outcomes[outcome] += 1

    async def write(self, record: AccessRecord) -> None:
        """One entry per address counted since the last write, in one group commit; what fails is kept."""
        taken, self._pending = self._pending, {}
        if not taken:
            return
        written = await asyncio.gather(*(record.append(self._entry(address, refused))
                                         for address, refused in taken.items()), return_exceptions=True)
        failures = [outcome for outcome in written if isinstance(outcome, BaseException)]
        for (address, refused), outcome in zip(taken.items(), written, strict=True):
            if isinstance(outcome, BaseException):
                self._keep(address, refused)
        if failures:
            log.warning("the counts of %d address(es) refused for want of identity could not be written to the access "
                        "record (%s); kept for the next write", len(failures), type(failures[0]).__name__)

    async def run(self, record: AccessRecord, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.write(record)

    def _keep(self, address: str, refused: _Refused) -> None:
        if address in self._pending:
            self._pending[address].merge(refused)
        else:
            self._pending[address] = refused

    def _entry(self, address: str, refused: _Refused) -> dict[str, Any]:
        return {"kind": ENTRY_KIND, "time": _now().isoformat(timespec="milliseconds"), "address": address,
                "since": refused.since.isoformat(timespec="milliseconds"),
                "until": refused.until.isoformat(timespec="milliseconds"),
                "requests": sum(refused.outcomes.values()), "outcomes": dict(sorted(refused.outcomes.items())),
                "recordedBy": self._recorded_by, "salt": secrets.token_hex(16)}
