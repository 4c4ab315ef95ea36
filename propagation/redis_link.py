"""A Redis client that fails fast, and the subscribe-and-resync loop every propagated state follows.

Pub/sub loses what is published while a subscriber is disconnected, so a message is only a hint:
the follower re-reads the state itself on every (re)connect, on every message and every interval."""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

REDIS_ERRORS = (RedisError, OSError)
TIMEOUT_SECONDS = 2.0
RETRY_SECONDS = 1.0


def redis_client(url: str) -> redis.Redis:
    """Every call fails within TIMEOUT_SECONDS instead of retrying: the loops below retry on their own."""
    return redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=TIMEOUT_SECONDS,
                                socket_timeout=TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 0))


def process_identity() -> str:
    """Who a process is in the access record: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def follow(client: redis.Redis, channel: str, sync: Callable[[], Awaitable[None]], interval: float,
                 what: str, on_connection: Callable[[bool], None]) -> None:
    """Until cancelled: subscribe to `channel`, then call `sync` at once, on every message and at least every
    `interval` seconds. A Redis error (in `sync` too) is logged once per outage and reported through
    `on_connection(False)`; the loop reconnects every RETRY_SECONDS and reports `on_connection(True)`."""
    connected: bool | None = None
    while True:
        try:
            async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(channel)
                await sync()
                if connected is False:
                    log.info("%s: Redis reachable again", what)
                connected = True
                on_connection(True)
                while True:
                    await pubsub.get_message(timeout=interval)
                    await sync()
        except REDIS_ERRORS as error:
            if connected is not False:
                log.warning("%s: Redis unreachable (%s); keeping the last known state, retrying every %s s",
                            what, error, RETRY_SECONDS)
            connected = False
            on_connection(False)
        except Exception:  # following must outlive any fault, or this worker stops hearing of changes
            log.exception("%s: failed; keeping the last known state, retrying in %s s", what, RETRY_SECONDS)
        await asyncio.sleep(RETRY_SECONDS)
