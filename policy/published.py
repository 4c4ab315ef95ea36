"""The published policy in Redis: one hash per deployment (the key prefix), replaced atomically, announced on a channel.

The hash holds the files' text, their version and a revision that grows with every publication, who
published it and how, and the version and text it replaced (for the access record's diff). Whether a
revision is on the access record yet is a key of its own, claimed by the one process that writes the entry.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal

import redis.asyncio as redis

from policy.changes import PolicyChange
from policy.registry import PolicyError

Via = Literal["files", "publish", "bootstrap"]
RECORD_CLAIM_SECONDS = 60  # a claimant that dies leaves the entry to whoever claims after this

# Publishes unless the version is already published (or, for a bootstrap, unless anything is);
# returns the new revision, or 0 when nothing changed.
_PUBLISH = """
local current = redis.call('HGET', KEYS[1], 'version')
if current == ARGV[1] or (current and ARGV[6] == '1') then return 0 end
local previous_files = redis.call('HGET', KEYS[1], 'files') or ''
local revision = redis.call('HINCRBY', KEYS[1], 'revision', 1)
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'files', ARGV[2], 'by', ARGV[3], 'via', ARGV[4],
           'publishedAt', ARGV[5], 'previous', current or '', 'previousFiles', previous_files)
redis.call('PUBLISH', ARGV[7], revision)
return revision
"""


class PublishedPolicy:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._key = f"{prefix}:policy:published"
        self._records = f"{prefix}:policy:recorded"
        self.channel = f"{prefix}:policy:changes"
        self._publish = client.register_script(_PUBLISH)

    async def publish(self, files: Mapping[str, str], version: str, by: str, via: Via,
                      only_if_absent: bool = False) -> int:
        """The new revision, or 0 if `version` is already published (or anything is, with `only_if_absent`).
        The caller has checked the files: everything published here is taken by every worker as it is."""
        published_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        return int(await self._publish(keys=[self._key], args=[
            version, json.dumps(dict(files), ensure_ascii=False, sort_keys=True), by, via, published_at,
            "1" if only_if_absent else "0", self.channel]))

    async def head(self) -> tuple[str, int] | None:
        """The published version and its revision, or None when nothing is published; PolicyError when the
        hash is not one this code wrote."""
        version, revision = await self._client.hmget(self._key, ["version", "revision"])
        if version is None:
            return None
        try:
            return version, int(revision)
        except (TypeError, ValueError):
            raise PolicyError(f"the published policy's revision is not a number: {revision!r}") from None

    async def read(self) -> PolicyChange | None:
        """The publication, or None; PolicyError when the hash is not one this code wrote."""
        fields = await self._client.hgetall(self._key)
        if "version" not in fields:
            return None
        try:
            change = PolicyChange(
                version=fields["version"], revision=int(fields["revision"]), files=json.loads(fields["files"]),
                previous=fields["previous"] or None, previous_files=_previous_files(fields["previousFiles"]),
                by=fields["by"], via=fields["via"], published_at=fields["publishedAt"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PolicyError(f"the published policy is malformed ({type(exc).__name__}: {exc})") from None
        if not _is_text_files(change.files):
            raise PolicyError("the published policy is malformed (its files are not a map of names to text)")
        return change

    async def claim_record(self, change: PolicyChange, claimant: str) -> bool | None:
        """True: this claimant writes the access-record entry of the change; None: it is written already;
        False: another process holds the claim (if it fails, the claim lapses and a later call may win)."""
        key = self._record_key(change)
        if await self._client.set(key, f"claimed by {claimant}", nx=True, ex=RECORD_CLAIM_SECONDS):
            return True
        value = await self._client.get(key)
        return None if value is not None and value.startswith("entry ") else False

    async def mark_recorded(self, change: PolicyChange, seq: int) -> None:
        await self._client.set(self._record_key(change), f"entry {seq}")

    def _record_key(self, change: PolicyChange) -> str:
        return f"{self._records}:{change.revision}:{change.version}"


def _previous_files(text: str) -> dict[str, str] | None:
    """The replaced files, for the record's diff only: a replaced publication that was malformed has none."""
    try:
        files = json.loads(text) if text else None
    except ValueError:
        return None
    return files if _is_text_files(files) else None


def _is_text_files(files: object) -> bool:
    return isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
