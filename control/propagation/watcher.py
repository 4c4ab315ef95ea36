"""One watcher for everything the workers must agree on (the policy, the suspensions), as Casbin's Watcher is for
its policy: `announce` tells every worker that the state changed; `watch` calls back whenever it may have.

The state itself is never in the watcher: it lives in the access record's database, which every worker reads.
Pub/sub loses what is published while a subscriber is disconnected, so an announcement is only a hint: a
watcher re-reads at once on every announcement and on every (re)connection, and at least every interval
whatever Redis does. Without Redis (one host), workers re-read every interval.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

REDIS_ERRORS = (RedisError, OSError)
TIMEOUT_SECONDS = 2.0
RETRY_SECONDS = 1.0

Connection = Literal["off", "connected", "disconnected"]
Reread = Callable[[], Awaitable[None]]


class Watcher(Protocol):
    async def announce(self, message: str) -> bool:
        """Tell every worker at once; False when that was not possible (they learn it at their next re-read)."""
        ...

    async def watch(self, reread: Reread) -> None:
        """Until cancelled, call `reread` whenever the state may have changed; a failing `reread` is logged."""
        ...


def redis_client(url: str) -> redis.Redis:
    """Every call fails within TIMEOUT_SECONDS instead of retrying: the watcher retries on its own."""
    return redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=TIMEOUT_SECONDS,
                                socket_timeout=TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 0))


def channel(prefix: str, state: str) -> str:
    """The Redis channel on which changes to `state` ("policy", "suspensions") are announced."""
    return f"{prefix}:{state}:changes"


def process_identity() -> str:
    """Who a process is in the access record: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def _reread_safely(reread: Reread, what: str) -> None:
    try:
        await reread()
    except Exception:  # watching must outlive any fault, or this worker stops hearing of changes
        log.exception("%s: re-reading failed; keeping the last known state", what)


class PollingWatcher:
    """No Redis: each worker re-reads every `interval` seconds; nothing can be announced."""

    def __init__(self, interval: float, what: str) -> None:
        self._interval = interval
        self._what = what

    async def announce(self, message: str) -> bool:
        return False

    async def watch(self, reread: Reread) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await _reread_safely(reread, self._what)


class RedisWatcher:
    """Announcements on a Redis channel, and the interval as the bound when Redis is away."""

    def __init__(self, client: redis.Redis, channel_name: str, interval: float, what: str,
                 on_connection: Callable[[Connection], None] = lambda state: None) -> None:
        self._client = client
        self._channel = channel_name
        self._interval = interval
        self._what = what
        self._on_connection = on_connection
        self.connection: Connection = "disconnected"

    async def announce(self, message: str) -> bool:
        try:
            await self._client.publish(self._channel, message)
        except REDIS_ERRORS as error:
            log.info("%s: not announced (%s); workers read it at their next poll", self._what, type(error).__name__)
            return False
        return True

    async def watch(self, reread: Reread) -> None:
        await asyncio.gather(self._follow(reread), self._poll_while_disconnected(reread))

    async def _follow(self, reread: Reread) -> None:
        """Subscribe, re-read at once, then on every message and at least every interval. A Redis error is logged
        once per outage; the loop reconnects every RETRY_SECONDS."""
        while True:
            try:
                async with self._client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._channel)
                    await reread()
                    self._connected("connected")
                    while True:
                        await pubsub.get_message(timeout=self._interval)
                        await reread()
            except REDIS_ERRORS as error:
                if self.connection != "disconnected":
                    log.warning("%s: Redis unreachable (%s); keeping the last known state, retrying every %s s",
                                self._what, error, RETRY_SECONDS)
                self._connected("disconnected")
            except Exception:
                log.exception("%s: failed; keeping the last known state, retrying in %s s", self._what, RETRY_SECONDS)
            await asyncio.sleep(RETRY_SECONDS)

    async def _poll_while_disconnected(self, reread: Reread) -> None:
        while True:
            await asyncio.sleep(self._interval)
            if self.connection != "connected":
                await _reread_safely(reread, self._what)

    def _connected(self, state: Connection) -> None:
        if state == "connected" and self.connection == "disconnected":
            log.info("%s: Redis reachable", self._what)
        self.connection = state
        self._on_connection(state)


async def announce_once(redis_url: str | None, channel_name: str, message: str, what: str) -> bool:
    """From a command: announce one change, then disconnect; False without Redis or when it cannot be reached."""
    if redis_url is None:
        return False
    client = redis_client(redis_url)
    try:
        return await RedisWatcher(client, channel_name, 0, what).announce(message)
    finally:
        await client.aclose()
