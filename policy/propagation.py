"""How a policy change reaches every worker on every host, and how it gets on the access record.

Without Redis (`redis_url` unset) each process polls its own policy directory, as a single host does.

With Redis the **published** version is authoritative. A process that sees its policy files change
checks them and, if they load, publishes them (it does not make them live by itself: they go live
everywhere, itself included, when they are read back from Redis); `policy publish --dir DIR` does the
same from the command line. Every process re-reads the published version on (re)connect, on every
announcement and every `policy_reload_interval`, and loads it with the same checks: whole or not at
all; a refused one is logged and shown by /readyz, never made live. A process starting up takes the
published version over its own files; if nothing is published yet (first start, or Redis lost its
data) it publishes the policy it runs. While Redis is unreachable a process keeps its last good
policy, and an edit of its files waits until Redis is back.

Each version that goes live is put on the access record once: by the process that claims the
publication's record key first (a lapsing claim, so a claimant that dies leaves it to another).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import redis.asyncio as redis

from audit.recorder import Recorder
from policy.changes import PolicyChange, record_change
from policy.published import PublishedPolicy
from policy.registry import PolicyError
from policy.store import PolicyStore, load_policy, parse_policy, policy_version
from propagation.redis_link import REDIS_ERRORS, follow, process_identity

log = logging.getLogger(__name__)


class LocalPolicySync:
    """No Redis: poll this process's own policy directory; each reload is recorded by this process."""

    def __init__(self, store: PolicyStore, recorder: Recorder | None, interval: float) -> None:
        self._store = store
        self._recorder = recorder
        self._interval = interval

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            before = self._store.current
            if self._store.reload_if_changed() and self._recorder is not None:
                now = self._store.current
                change = PolicyChange(now.version, now.files, before.version, before.files, process_identity(),
                                      "files", _now())
                await record_change(self._recorder.log, change, self._store.catalog, process_identity())


class RedisPolicySync:
    def __init__(self, store: PolicyStore, client: redis.Redis, prefix: str, recorder: Recorder | None,
                 interval: float) -> None:
        self._store = store
        self._client = client
        self._published = PublishedPolicy(client, prefix)
        self._recorder = recorder
        self._interval = interval
        self._identity = process_identity()
        self._files_seen = store.current.version  # the local files' version last checked
        self._files_error: str | None = None
        self._published_error: str | None = None
        self._refused: tuple[str, int] | None = None  # the published (version, revision) that did not load
        self._unrecorded: PolicyChange | None = None  # live here; its entry not known to be written yet
        self._recording: asyncio.Task[None] | None = None

    async def first_sync(self, timeout: float) -> None:
        """Take the published version before serving, if Redis answers within `timeout` seconds."""
        try:
            await asyncio.wait_for(self.sync(), timeout)
            self._connection(True)
        except (TimeoutError, *REDIS_ERRORS) as error:
            log.warning("policy propagation: Redis unreachable at start (%s); serving the local policy files", error)
            self._connection(False)

    async def run(self) -> None:
        try:
            await follow(self._client, self._published.channel, self.sync, self._interval, "policy propagation",
                         self._connection, connected=self._store.propagation == "connected")
        finally:
            if self._recording is not None:
                self._recording.cancel()

    async def sync(self) -> None:
        await self._publish_changed_files()
        await self._adopt_published()
        await self._record_if_needed()
        errors = [error for error in (self._files_error, self._published_error) if error]
        self._store.last_error = "; ".join(errors) or None

    def _connection(self, connected: bool) -> None:
        self._store.propagation = "connected" if connected else "disconnected"

    async def _publish_changed_files(self) -> None:
        store = self._store
        try:
            version = policy_version(store.directory)
        except OSError as exc:
            self._files_error = f"policy files cannot be read: {exc.strerror}"
            return
        if version == self._files_seen:
            return
        try:
            candidate = load_policy(store.directory, store.catalog)
        except PolicyError as exc:
            log.error("policy files changed but refused, not published: %s", exc)
            self._files_seen, self._files_error = version, f"local files refused, not published: {exc}"
            return
        revision = await self._published.publish(candidate.files, candidate.version, self._identity, "files")
        if revision:
            log.info("policy version %s from %s published as revision %d", candidate.version, store.directory,
                     revision)
        self._files_seen, self._files_error = version, None

    async def _adopt_published(self) -> None:
        try:
            await self._adopt()
        except PolicyError as exc:  # a publication this code cannot read: refused like one that does not load
            if self._published_error is None:
                log.error("published policy refused, keeping version %s: %s", self._store.current.version, exc)
            self._published_error = f"published policy refused: {exc}"

    async def _adopt(self) -> None:
        head = await self._published.head()
        if head is None:
            current = self._store.current
            await self._published.publish(current.files, current.version, self._identity, "bootstrap",
                                          only_if_absent=True)
            head = await self._published.head()
            if head is None:
                return
        store = self._store
        if head[0] == store.current.version:
            if store.source != "redis" or self._refused is not None or self._published_error is not None:
                store.source, self._refused, self._published_error = "redis", None, None
                self._unrecorded = await self._published.read()
            return
        if head == self._refused:
            return
        change = await self._published.read()
        if change is None:
            return
        try:
            candidate = parse_policy(change.files, store.catalog)
            if candidate.version != change.version:
                raise PolicyError(f"the published files are version {candidate.version}, "
                                  f"not the announced {change.version}")
        except PolicyError as exc:
            log.error("published policy revision %d refused, keeping version %s: %s", change.revision,
                      store.current.version, exc)
            self._refused, self._published_error = (change.version, change.revision), \
                f"published revision {change.revision} refused: {exc}"
            return
        store.make_live(candidate, "redis")
        self._refused, self._published_error, self._unrecorded = None, None, change

    async def _record_if_needed(self) -> None:
        change = self._unrecorded
        if change is None or self._recorder is None or (self._recording and not self._recording.done()):
            return
        claimed = await self._published.claim_record(change, self._identity)
        if claimed is None:
            self._unrecorded = None
        elif claimed:
            self._recording = asyncio.create_task(self._record(change))

    async def _record(self, change: PolicyChange) -> None:
        seq = await record_change(self._recorder.log, change, self._store.catalog, self._identity)
        if seq is None:
            return  # the claim lapses; this process or another tries again
        try:
            await self._published.mark_recorded(change, seq)
        except REDIS_ERRORS:
            log.warning("policy version %s recorded as entry %d; Redis could not be told", change.version, seq)
            return
        if self._unrecorded == change:
            self._unrecorded = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
