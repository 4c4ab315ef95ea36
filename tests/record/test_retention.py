"""Retention: old entries lose their bodies and subject tags, the tree hashes stay and the log still verifies."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from record.checkpoints import CheckpointSigner
from record.store import AccessRecord, RecordConfig
from record.verify import verify_log
from tests.record.conftest import ORIGIN, fetch, make_entry

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=2000)
SUBJECT = "b" * 64


async def test_pruned_entries_lose_body_and_subjects_but_still_verify(access_log: AccessRecord, log_url: str,
                                                                     trusted) -> None:
    for number in range(10):
        await access_log.append(make_entry(number, subjects=[SUBJECT], time=OLD if number < 6 else NOW))
    await access_log.checkpoint_now()

    assert await access_log.prune(NOW - timedelta(days=1096)) == 6
    assert await fetch(log_url, "SELECT seq FROM access_log_entries WHERE body IS NULL ORDER BY seq") == [
        (seq,) for seq in range(6)]
    assert [seq for seq, _ in await access_log.entries_for_subjects([SUBJECT])] == [6, 7, 8, 9]
    assert await fetch(log_url, "SELECT MIN(seq), COUNT(*) FROM access_log_subjects") == [(6, 4)]
    report = await verify_log(log_url, trusted)
    assert (report.ok, report.entries_checked, report.pruned) == (True, 10, 6)
    assert await access_log.prune(NOW - timedelta(days=1096)) == 0


async def test_only_the_oldest_entries_are_pruned(access_log: AccessRecord, log_url: str, trusted) -> None:
    """An old entry sequenced after a recent one waits for a later prune, so the pruned entries stay a prefix."""
    for number, time in enumerate([OLD, NOW, OLD]):
        await access_log.append(make_entry(number, time=time))
    assert await access_log.prune(NOW - timedelta(days=1)) == 1
    assert await fetch(log_url, "SELECT seq FROM access_log_entries WHERE body IS NULL") == [(0,)]
    assert (await verify_log(log_url, trusted)).ok


async def test_the_configured_retention_period_applies(log_url: str, signer: CheckpointSigner) -> None:
    access_log = await AccessRecord.open(RecordConfig(url=log_url, origin=ORIGIN, retention_days=30), signer)
    try:
        for number, age in enumerate([31, 29]):
            await access_log.append(make_entry(number, time=NOW - timedelta(days=age)))
        assert await access_log.prune_expired(NOW) == 1
    finally:
        await access_log.close()
