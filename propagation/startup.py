"""The server's propagated state for its lifetime: the policy and the suspensions, with or without Redis."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from audit.database import LogDatabase
from gateway.runtime import Runtime
from policy.propagation import LocalPolicySync, PublishedPolicySync
from policy.published import PolicyPublications
from propagation.redis_link import redis_client
from suspension.store import SuspensionStore
from suspension.watcher import SuspensionWatcher


@asynccontextmanager
async def propagating(runtime: Runtime) -> AsyncIterator[None]:
    """Before serving: the suspension list read and, with Redis, the published policy taken (or the server does
    not start); then both followed until shutdown."""
    settings = runtime.settings
    client = redis_client(settings.redis_url) if settings.redis_url else None
    database = LogDatabase(settings.access_log_url)
    tasks: list[asyncio.Task] = []
    try:
        watcher = SuspensionWatcher(runtime.suspensions, SuspensionStore(database.engine), client,
                                    settings.redis_prefix, settings.suspension_poll_seconds)
        await watcher.load()
        if client is None:
            policy_sync: LocalPolicySync | PublishedPolicySync = LocalPolicySync(
                runtime.policies, runtime.recorder, settings.policy_reload_interval)
        else:
            policy_sync = PublishedPolicySync(runtime.policies, PolicyPublications(database.engine), client,
                                              settings.redis_prefix, runtime.recorder, settings.policy_reload_interval)
            await policy_sync.load()
        tasks = [asyncio.create_task(policy_sync.run()), asyncio.create_task(watcher.run())]
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
