"""Keeping a worker's suspensions current: the durable list read at start, on every Redis announcement
and every `suspension_poll_seconds` whatever Redis does; a failed read keeps the last list (logged once)."""
from __future__ import annotations

import asyncio
import logging

import redis.asyncio as redis

from audit.database import DATABASE_ERRORS
from propagation.redis_link import follow
from suspension.state import Suspensions
from suspension.store import SuspensionStore

log = logging.getLogger(__name__)


def announcement_channel(prefix: str) -> str:
    return f"{prefix}:suspensions:changes"


class SuspensionWatcher:
    def __init__(self, suspensions: Suspensions, store: SuspensionStore, client: redis.Redis | None, prefix: str,
                 poll_seconds: float) -> None:
        self._suspensions = suspensions
        self._store = store
        self._client = client
        self._channel = announcement_channel(prefix)
        self._poll_seconds = poll_seconds

    async def load(self) -> None:
        """The first read, before serving: raises if the list cannot be read (the server does not start)."""
        await self._store.create_table()
        self._suspensions.replace(await self._store.all())

    async def run(self) -> None:
        if self._client is None:
            await self._poll()
            return
        await asyncio.gather(self._poll(), follow(self._client, self._channel, self.reload, self._poll_seconds,
                                                  "suspensions", self._connection))

    async def reload(self) -> None:
        try:
            self._suspensions.replace(await self._store.all())
        except DATABASE_ERRORS as error:
            if self._suspensions.last_error is None:
                log.warning("suspensions could not be re-read (%s); enforcing the last known list", error)
            self._suspensions.last_error = "the suspension list could not be re-read; enforcing the last known one"
            return
        self._suspensions.last_error = None

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            await self.reload()

    def _connection(self, connected: bool) -> None:
        self._suspensions.propagation = "connected" if connected else "disconnected"
