"""The server's propagated state for its lifetime: the policy and the suspensions, with or without Redis."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from access.policy.store import PolicyStore
from control.propagation.policy_sync import STATE as POLICY
from control.propagation.policy_sync import LocalPolicySync, PublishedPolicySync
from control.propagation.watcher import PollingWatcher, RedisWatcher, Watcher, channel, redis_client
from control.publication.published import PolicyPublications
from control.suspension.state import Suspensions
from control.suspension.store import SuspensionStore
from control.suspension.sync import STATE as SUSPENSIONS
from control.suspension.sync import SuspensionSync
from record.database import LogDatabase
from record.store import AccessRecord
from settings import Settings


@asynccontextmanager
async def propagating(settings: Settings, policies: PolicyStore, suspensions: Suspensions,
                      record: AccessRecord | None) -> AsyncIterator[None]:
    """Before serving: the suspension list read and, with Redis, the published policy taken (or the server does
    not start); then both followed until shutdown."""
    client = redis_client(settings.redis_url) if settings.redis_url else None
    database = LogDatabase(settings.access_log_url)
    tasks: list[asyncio.Task[None]] = []

    def watcher(state: str, interval: float, shown: PolicyStore | Suspensions) -> Watcher:
        if client is None:
            return PollingWatcher(interval, state)
        shown.propagation = "disconnected"  # until the announcements are subscribed to

        def on_connection(connection: str) -> None:
            shown.propagation = connection  # type: ignore[assignment]

        return RedisWatcher(client, channel(settings.redis_prefix, state), interval, state, on_connection)

    try:
        suspension_sync = SuspensionSync(suspensions, SuspensionStore(database.engine),
                                         watcher(SUSPENSIONS, settings.suspension_poll_seconds, suspensions))
        await suspension_sync.load(policies.current.departments)
        policy_watcher = watcher(POLICY, settings.policy_reload_interval, policies)
        if client is None:
            policy_sync: LocalPolicySync | PublishedPolicySync = LocalPolicySync(policies, record, policy_watcher)
        else:
            policy_sync = PublishedPolicySync(policies, PolicyPublications(database.engine), policy_watcher, record)
            await policy_sync.load()
        tasks = [asyncio.create_task(policy_sync.run()), asyncio.create_task(suspension_sync.run())]
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
        if client is not None:
            await client.aclose()
        await database.dispose()
