"""Issuing signed checkpoints: when one is due, and signing it under the writers' lock."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from record.checkpoints import Checkpoint, CheckpointSigner
from record.database import LogDatabase
from record.merkle import TreeHasher
from record.proofs import root_at
from record.schema import STATE_ROW, access_log_checkpoints, access_log_state


class _Latest(NamedTuple):
    size: int
    issued_at: datetime | None


class CheckpointIssuer:
    def __init__(self, database: LogDatabase, hasher: TreeHasher, signer: CheckpointSigner, origin: str,
                 every_seconds: float, every_entries: int) -> None:
        self._database = database
        self._hasher = hasher
        self._signer = signer
        self._origin = origin
        self._every = timedelta(seconds=every_seconds)
        self._every_entries = every_entries

    async def issue_if_due(self, now: datetime | None = None) -> Checkpoint | None:
        """A new checkpoint if the log grew and the last one is old enough or far enough behind.

        Every worker polls this every second; the check runs first without the lock, so polling does not
        queue behind appends, and again under it, so two workers never sign the same growth twice."""
        now = now or datetime.now(UTC)
        async with self._database.engine.connect() as connection:
            size = await _size(connection)
            if not self._due(size, await _latest(connection), now):
                return None
        async with self._database.locked() as (connection, size):
            if not self._due(size, await _latest(connection), now):
                return None
            return await self._issue(connection, size, now)

    async def issue_now(self) -> Checkpoint | None:
        """A new checkpoint at the current size, unless the latest one already covers it."""
        async with self._database.locked() as (connection, size):
            if size <= (await _latest(connection)).size:
                return None
            return await self._issue(connection, size, datetime.now(UTC))

    def _due(self, size: int, latest: _Latest, now: datetime) -> bool:
        if size <= latest.size:
            return False
        return (latest.issued_at is None or now - latest.issued_at >= self._every
                or size - latest.size >= self._every_entries)

    async def _issue(self, connection: AsyncConnection, size: int, now: datetime) -> Checkpoint:
        checkpoint = Checkpoint(self._origin, size, await root_at(connection, self._hasher, size))
        await connection.execute(insert(access_log_checkpoints).values(
            size=size, root=checkpoint.root, issued_at=now, note=self._signer.sign(checkpoint)))
        return checkpoint


async def _size(connection: AsyncConnection) -> int:
    size: int = (await connection.execute(
        select(access_log_state.c.size).where(access_log_state.c.id == STATE_ROW))).scalar_one()
    return size


async def _latest(connection: AsyncConnection) -> _Latest:
    checkpoints = access_log_checkpoints.c
    row = (await connection.execute(
        select(checkpoints.size, checkpoints.issued_at).order_by(checkpoints.size.desc()).limit(1))).first()
    return _Latest(0, None) if row is None else _Latest(row.size, row.issued_at)
