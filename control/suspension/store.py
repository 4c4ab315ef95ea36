"""The durable list of suspensions: a table in the access record's database.

That database is the one every worker on every host already shares and must reach to serve at all
(no record, no data), and it survives restarts of any process and of Redis; Redis only tells workers
to re-read it at once (see `suspension.watcher`).

A system is named by its department and its name: two departments may each have a system called "x", and
suspending one leaves the other alone. The list before that (`caller_suspensions`, a system by its name alone)
is carried over when the table is made (`create_table`)."""
from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Column,
    MetaData,
    PrimaryKeyConstraint,
    Row,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from control.suspension.legacy import drop_legacy, legacy_rows
from record.database import create_missing
from record.schema import NAME_LENGTH, UtcDateTime

log = logging.getLogger(__name__)

Scope = Literal["system", "department"]
WHOLE_DEPARTMENT = ""  # the system column of a department's suspension

metadata = MetaData()

suspensions = Table(
    "suspensions", metadata,
    Column("department", String(NAME_LENGTH), nullable=False),
    Column("system", String(NAME_LENGTH), nullable=False),  # WHOLE_DEPARTMENT: every system of the department
    Column("reason", Text, nullable=False),
    Column("suspended_by", String(NAME_LENGTH), nullable=False),
    Column("suspended_at", UtcDateTime, nullable=False),
    Column("entry", BigInteger),  # the access-record entry of the suspension
    PrimaryKeyConstraint("department", "system"),
)


@dataclass(frozen=True)
class Target:
    """Whom a suspension stops: one system of a department, or (system None) every system of the department."""
    department: str
    system: str | None = None

    @property
    def scope(self) -> Scope:
        return "department" if self.system is None else "system"

    def __str__(self) -> str:
        if self.system is None:
            return f"department {self.department!r}"
        return f"system {self.system!r} of {self.department}"


@dataclass(frozen=True)
class Suspension:
    target: Target
    reason: str
    by: str
    since: datetime
    entry: int | None = None


class AlreadySuspended(Exception):
    pass


class SuspensionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create_table(self, departments: Collection[str]) -> None:
        """The table, made if missing, with the list kept before it carried over (see `_carry_over`)."""
        async def carry(connection: AsyncConnection) -> None:
            await _carry_over(connection, departments)

        await create_missing(self._engine, metadata, carry)

    async def all(self) -> list[Suspension]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(select(suspensions))
            return [_suspension(row) for row in rows]

    async def find(self, target: Target) -> Suspension | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(suspensions).where(*_matching(target)))).first()
        return None if row is None else _suspension(row)

    async def add(self, suspension: Suspension) -> None:
        target = suspension.target
        try:
            async with self._engine.begin() as connection:
                await connection.execute(insert(suspensions).values(
                    department=target.department, system=target.system or WHOLE_DEPARTMENT,
                    reason=suspension.reason, suspended_by=suspension.by, suspended_at=suspension.since,
                    entry=suspension.entry))
        except IntegrityError:
            raise AlreadySuspended(f"{target} is already suspended") from None

    async def set_entry(self, target: Target, entry: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(suspensions).where(*_matching(target)).values(entry=entry))

    async def remove(self, target: Target) -> bool:
        async with self._engine.begin() as connection:
            removed = await connection.execute(delete(suspensions).where(*_matching(target)))
        return removed.rowcount > 0


async def _carry_over(connection: AsyncConnection, departments: Collection[str]) -> None:
    """The old list's rows into this table, in the transaction that makes it: a department's as it was; a system's,
    which stopped its name in every department, as one row per department of `departments`, so the change lets
    nobody in. A row already here is left as it is, so a process that failed part-way, or two starting together,
    leave the same list; then the old table goes."""
    rows = await legacy_rows(connection)
    if rows is None:
        return
    present = {(row.department, row.system) for row in await connection.execute(
        select(suspensions.c.department, suspensions.c.system))}
    carried = []
    for row in rows:
        system = WHOLE_DEPARTMENT if row.scope == "department" else row.name
        for department in [row.name] if row.scope == "department" else sorted(departments):
            if (department, system) not in present:
                present.add((department, system))
                carried.append({"department": department, "system": system, "reason": row.reason,
                                "suspended_by": row.suspended_by, "suspended_at": row.suspended_at,
                                "entry": row.entry})
    if carried:
        await connection.execute(insert(suspensions), carried)
    await drop_legacy(connection)
    log.warning("suspensions: %d suspension(s) of the old list carried over as %d, a system's in every department",
                len(rows), len(carried))


def _matching(target: Target) -> tuple[Any, ...]:
    return (suspensions.c.department == target.department,
            suspensions.c.system == (target.system or WHOLE_DEPARTMENT))


def _suspension(row: Row[Any]) -> Suspension:
    target = Target(row.department, row.system or None)
    return Suspension(target, row.reason, row.suspended_by, row.suspended_at, row.entry)
