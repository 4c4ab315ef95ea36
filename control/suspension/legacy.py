"""The suspension list as kept before a system was named by its department: `caller_suspensions`, one row per
(scope, name), where a system's name alone stopped that name in every department. Read once to be carried over
(`SuspensionStore.create_table`), then dropped."""
from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, Row, String, Table, Text, inspect, select
from sqlalchemy.ext.asyncio import AsyncConnection

from record.schema import NAME_LENGTH, UtcDateTime

caller_suspensions = Table(
    "caller_suspensions", MetaData(),
    Column("scope", String(16), primary_key=True),
    Column("name", String(NAME_LENGTH), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("suspended_by", String(NAME_LENGTH), nullable=False),
    Column("suspended_at", UtcDateTime, nullable=False),
    Column("entry", BigInteger),
)


async def legacy_rows(connection: AsyncConnection) -> list[Row[Any]] | None:
    """The old list's rows, or None when there is no old list (a new database, or one already carried over)."""
    if not await connection.run_sync(lambda sync: inspect(sync).has_table(caller_suspensions.name)):
        return None
    return list(await connection.execute(select(caller_suspensions)))


async def drop_legacy(connection: AsyncConnection) -> None:
    await connection.run_sync(lambda sync: caller_suspensions.drop(sync, checkfirst=True))
