"""The access log the gateway writes: one entry per authenticated request (and counts of the rest), Merkle-logged,
checkpointed, provable and traceable.

Many worker processes may open the same log; see ``audit.database`` for how their appends are ordered and
``audit.appender`` for how one process's concurrent appends share transactions.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from record import indexing, queries, retention
from record.appender import GroupCommitWriter
from record.checkpointing import CheckpointIssuer
from record.checkpoints import Checkpoint, CheckpointSigner
from record.database import DATABASE_ERRORS, LogDatabase, RecordUnavailable, unavailable_on_database_error
from record.merkle import TreeHasher
from record.proofs import consistency_proof_between, inclusion_proof_at
from record.schema import access_log_checkpoints, access_log_nodes

__all__ = ["AccessRecord", "RecordConfig", "RecordUnavailable"]

log = logging.getLogger(__name__)

CHECKPOINT_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class RecordConfig:
    url: str
    origin: str
    hash_algorithm: str = "sha256"
    checkpoint_seconds: float = 60
    checkpoint_entries: int = 10_000
    retention_days: int = 1096


class AccessRecord:
    """Open with ``await AccessRecord.open(config, signer)``; every method raises RecordUnavailable when the
    database cannot be reached, and ValueError for a position or size the log does not have."""

    def __init__(self, config: RecordConfig, signer: CheckpointSigner, database: LogDatabase,
                 hasher: TreeHasher, subject_key: bytes) -> None:
        self.config = config
        self.hasher = hasher
        self.signer = signer
        self.subject_key = subject_key  # the HMAC key of the subject tags (record.subjects)
        self._database = database
        self._writer = GroupCommitWriter(database, hasher)
        self._issuer = CheckpointIssuer(database, hasher, signer, config.origin, config.checkpoint_seconds,
                                        config.checkpoint_entries)

    @classmethod
    async def open(cls, config: RecordConfig, signer: CheckpointSigner,
                   subject_key: bytes | None = None) -> AccessRecord:
        """Connect, creating the tables and the state row if they are missing. Without a subject key, one is
        made for this instance alone (its tags match no other process's)."""
        hasher = TreeHasher(config.hash_algorithm)
        database = LogDatabase(config.url)
        try:
            with unavailable_on_database_error("be opened"):
                await database.create_tables()
        except RecordUnavailable:
            await database.dispose()
            raise
        return cls(config, signer, database, hasher, subject_key or secrets.token_bytes(32))

    @property
    def engine(self) -> AsyncEngine:
        return self._database.engine

    async def append(self, entry: Mapping[str, Any]) -> int:
        """The entry's position (seq), returned only once the entry is durably committed."""
        return await self._writer.append(entry)

    async def checkpoint_if_due(self, now: datetime | None = None) -> Checkpoint | None:
        with unavailable_on_database_error("issue a checkpoint"):
            return await self._issuer.issue_if_due(now)

    async def checkpoint_now(self) -> Checkpoint | None:
        with unavailable_on_database_error("issue a checkpoint"):
            return await self._issuer.issue_now()

    async def run_checkpoints(self) -> None:
        """Issue checkpoints as they fall due, until cancelled; a failure (a database outage) is logged and outlived."""
        while True:
            try:
                await self.checkpoint_if_due()
            except RecordUnavailable as error:
                log.warning("no checkpoint this round: %s", error)
            except Exception:
                log.exception("no checkpoint this round")
            await asyncio.sleep(CHECKPOINT_POLL_SECONDS)

    async def run_indexing(self, interval_seconds: float = 0.5) -> None:
        """Loop for a background task: keep the subject index caught up; database errors are logged."""
        while True:
            try:
                await indexing.catch_up(self._database)
            except DATABASE_ERRORS:
                log.warning("the access log's subject index could not be updated; will retry", exc_info=True)
            await asyncio.sleep(interval_seconds)

    async def latest_checkpoint(self) -> str | None:
        """The signed note of the latest checkpoint."""
        async with self._reading("read a checkpoint") as connection:
            return (await connection.execute(select(access_log_checkpoints.c.note)
                                             .order_by(access_log_checkpoints.c.size.desc()).limit(1))).scalar()

    async def checkpoint(self, size: int) -> str | None:
        """The signed note of the checkpoint at ``size``."""
        async with self._reading("read a checkpoint") as connection:
            return (await connection.execute(select(access_log_checkpoints.c.note)
                                             .where(access_log_checkpoints.c.size == size))).scalar()

    async def inclusion_proof(self, seq: int, size: int) -> list[bytes]:
        """The audit path of entry ``seq`` to the root of the checkpoint at ``size``."""
        async with self._reading("make a proof") as connection:
            return await inclusion_proof_at(connection, self.hasher, seq, size)

    async def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """The proof that the checkpoint at ``new_size`` extends the checkpoint at ``old_size``."""
        async with self._reading("make a proof") as connection:
            return await consistency_proof_between(connection, self.hasher, old_size, new_size)

    async def leaf_hash(self, seq: int) -> bytes:
        async with self._reading("read a leaf hash") as connection:
            found = (await connection.execute(select(access_log_nodes.c.hash).where(
                access_log_nodes.c.level == 0, access_log_nodes.c.idx == seq))).scalar()
        if found is None:
            raise ValueError(f"entry {seq} is not in the log")
        return bytes(found)

    async def entries_for_subjects(self, tags: list[str]) -> list[tuple[int, dict[str, Any]]]:
        with unavailable_on_database_error("index its subjects"):
            await indexing.catch_up(self._database)
        async with self._reading("be searched") as connection:
            return await queries.entries_for_subjects(connection, tags)

    async def entries_for_caller(self, sub: str | None, dept: str | None, since: datetime,
                                 until: datetime) -> list[tuple[int, dict[str, Any]]]:
        async with self._reading("be searched") as connection:
            return await queries.entries_for_caller(connection, sub, dept, since, until)

    async def entries_of_kind(self, kind: str, since: datetime | None = None,
                              until: datetime | None = None) -> list[tuple[int, dict[str, Any]]]:
        async with self._reading("be searched") as connection:
            return await queries.entries_of_kind(connection, kind, since, until)

    async def usage(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        async with self._reading("be summarised") as connection:
            return await queries.usage(connection, since, until)

    async def prune(self, before: datetime) -> int:
        """Remove the bodies and subject tags of the entries logged before ``before``; the tree hashes stay."""
        with unavailable_on_database_error("be pruned"):
            return await retention.prune(self._database, before)

    async def prune_expired(self, now: datetime | None = None) -> int:
        """Prune the entries older than the configured retention period."""
        return await self.prune((now or datetime.now(UTC)) - timedelta(days=self.config.retention_days))

    async def run_retention(self, interval_seconds: float = 86_400) -> None:
        """Until cancelled: remove entry bodies past the retention period once a day; hashes stay."""
        while True:
            try:
                removed = await self.prune_expired()
            except RecordUnavailable:
                log.warning("access record retention skipped: the record's database is unavailable")
            else:
                if removed:
                    log.info("access record retention removed %d entry bodies", removed)
            await asyncio.sleep(interval_seconds)

    async def close(self) -> None:
        """Finish the queued appends, then disconnect."""
        await self._writer.close()
        await self._database.dispose()

    @asynccontextmanager
    async def _reading(self, doing: str) -> AsyncIterator[AsyncConnection]:
        with unavailable_on_database_error(doing):
            async with self._database.engine.connect() as connection:
                yield connection
