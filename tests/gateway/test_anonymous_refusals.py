"""Refusals for want of identity are written as one entry per address and period, none lost when a write fails,
and a flood from ever new addresses holds a bounded number of counts."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.anonymous_refusals import OTHER, AnonymousRefusals
from record.database import RecordUnavailable


class Record:
    def __init__(self) -> None:
        self.entries: list[Mapping[str, Any]] = []
        self.failing = False

    async def append(self, entry: Mapping[str, Any]) -> int:
        if self.failing:
            raise RecordUnavailable("down")
        self.entries.append(entry)
        return len(self.entries) - 1


async def test_one_entry_per_address_with_its_counts() -> None:
    refusals, record = AnonymousRefusals("host:1"), Record()
    for address, outcome in [("a", "UNAUTHENTICATED")] * 3 + [("a", "RATE_LIMITED"), ("b", "BAD_REQUEST")]:
        refusals.add(address, outcome)
    await refusals.write(record)  # type: ignore[arg-type]
    assert [(e["kind"], e["address"], e["requests"], e["outcomes"], e["recordedBy"]) for e in record.entries] == [
        ("anonymous", "a", 4, {"RATE_LIMITED": 1, "UNAUTHENTICATED": 3}, "host:1"),
        ("anonymous", "b", 1, {"BAD_REQUEST": 1}, "host:1")]
    await refusals.write(record)  # type: ignore[arg-type]
    assert len(record.entries) == 2, "a period without refusals writes nothing"


async def test_counts_that_cannot_be_written_are_kept_for_the_next_write() -> None:
    refusals, record = AnonymousRefusals("host:1"), Record()
    refusals.add("a", "UNAUTHENTICATED")
    record.failing = True
    await refusals.write(record)  # type: ignore[arg-type]
    refusals.add("a", "UNAUTHENTICATED")
    record.failing = False
    await refusals.write(record)  # type: ignore[arg-type]
    [entry] = record.entries
    assert entry["requests"] == 2 and entry["since"] <= entry["until"]


async def test_beyond_the_cap_addresses_are_counted_together() -> None:
    refusals, record = AnonymousRefusals("host:1", max_addresses=3), Record()
    for n in range(10):
        refusals.add(f"198.51.100.{n}", "UNAUTHENTICATED")
    await refusals.write(record)  # type: ignore[arg-type]
    assert [(e["address"], e["requests"]) for e in record.entries] == [
        ("198.51.100.0", 1), ("198.51.100.1", 1), ("198.51.100.2", 1), (OTHER, 7)]
