"""Connecting to the access log's database, and the lock every writer takes.

All writers - the tasks of one process and every other worker process - serialise on one row,
``access_log_state``: a write transaction first locks it (an append grows the size with
``UPDATE ... RETURNING``, which locks the row, on PostgreSQL and SQLite, and with ``SELECT ... FOR
UPDATE`` then ``UPDATE`` on MariaDB; on SQLite the transaction itself starts with ``BEGIN
IMMEDIATE``, which takes the database's write lock), and appends at the size it found before
committing. So entries get consecutive positions in commit order, across processes, with no gap.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy import MetaData, event, select, update
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from record.schema import STATE_ROW, access_log_state, access_log_subject_index, metadata, seed_state_rows

CREATE_ATTEMPTS = 5
CREATE_RETRY_SECONDS = 0.1
WAIT_SECONDS = 10  # longest wait for a connection, a statement or the writers' lock before giving up
_LOCKING = "access_log_locking"
_FILE_IDENTITY = "access_log_file"


class RecordUnavailable(Exception):
    """The access log could not be read or durably written; the caller must not get data."""


DATABASE_ERRORS = (SQLAlchemyError, OSError, TimeoutError)


@contextmanager
def unavailable_on_database_error(doing: str) -> Iterator[None]:
    try:
        yield
    except DATABASE_ERRORS as error:
        raise RecordUnavailable(f"the access log could not {doing}: {error}") from error


class LogDatabase:
    """The engine for reads, and ``locked()`` for the serialised write transactions."""

    def __init__(self, url: str) -> None:
        self.engine = _create_engine(make_url(url))
        self._locking = self.engine.execution_options(**{_LOCKING: True})
        self._returning = self.engine.dialect.update_returning

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[tuple[AsyncConnection, int]]:
        """A write transaction holding the writers' lock, and the tree size under it; commits on exit."""
        async with self._locking.begin() as connection:
            size = (await connection.execute(
                select(access_log_state.c.size).where(access_log_state.c.id == STATE_ROW).with_for_update()
            )).scalar_one()
            yield connection, size

    @asynccontextmanager
    async def appending(self, count: int) -> AsyncIterator[tuple[AsyncConnection, int]]:
        """A write transaction holding the writers' lock that has already grown the size by `count`;
        yields the size before, where the appended entries go. A failure inside rolls the growth back.

        Where the database has UPDATE ... RETURNING (PostgreSQL, SQLite) taking the lock and growing
        the size is one round trip; MariaDB locks, then updates."""
        state = access_log_state.c
        async with self._locking.begin() as connection:
            if self._returning:
                grown = (await connection.execute(
                    update(access_log_state).where(state.id == STATE_ROW).values(size=state.size + count)
                    .returning(state.size))).scalar_one()
                yield connection, grown - count
            else:
                size = (await connection.execute(
                    select(state.size).where(state.id == STATE_ROW).with_for_update())).scalar_one()
                await connection.execute(
                    update(access_log_state).where(state.id == STATE_ROW).values(size=size + count))
                yield connection, size

    @asynccontextmanager
    async def indexing(self) -> AsyncIterator[tuple[AsyncConnection, int]]:
        """A write transaction holding the subject indexer's row, and how far the index reaches."""
        async with self._locking.begin() as connection:
            indexed = (await connection.execute(
                select(access_log_subject_index.c.indexed_size)
                .where(access_log_subject_index.c.id == STATE_ROW).with_for_update()
            )).scalar_one()
            yield connection, indexed

    async def create_tables(self) -> None:
        await create_missing(self.engine, metadata, seed_state_rows)

    async def dispose(self) -> None:
        await self.engine.dispose()


async def create_missing(engine: AsyncEngine, tables: MetaData,
                         then: Callable[[AsyncConnection], Awaitable[None]] | None = None) -> None:
    """Create the tables of `tables` that are missing (and run `then` in the same transaction), as a writer: on
    SQLite the transaction takes the write lock first, so it waits for another writer instead of failing.

    Processes starting together on a fresh database race to create them; the loser's CREATE or INSERT fails,
    and its next attempt, a moment later, finds what the winner made."""
    locking = engine.execution_options(**{_LOCKING: True})
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            async with locking.begin() as connection:
                await connection.run_sync(tables.create_all)
                if then is not None:
                    await then(connection)
            return
        except DBAPIError:
            if attempt == CREATE_ATTEMPTS:
                raise
            await asyncio.sleep(CREATE_RETRY_SECONDS * attempt)


def _create_engine(url: URL) -> AsyncEngine:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        return create_async_engine(url, pool_pre_ping=True,
                                   connect_args={"timeout": WAIT_SECONDS, "command_timeout": WAIT_SECONDS})
    if backend in ("mysql", "mariadb"):
        return create_async_engine(url, pool_pre_ping=True, connect_args={
            "connect_timeout": WAIT_SECONDS, "init_command": f"SET innodb_lock_wait_timeout = {WAIT_SECONDS}"})
    raise ValueError(f"the access log runs on SQLite, PostgreSQL or MariaDB/MySQL, not {backend}")


def _sqlite_engine(url: URL) -> AsyncEngine:
    """SQLite in WAL mode, so readers (queries, ``verify``) neither block nor are blocked by writers, with a full
    sync at every commit, so an entry whose append returned survives a power cut. SQLAlchemy, not the driver,
    emits BEGIN: IMMEDIATE for the writers, whose lock is then the database's write lock, taken before the
    first read (a deferred transaction that reads, then writes, could fail instead of waiting)."""
    engine = create_async_engine(url, connect_args={"timeout": WAIT_SECONDS})
    path = url.database

    @event.listens_for(engine.sync_engine, "connect")
    def configure(dbapi_connection: DBAPIConnection, connection_record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        connection_record.info[_FILE_IDENTITY] = _file_identity(path)

    @event.listens_for(engine.sync_engine, "checkout")
    def still_the_same_file(dbapi_connection: DBAPIConnection, connection_record: ConnectionPoolEntry,
                            connection_proxy: PoolProxiedConnection) -> None:
        """An open connection keeps writing to its file after the file is deleted or replaced, and SQLite
        reports success: such a connection is dropped and a new one opened, which fails if the file is gone."""
        if _file_identity(path) != connection_record.info.get(_FILE_IDENTITY):
            raise DisconnectionError(f"the access log file {path} was removed or replaced")

    @event.listens_for(engine.sync_engine, "begin")
    def begin(connection: Connection) -> None:
        locking = connection.get_execution_options().get(_LOCKING, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if locking else "BEGIN")

    return engine


def _file_identity(path: str | None) -> tuple[int, int] | None:
    try:
        found = os.stat(path) if path else None
    except FileNotFoundError:
        return None
    return None if found is None else (found.st_dev, found.st_ino)
