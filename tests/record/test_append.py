"""Appending: consecutive positions, group commit, durability, and one bad entry failing alone."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from record.canonical import canonical_json
from record.store import AccessRecord, RecordConfig, RecordUnavailable
from record.verify import verify_log
from tests.record.conftest import ORIGIN, fetch, make_entry

HOUR = timedelta(hours=1)


async def test_appends_get_consecutive_positions_and_read_back_unchanged(access_log: AccessRecord) -> None:
    entries = [make_entry(number) for number in range(5)]
    assert [await access_log.append(entry) for entry in entries] == [0, 1, 2, 3, 4]
    now = datetime.now(UTC)
    assert await access_log.entries_for_caller("system-a", None, now - HOUR, now + HOUR) == list(enumerate(entries))


async def test_concurrent_appends_share_transactions(access_log: AccessRecord) -> None:
    commits = []
    event.listen(access_log.engine.sync_engine, "commit", commits.append)
    seqs = await asyncio.gather(*(access_log.append(make_entry(number)) for number in range(200)))
    assert sorted(seqs) == list(range(200))
    assert seqs == sorted(seqs), "callers queued first are written first"
    assert 1 <= len(commits) <= 10
    now = datetime.now(UTC)
    assert len(await access_log.entries_for_caller(None, "civil-affairs", now - HOUR, now + HOUR)) == 200


async def test_an_append_has_committed_when_it_returns(access_log: AccessRecord, log_url: str) -> None:
    entry = make_entry(7)
    seq = await access_log.append(entry)
    assert await fetch(log_url, "SELECT body FROM access_log_entries WHERE seq = :seq", seq=seq) == [
        (canonical_json(entry).decode(),)]
    assert await fetch(log_url, "SELECT size FROM access_log_state") == [(1,)]


async def test_an_entry_that_cannot_be_stored_fails_alone(access_log: AccessRecord) -> None:
    too_long = make_entry(2, sub="s" * 256)
    naive_time = make_entry(3) | {"time": "2026-01-01T08:00:00"}
    results = await asyncio.gather(access_log.append(make_entry(1)), access_log.append(too_long),
                                   access_log.append(naive_time), access_log.append(make_entry(4)),
                                   return_exceptions=True)
    assert results[0] == 0 and results[3] == 1
    assert isinstance(results[1], ValueError) and "caller.sub" in str(results[1])
    assert isinstance(results[2], ValueError) and "time zone" in str(results[2])


async def test_an_unauthenticated_request_is_logged_without_a_caller(access_log: AccessRecord, log_url: str) -> None:
    seq = await access_log.append(make_entry(1, sub=None, dept=None))
    assert await fetch(log_url, "SELECT caller_sub, caller_dept FROM access_log_entries WHERE seq = :seq",
                       seq=seq) == [(None, None)]


async def test_a_closed_log_refuses_entries(access_log: AccessRecord) -> None:
    await access_log.append(make_entry(1))
    await access_log.close()
    with pytest.raises(RecordUnavailable, match="closed"):
        await access_log.append(make_entry(2))


async def test_a_process_that_wrote_last_reads_no_stored_hash(access_log: AccessRecord, log_url: str, signer,
                                                              trusted) -> None:
    node_reads = []
    event.listen(access_log.engine.sync_engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: node_reads.append(statement)
                 if statement.lstrip().upper().startswith("SELECT") and "access_log_nodes" in statement else None)
    for number in range(7):
        await access_log.append(make_entry(number))
    assert node_reads == [], "the right edge of its own last write is in memory"
    other = await AccessRecord.open(RecordConfig(url=log_url, origin=ORIGIN), signer)
    try:
        await other.append(make_entry(7))
    finally:
        await other.close()
    await access_log.append(make_entry(8))
    assert len(node_reads) == 1, "after another writer, the edge is read once from the database"
    await access_log.append(make_entry(9))
    assert len(node_reads) == 1
    await access_log.checkpoint_now()
    assert (await verify_log(log_url, trusted)).ok
