"""How a policy change reaches every worker on every host, and how it gets on the access record.

Without Redis (`redis_url` unset: the embedded default, one host) each process polls its own policy
directory and is the only authority on what it runs.

With Redis the **published** policy is authoritative: the latest publication in the access record's
database (`policy.published`), which every host shares and must reach to serve. A process that sees its
policy files change checks them and, if they load, publishes them (it does not make them live by itself:
they go live everywhere, itself included, when read back); `policy publish --dir DIR` does the same from
the command line. Every process re-reads the latest publication every `policy_reload_interval`, Redis or
not, and at once when Redis announces one: propagation does not depend on Redis, only its speed does. A
publication is loaded with the same checks as files: whole or not at all; a refused one is logged and
shown by /readyz, never made live. A process starting up serves the latest publication that
loads, not its own files; only if nothing is published (first start) does it publish its own files.

Each publication that goes live is put on the access record once: by the process that claims the
publication's row first (a lapsing claim, so a claimant that dies leaves it to another).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from access.policy.registry import PolicyError
from access.policy.store import Policy, PolicyStore, load_policy, parse_policy, policy_version
from control.propagation.watcher import Watcher, process_identity
from control.publication.changes import PolicyChange, record_change
from control.publication.published import PolicyPublications
from record.database import DATABASE_ERRORS
from record.store import AccessRecord

log = logging.getLogger(__name__)

STATE = "policy"  # what the watcher's announcements are about


class LocalPolicySync:
    """No Redis: this process's own policy directory, re-read by a polling watcher; each reload is recorded by this
    process."""

    def __init__(self, store: PolicyStore, record: AccessRecord | None, watcher: Watcher) -> None:
        self._store = store
        self._access_record = record
        self._watcher = watcher

    async def run(self) -> None:
        await self._watcher.watch(self.reload)

    async def reload(self) -> None:
        before = self._store.current
        if self._store.reload_if_changed() and self._access_record is not None:
            now = self._store.current
            change = PolicyChange(now.version, now.files, before.version, before.files, process_identity(),
                                  "files", _now())
            await record_change(self._access_record, change, self._store.catalog, process_identity())


class PublishedPolicySync:
    """With Redis: the latest publication in the access record's database is live (`policy.published`)."""

    def __init__(self, store: PolicyStore, publications: PolicyPublications, watcher: Watcher,
                 record: AccessRecord | None) -> None:
        self._store = store
        self._publications = publications
        self._watcher = watcher
        self._access_record = record
        self._identity = process_identity()
        self._syncing = asyncio.Lock()
        self._files_seen = store.current.version  # the local files' version last checked
        self._files_error: str | None = None
        self._published_error: str | None = None
        self._database_error: str | None = None
        self._live: int | None = None  # the revision live here
        self._refused: int | None = None  # the latest revision, when it does not load
        self._unrecorded: int | None = None  # live here; its entry not known to be written yet
        self._recording: asyncio.Task[None] | None = None

    async def load(self) -> None:
        """Before serving: the latest publication that loads; this host's files are published first if nothing
        is. Raises if the publications cannot be read (the server does not start)."""
        await self._publications.create_table()
        current = self._store.current
        if await self._publications.publish(current.files, current.version, self._identity, "bootstrap",
                                            only_if_empty=True):
            log.info("nothing was published: policy version %s from %s published", current.version,
                     self._store.directory)
        for revision in await self._publications.revisions():
            try:
                candidate = await self._candidate(revision)
            except PolicyError as exc:
                if self._refused is None:
                    self._refuse(revision, exc)
                continue
            if self._refused is not None:
                log.warning("serving published revision %d, the latest that loads", revision)
            self._make_live(revision, candidate)
            break
        self._report()

    async def run(self) -> None:
        try:
            await self._watcher.watch(self.sync)
        finally:
            if self._recording is not None:
                self._recording.cancel()
                await asyncio.gather(self._recording, return_exceptions=True)

    async def sync(self) -> None:
        """This host's changed files published, the latest publication taken, its access-record entry written."""
        async with self._syncing:
            try:
                await self._publish_changed_files()
                await self._adopt_latest()
                await self._record_if_needed()
            except DATABASE_ERRORS as error:
                if self._database_error is None:
                    log.warning("policy propagation: the publications cannot be read (%s); keeping version %s",
                                error, self._store.current.version)
                self._database_error = "the published policy could not be read; keeping the last good one"
            else:
                self._database_error = None
            self._report()

    def _report(self) -> None:
        errors = [error for error in (self._files_error, self._published_error, self._database_error) if error]
        self._store.last_error = "; ".join(errors) or None

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
        revision = await self._publications.publish(candidate.files, candidate.version, self._identity, "files")
        if revision:
            log.info("policy version %s from %s published as revision %d", candidate.version, store.directory,
                     revision)
            await self._watcher.announce(str(revision))
        self._files_seen, self._files_error = version, None

    async def _adopt_latest(self) -> None:
        head = await self._publications.head()
        if head is None or head.revision in (self._live, self._refused):
            return
        try:
            candidate = await self._candidate(head.revision)
        except PolicyError as exc:
            self._refuse(head.revision, exc)
            return
        self._make_live(head.revision, candidate)
        self._refused = self._published_error = None

    async def _candidate(self, revision: int) -> Policy:
        """The publication's policy, checked as the files of a directory are; PolicyError if it does not load."""
        change = await self._publications.read(revision)
        candidate = parse_policy(change.files, self._store.catalog)
        if candidate.version != change.version:
            raise PolicyError(f"its files are version {candidate.version}, not the published {change.version}")
        return candidate

    def _refuse(self, revision: int, exc: PolicyError) -> None:
        log.error("published policy revision %d refused, keeping version %s: %s", revision,
                  self._store.current.version, exc)
        self._refused, self._published_error = revision, f"published revision {revision} refused: {exc}"

    def _make_live(self, revision: int, candidate: Policy) -> None:
        self._store.make_live(candidate, "published")
        self._live = self._unrecorded = revision

    async def _record_if_needed(self) -> None:
        revision, access_record = self._unrecorded, self._access_record
        if revision is None or access_record is None or (self._recording and not self._recording.done()):
            return
        claimed = await self._publications.claim_record(revision)
        if claimed is None:
            self._unrecorded = None
        elif claimed:
            self._recording = asyncio.create_task(self._record(revision, access_record))

    async def _record(self, revision: int, access_record: AccessRecord) -> None:
        try:
            change = await self._publications.read(revision)
            seq = await record_change(access_record, change, self._store.catalog, self._identity)
            if seq is None:
                return  # the claim lapses; this process or another tries again
            await self._publications.mark_recorded(revision, seq)
        except DATABASE_ERRORS as error:
            log.warning("policy revision %d: its access-record entry could not be completed (%s); tried again "
                        "once the claim lapses", revision, error)
            return
        if self._unrecorded == revision:
            self._unrecorded = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
