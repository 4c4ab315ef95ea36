"""Signed checkpoints, when they fall due, and the proofs a third party checks against them."""
from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from record.canonical import canonical_json
from record.checkpoints import Checkpoint, CheckpointSigner, InvalidCheckpoint, open_checkpoint
from record.merkle import MemoryTree, TreeHasher, verify_consistency, verify_inclusion
from record.store import AccessRecord, RecordConfig
from tests.record.conftest import ORIGIN, make_entry

SHA256 = TreeHasher("sha256")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture()
async def every_ten_entries_or_minute(log_url: str, signer: CheckpointSigner) -> AsyncIterator[AccessRecord]:
    opened = await AccessRecord.open(RecordConfig(url=log_url, origin=ORIGIN, checkpoint_seconds=60,
                                                  checkpoint_entries=10), signer)
    yield opened
    await opened.close()


async def _append(access_log: AccessRecord, count: int) -> list[dict]:
    entries = [make_entry(number) for number in range(count)]
    for entry in entries:
        await access_log.append(entry)
    return entries


async def test_a_checkpoint_falls_due_after_enough_entries(every_ten_entries_or_minute: AccessRecord) -> None:
    log = every_ten_entries_or_minute
    await _append(log, 3)
    assert (await log.checkpoint_if_due(START)).size == 3
    await _append(log, 9)
    assert await log.checkpoint_if_due(START + timedelta(seconds=1)) is None
    await _append(log, 1)
    assert (await log.checkpoint_if_due(START + timedelta(seconds=2))).size == 13


async def test_a_checkpoint_falls_due_after_enough_time(every_ten_entries_or_minute: AccessRecord) -> None:
    log = every_ten_entries_or_minute
    await _append(log, 2)
    assert (await log.checkpoint_if_due(START)).size == 2
    await _append(log, 1)
    assert await log.checkpoint_if_due(START + timedelta(seconds=59)) is None
    assert (await log.checkpoint_if_due(START + timedelta(seconds=60))).size == 3
    assert await log.checkpoint_if_due(START + timedelta(hours=1)) is None, "no checkpoint without growth"


async def test_every_checkpoint_is_kept(access_log: AccessRecord, trusted) -> None:
    await _append(access_log, 2)
    first = await access_log.checkpoint_now()
    await _append(access_log, 2)
    second = await access_log.checkpoint_now()
    assert await access_log.checkpoint_now() is None, "nothing new to sign"
    assert [open_checkpoint(await access_log.checkpoint(size), trusted) for size in (2, 4)] == [first, second]
    assert await access_log.checkpoint(3) is None


async def test_the_signed_note_names_the_tree_of_the_entries(access_log: AccessRecord, trusted) -> None:
    entries = await _append(access_log, 6)
    await access_log.checkpoint_now()
    note = await access_log.latest_checkpoint()
    tree = MemoryTree(SHA256, [SHA256.leaf(canonical_json(entry)) for entry in entries])
    assert open_checkpoint(note, trusted) == Checkpoint(ORIGIN, 6, tree.root())
    with pytest.raises(InvalidCheckpoint):
        open_checkpoint(note, {ORIGIN: Ed25519PrivateKey.generate().public_key()})


async def test_each_entry_is_provably_in_the_checkpoint(access_log: AccessRecord, trusted) -> None:
    entries = await _append(access_log, 13)
    await access_log.checkpoint_now()
    checkpoint = open_checkpoint(await access_log.latest_checkpoint(), trusted)
    for seq, entry in enumerate(entries):
        leaf = SHA256.leaf(canonical_json(entry))
        proof = await access_log.inclusion_proof(seq, checkpoint.size)
        assert await access_log.leaf_hash(seq) == leaf
        assert verify_inclusion(SHA256, leaf, seq, checkpoint.size, proof, checkpoint.root)
        assert not verify_inclusion(SHA256, SHA256.leaf(b"another entry"), seq, checkpoint.size, proof,
                                    checkpoint.root)


async def test_a_later_checkpoint_provably_extends_an_earlier_one(access_log: AccessRecord, trusted) -> None:
    await _append(access_log, 5)
    await access_log.checkpoint_now()
    old = open_checkpoint(await access_log.latest_checkpoint(), trusted)
    await _append(access_log, 8)
    await access_log.checkpoint_now()
    new = open_checkpoint(await access_log.latest_checkpoint(), trusted)
    proof = await access_log.consistency_proof(old.size, new.size)
    assert verify_consistency(SHA256, old.size, new.size, old.root, new.root, proof)
    assert not verify_consistency(SHA256, old.size, new.size, SHA256.leaf(b"forged"), new.root, proof)


async def test_proofs_are_given_only_against_checkpoints(access_log: AccessRecord) -> None:
    await _append(access_log, 4)
    await access_log.checkpoint_now()
    await _append(access_log, 2)
    with pytest.raises(ValueError, match="no checkpoint at size 6"):
        await access_log.inclusion_proof(0, 6)
    with pytest.raises(ValueError, match="entry 4 is not in the tree of size 4"):
        await access_log.inclusion_proof(4, 4)
    with pytest.raises(ValueError, match="no checkpoint at size 5"):
        await access_log.consistency_proof(4, 5)
    with pytest.raises(ValueError, match="entry 9 is not in the log"):
        await access_log.leaf_hash(9)


async def test_the_sm3_log_hashes_with_sm3(log_url: str, signer: CheckpointSigner, trusted) -> None:
    sm3 = TreeHasher("sm3")
    access_log = await AccessRecord.open(RecordConfig(url=log_url, origin=ORIGIN, hash_algorithm="sm3"), signer)
    try:
        entries = await _append(access_log, 3)
        await access_log.checkpoint_now()
        checkpoint = open_checkpoint(await access_log.latest_checkpoint(), trusted)
    finally:
        await access_log.close()
    assert checkpoint.root == MemoryTree(sm3, [sm3.leaf(canonical_json(entry)) for entry in entries]).root()


async def test_the_background_loop_signs_due_checkpoints_and_outlives_an_outage(
        tmp_path: Path, signer: CheckpointSigner, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "audit"
    directory.mkdir()
    access_log = await AccessRecord.open(RecordConfig(url=f"sqlite+aiosqlite:///{directory}/access-log.db",
                                                      origin=ORIGIN, checkpoint_seconds=0), signer)
    loop = asyncio.create_task(access_log.run_checkpoints())
    try:
        await _append(access_log, 3)
        for _ in range(30):
            if await access_log.latest_checkpoint() is not None:
                break
            await asyncio.sleep(0.1)
        assert open_checkpoint(await access_log.latest_checkpoint(), {signer.name: signer.public_key}).size == 3
        shutil.rmtree(directory)
        await asyncio.sleep(1.5)
        assert not loop.done()
        assert "no checkpoint this round" in caplog.text
    finally:
        loop.cancel()
        await access_log.close()
