"""Fail closed: when an entry cannot be written durably every waiting caller gets RecordUnavailable,
and the log is left as it was."""
from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from departments.scratch import POSTGRES
from record.checkpoints import CheckpointSigner
from record.store import AccessRecord, RecordConfig, RecordUnavailable
from record.verify import verify_log
from tests.record.conftest import ORIGIN, execute, fetch, make_entry
from tests.support.servers import postgres_database

SUBJECT = "a" * 64


async def test_a_removed_sqlite_directory_refuses_entries(tmp_path: Path, signer: CheckpointSigner) -> None:
    directory = tmp_path / "audit"
    directory.mkdir()
    access_log = await AccessRecord.open(RecordConfig(url=f"sqlite+aiosqlite:///{directory}/access-log.db",
                                                      origin=ORIGIN), signer)
    try:
        assert await access_log.append(make_entry(1)) == 0
        shutil.rmtree(directory)
        with pytest.raises(RecordUnavailable):
            await access_log.append(make_entry(2))
    finally:
        await access_log.close()


async def _drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    engine = create_async_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    finally:
        await engine.dispose()


@pytest.fixture()
def postgresql_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


async def test_a_dropped_postgresql_database_refuses_entries(postgresql_url: str, signer: CheckpointSigner) -> None:
    access_log = await AccessRecord.open(RecordConfig(url=postgresql_url, origin=ORIGIN), signer)
    try:
        assert await access_log.append(make_entry(1)) == 0
        await _drop_database(postgresql_url)
        with pytest.raises(RecordUnavailable):
            await access_log.append(make_entry(2))
    finally:
        await access_log.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_an_unreachable_server_refuses_to_open(signer: CheckpointSigner) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/huitong"
    with pytest.raises(RecordUnavailable, match="could not be opened"):
        await AccessRecord.open(RecordConfig(url=url, origin=ORIGIN), signer)


async def test_a_failed_transaction_leaves_no_partial_entry(access_log: AccessRecord, log_url: str, trusted) -> None:
    for number in range(3):
        await access_log.append(make_entry(number, subjects=[SUBJECT]))
    # A stray leaf hash where the next entry's belongs: that batch's entry rows insert, its node insert fails.
    await execute(log_url, "INSERT INTO access_log_nodes (level, idx, hash) VALUES (0, 3, :stray)", stray=b"x" * 32)
    waiting = await asyncio.gather(*(access_log.append(make_entry(number, subjects=[SUBJECT]))
                                     for number in range(3, 23)), return_exceptions=True)
    assert all(isinstance(outcome, RecordUnavailable) for outcome in waiting)
    assert await fetch(log_url, "SELECT MAX(seq), COUNT(*) FROM access_log_entries") == [(2, 3)]
    assert [seq for seq, _ in await access_log.entries_for_subjects([SUBJECT])] == [0, 1, 2]
    assert await fetch(log_url, "SELECT size FROM access_log_state") == [(3,)]

    await execute(log_url, "DELETE FROM access_log_nodes WHERE level = 0 AND idx = 3")
    assert await access_log.append(make_entry(3)) == 3, "the log carries on at the same position"
    await access_log.checkpoint_now()
    assert (await verify_log(log_url, trusted)).ok
