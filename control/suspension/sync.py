"""Keeping a worker's suspensions current: the durable list read at start, then whenever the watcher says it may
have changed (an announcement, or the poll interval whatever Redis does); a failed read keeps the last list
(logged once)."""
from __future__ import annotations

import logging
from collections.abc import Collection

from control.propagation.watcher import Watcher
from control.suspension.state import Suspensions
from control.suspension.store import SuspensionStore
from record.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

STATE = "suspensions"  # what the watcher's announcements are about


class SuspensionSync:
    def __init__(self, suspensions: Suspensions, store: SuspensionStore, watcher: Watcher) -> None:
        self._suspensions = suspensions
        self._store = store
        self._watcher = watcher

    async def load(self, departments: Collection[str]) -> None:
        """The first read, before serving: raises if the list cannot be read (the server does not start)."""
        await self._store.create_table(departments)
        self._suspensions.replace(await self._store.all())

    async def run(self) -> None:
        await self._watcher.watch(self.reload)

    async def reload(self) -> None:
        try:
            self._suspensions.replace(await self._store.all())
        except DATABASE_ERRORS as error:
            if self._suspensions.last_error is None:
                log.warning("suspensions could not be re-read (%s); enforcing the last known list", error)
            self._suspensions.last_error = "the suspension list could not be re-read; enforcing the last known one"
            return
        self._suspensions.last_error = None
