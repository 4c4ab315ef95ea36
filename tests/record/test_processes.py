"""Several worker processes append to one log in one order, with no gap and no position given twice."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from record.checkpoints import CheckpointSigner, load_or_create_signing_key
from record.store import AccessRecord, RecordConfig
from record.verify import verify_log
from settings import ROOT
from tests.record.conftest import ORIGIN, fetch

PER_PROCESS = 300
PROCESSES = 2


async def test_two_processes_append_to_one_log_without_gaps(log_url: str, tmp_path: Path) -> None:
    key_file = tmp_path / "signing-key.pem"
    signer = CheckpointSigner(ORIGIN, load_or_create_signing_key(key_file))
    created = await AccessRecord.open(RecordConfig(url=log_url, origin=ORIGIN), signer)
    await created.close()
    workers = [await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.record.append_worker", log_url,
                                                    str(PER_PROCESS), str(key_file), stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.PIPE, cwd=ROOT)
               for _ in range(PROCESSES)]
    for worker in workers:
        assert (await worker.stdout.readline()).strip() == b"ready"
    for worker in workers:
        worker.stdin.write(b"go\n")
        await worker.stdin.drain()
    outputs = [(await asyncio.wait_for(worker.communicate(), timeout=120))[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * PROCESSES

    first, second = (json.loads(output.strip().splitlines()[-1]) for output in outputs)
    assert sorted(first + second) == list(range(PROCESSES * PER_PROCESS))
    assert min(first) < max(second) and min(second) < max(first), "the processes' appends should interleave"
    assert await fetch(log_url, "SELECT size FROM access_log_state") == [(PROCESSES * PER_PROCESS,)]
    report = await verify_log(log_url, {signer.name: signer.public_key})
    assert report.ok, report.first_problem
    assert report.size == PROCESSES * PER_PROCESS and report.checkpoints_checked >= 2
