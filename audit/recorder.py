"""The gateway's side of the access record: append one entry per request, fail closed."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from audit.checkpoints import CheckpointSigner
from audit.store import AccessLog, AuditUnavailable

log = logging.getLogger(__name__)


class Recorder:
    def __init__(self, access_log: AccessLog, key: bytes, signer: CheckpointSigner) -> None:
        self.log = access_log
        self.key = key
        self.signer = signer

    async def append(self, entry: dict[str, Any]) -> int | None:
        """The entry's position once durable, or None when it could not be written."""
        try:
            return await self.log.append(entry)
        except AuditUnavailable:
            log.error("access record unavailable; request %s refused", entry.get("requestId"))
        except ValueError:
            log.exception("access record refused the entry of request %s", entry.get("requestId"))
        return None

    async def run_retention(self, interval_seconds: float = 86_400) -> None:
        """Remove entry bodies past the retention period now and then once a day; hashes stay."""
        while True:
            try:
                removed = await self.log.prune_expired()
            except AuditUnavailable:
                log.warning("access record retention skipped: the log database is unavailable")
            else:
                if removed:
                    log.info("access record retention removed %d entry bodies", removed)
            await asyncio.sleep(interval_seconds)
