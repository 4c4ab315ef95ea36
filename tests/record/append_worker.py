"""One worker process of the multi-process test: opens the log, waits for "go" on stdin, appends, prints its seqs.

Run as ``python -m tests.record.append_worker URL COUNT SIGNING_KEY_PEM``."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from record.checkpoints import CheckpointSigner, load_or_create_signing_key
from record.store import AccessRecord, RecordConfig
from tests.record.conftest import ORIGIN, make_entry

CONCURRENT = 10


async def main(url: str, count: int, signing_key: Path) -> None:
    signer = CheckpointSigner(ORIGIN, load_or_create_signing_key(signing_key))
    access_log = await AccessRecord.open(RecordConfig(url=url, origin=ORIGIN, checkpoint_entries=50), signer)
    print("ready", flush=True)
    sys.stdin.readline()
    seqs: list[int] = []
    for start in range(0, count, CONCURRENT):
        seqs += await asyncio.gather(*(access_log.append(make_entry(number))
                                       for number in range(start, min(start + CONCURRENT, count))))
        await access_log.checkpoint_if_due()
    await access_log.close()
    print(json.dumps(seqs), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))
