"""Retention: the oldest entries lose their bodies and subject tags; the tree hashes stay, so the log still verifies."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from record.database import LogDatabase
from record.schema import access_log_entries, access_log_subjects

PRUNE_CHUNK = 5_000

log_entries = access_log_entries.c


async def prune(database: LogDatabase, before: datetime) -> int:
    """Prune the entries logged before ``before``; how many were pruned.

    Only a prefix of the log is ever pruned - up to the first entry logged at or after ``before`` - so
    ``verify`` can tell pruning from tampering: a missing body after a present one is an alteration.
    (Positions follow commit order and times the start of a request, so the prefix may stop a request's
    duration early; those entries go at the next prune.) The work runs in chunks, oldest first, each its
    own transaction: the prefix holds at every commit and no lock is held for long."""
    async with database.engine.connect() as connection:
        cut = await _first_kept(connection, before)
        start = await _first_unpruned(connection, cut)
    pruned = 0
    for low in range(start, cut, PRUNE_CHUNK):
        high = min(low + PRUNE_CHUNK, cut)
        async with database.engine.begin() as connection:
            subjects = access_log_subjects.c
            await connection.execute(delete(access_log_subjects).where(subjects.seq >= low, subjects.seq < high))
            emptied = await connection.execute(update(access_log_entries).where(
                log_entries.seq >= low, log_entries.seq < high, log_entries.body.is_not(None)).values(body=None))
            pruned += emptied.rowcount
    return pruned


async def _first_kept(connection: AsyncConnection, before: datetime) -> int:
    first_recent: int | None = (await connection.execute(
        select(func.min(log_entries.seq)).where(log_entries.logged_at >= before))).scalar()
    if first_recent is not None:
        return first_recent
    size: int = (await connection.execute(select(func.coalesce(func.max(log_entries.seq) + 1, 0)))).scalar_one()
    return size


async def _first_unpruned(connection: AsyncConnection, cut: int) -> int:
    """The first entry before ``cut`` that still has its body: a binary search, as the pruned entries are a
    prefix, where a scan would read every entry pruned in years past."""
    low, high = 0, cut
    while low < high:
        middle = (low + high) // 2
        has_body = (await connection.execute(
            select(log_entries.body.is_not(None)).where(log_entries.seq == middle))).scalar()
        if has_body:
            high = middle
        else:
            low = middle + 1
    return low
