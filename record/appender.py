"""Appending entries with group commit: the entries waiting at a moment are committed in one transaction.

Each ``append`` prepares its entry (canonical JSON, leaf hash) in the caller's task, queues it with a
future and waits. One writer task per log drains the queue: it takes every entry queued so far (up to
``MAX_BATCH``), writes them in one transaction under the writers' lock (``LogDatabase.locked``), and
only after the commit returns resolves each caller's future with its position. While one transaction
runs, new callers queue up and become the next one: the rate of transactions (and of durable syncs)
is bounded by the database's commit latency, not driven by the request rate, and under load each
transaction carries many entries. If the transaction fails,
it rolls back as a whole and every caller in it gets ``RecordUnavailable``: no entry is half-written,
and no caller is told an entry is durable when it is not.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from record.canonical import canonical_json
from record.database import LogDatabase, RecordUnavailable
from record.merkle import PerfectHash, TreeHasher, completed_perfect_nodes
from record.proofs import computed_from_stored_nodes
from record.schema import (
    NAME_LENGTH,
    TAG_LENGTH,
    access_log_entries,
    access_log_nodes,
)

log = logging.getLogger(__name__)

MAX_BATCH = 500


@dataclass(frozen=True)
class PreparedEntry:
    body: str
    leaf_hash: bytes
    logged_at: datetime
    caller_sub: str | None
    caller_dept: str | None


def prepare_entry(entry: Mapping[str, Any], hasher: TreeHasher) -> PreparedEntry:
    """Everything the transaction writes for one entry; ValueError or TypeError if the entry cannot be stored,
    raised here so that one bad entry cannot fail the whole batch it would have joined."""
    body = canonical_json(entry)
    caller = entry.get("caller") or {}
    sub, dept = caller.get("sub"), caller.get("dept")
    for name, value in (("caller.sub", sub), ("caller.dept", dept)):
        if value is not None and (not isinstance(value, str) or len(value) > NAME_LENGTH):
            raise ValueError(f"an entry's {name} must be a string of at most {NAME_LENGTH} characters")
    if any(not isinstance(tag, str) or len(tag) != TAG_LENGTH for tag in entry.get("subjects") or ()):
        raise ValueError(f"an entry's subjects must be {TAG_LENGTH}-character tags (audit.subjects.subject_tag)")
    return PreparedEntry(body.decode("utf-8"), hasher.leaf(body), _logged_at(entry.get("time")), sub, dept)


def _logged_at(time: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(time)
    except (TypeError, ValueError):
        raise ValueError(f"an entry's time must be an ISO 8601 date-time, not {time!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"an entry's time must carry a time zone, not {time!r}")
    return moment


def right_edge(size: int) -> list[tuple[int, int]]:
    """The (level, index) of the perfect subtrees that make up the first `size` leaves, left to right.

    Appending at `size` needs no other stored hash: every left sibling it completes is one of them."""
    edge, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            edge.append((level, start >> level))
            start += 1 << level
    return edge


def new_tree_nodes(first_seq: int, leaf_hashes: list[bytes], stored: PerfectHash,
                   hasher: TreeHasher) -> list[tuple[int, int, bytes]]:
    """(level, index, hash) of the leaves appended at ``first_seq`` and of every perfect subtree they complete;
    ``stored`` gives the hashes that existed before them."""
    made: dict[tuple[int, int], bytes] = {}

    def perfect(level: int, index: int) -> bytes:
        return made[level, index] if (level, index) in made else stored(level, index)

    for seq, leaf_hash in enumerate(leaf_hashes, start=first_seq):
        made[0, seq] = leaf_hash
        for level, index, hash_ in completed_perfect_nodes(seq, perfect, hasher):
            made[level, index] = hash_
    return [(level, index, hash_) for (level, index), hash_ in made.items()]


class GroupCommitWriter:
    def __init__(self, database: LogDatabase, hasher: TreeHasher) -> None:
        self._database = database
        self._hasher = hasher
        self._queue: asyncio.Queue[tuple[PreparedEntry, asyncio.Future[int]]] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._closed = False
        # The right edge of the tree as this process last wrote it: when no other process has
        # appended since, the next append reads no stored hash at all.
        self._edge_size = -1
        self._edge: dict[tuple[int, int], bytes] = {}

    async def append(self, entry: Mapping[str, Any]) -> int:
        """The entry's position, once it is durably committed."""
        if self._closed:
            raise RecordUnavailable("the access log is closed")
        prepared = prepare_entry(entry, self._hasher)
        committed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((prepared, committed))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_batches(), name="access-log writer")
        return await committed

    async def close(self) -> None:
        """Refuse new entries, let the queued ones finish, stop the writer."""
        self._closed = True
        if self._writer is None:
            return
        await self._queue.join()
        self._writer.cancel()
        with suppress(asyncio.CancelledError):
            await self._writer

    async def _write_batches(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                first_seq = await self._write([prepared for prepared, _ in batch])
            except Exception as error:
                log.exception("the access log could not write %d entries; their requests are refused", len(batch))
                for _, committed in batch:
                    if not committed.done():
                        committed.set_exception(RecordUnavailable(f"the access log could not write: {error}"))
            else:
                for seq, (_, committed) in enumerate(batch, start=first_seq):
                    if not committed.done():  # a caller that gave up waiting still has its entry logged
                        committed.set_result(seq)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write(self, batch: list[PreparedEntry]) -> int:
        """Append the batch at the current size in one transaction under the writers' lock; its first seq."""
        self._edge_size, known_size = -1, self._edge_size
        leaves = [entry.leaf_hash for entry in batch]
        async with self._database.appending(len(batch)) as (connection, size):
            if known_size == size:
                edge = self._edge
            else:
                edge = await computed_from_stored_nodes(
                    connection, self._hasher, lambda stored: {key: stored(*key) for key in right_edge(size)})
            nodes = new_tree_nodes(size, leaves, lambda level, index: edge[level, index], self._hasher)
            await connection.execute(insert(access_log_entries), [
                {"seq": seq, "logged_at": entry.logged_at, "caller_sub": entry.caller_sub,
                 "caller_dept": entry.caller_dept, "body": entry.body}
                for seq, entry in enumerate(batch, start=size)])
            await connection.execute(insert(access_log_nodes),
                                     [{"level": level, "idx": index, "hash": hash_} for level, index, hash_ in nodes])
        known = {**edge, **{(level, index): hash_ for level, index, hash_ in nodes}}
        self._edge = {key: known[key] for key in right_edge(size + len(batch))}
        self._edge_size = size + len(batch)
        return size
