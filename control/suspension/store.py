"""The durable list of suspensions: a table in the access record's database.

That database is the one every worker on every host already shares and must reach to serve at all
(no record, no data), and it survives restarts of any process and of Redis; Redis only tells workers
to re-read it at once (see `suspension.watcher`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import BigInteger, Column, MetaData, Row, String, Table, Text, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from record.database import create_missing
from record.schema import NAME_LENGTH, UtcDateTime

Scope = Literal["system", "department"]

metadata = MetaData()

caller_suspensions = Table(
    "caller_suspensions", metadata,
    Column("scope", String(16), primary_key=True),
    Column("name", String(NAME_LENGTH), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("suspended_by", String(NAME_LENGTH), nullable=False),
    Column("suspended_at", UtcDateTime, nullable=False),
    Column("entry", BigInteger),  # the access-record entry of the suspension
)


@dataclass(frozen=True)
class Suspension:
    scope: Scope
    name: str
    reason: str
    by: str
    since: datetime
    entry: int | None = None


class AlreadySuspended(Exception):
    pass


class SuspensionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create_table(self) -> None:
        await create_missing(self._engine, metadata)

    async def all(self) -> list[Suspension]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(select(caller_suspensions))
            return [_suspension(row) for row in rows]

    async def find(self, scope: Scope, name: str) -> Suspension | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(caller_suspensions).where(
                caller_suspensions.c.scope == scope, caller_suspensions.c.name == name))).first()
        return None if row is None else _suspension(row)

    async def add(self, suspension: Suspension) -> None:
        try:
            async with self._engine.begin() as connection:
                await connection.execute(insert(caller_suspensions).values(
                    scope=suspension.scope, name=suspension.name, reason=suspension.reason,
                    suspended_by=suspension.by, suspended_at=suspension.since, entry=suspension.entry))
        except IntegrityError:
            raise AlreadySuspended(f"{suspension.scope} {suspension.name!r} is already suspended") from None

    async def set_entry(self, scope: Scope, name: str, entry: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(caller_suspensions).where(
                caller_suspensions.c.scope == scope, caller_suspensions.c.name == name).values(entry=entry))

    async def remove(self, scope: Scope, name: str) -> bool:
        async with self._engine.begin() as connection:
            removed = await connection.execute(delete(caller_suspensions).where(
                caller_suspensions.c.scope == scope, caller_suspensions.c.name == name))
        return removed.rowcount > 0


def _suspension(row: Row[Any]) -> Suspension:
    return Suspension(row.scope, row.name, row.reason, row.suspended_by, row.suspended_at, row.entry)
