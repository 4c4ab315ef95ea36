"""A policy version going live, as the access record keeps it: who, when, which version replaced which, and the diff.

The diff has the changed lines of each policy file (unified diff, no context) and every
(department, roles, purpose, field) whose decision changes, as `cli policy diff` finds them.
"""
from __future__ import annotations

import asyncio
import difflib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from access.policy.registry import PolicyError
from access.policy.store import POLICY_FILES, parse_policy
from catalog import Catalog
from control.workbench.diff import diff_policies
from record.store import AccessRecord, RecordUnavailable

log = logging.getLogger(__name__)

ENTRY_KIND = "policy"


@dataclass(frozen=True)
class PolicyChange:
    version: str
    files: Mapping[str, str]
    previous: str | None  # None: nothing was published (or live) before
    previous_files: Mapping[str, str] | None
    by: str  # the officer given to `policy publish --by`, or the host:pid that saw its files change
    via: str  # "publish" (the command), "files" (a policy directory edited), "bootstrap" (first publication)
    published_at: str
    revision: int | None = None  # the publication's number (policy.published); None without Redis


def line_diff(old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, list[str]]:
    """For each policy file that differs, its changed lines as hunks without context ("@@ -80,0 +81 @@", "+p, …")."""
    changed = {}
    for name in POLICY_FILES:
        if old.get(name) != new.get(name):
            hunks = difflib.unified_diff((old.get(name) or "").splitlines(), (new.get(name) or "").splitlines(),
                                         lineterm="", n=0)
            changed[name] = list(hunks)[2:]  # without the ---/+++ file header
    return changed


def _decision_diff(change: PolicyChange, catalog: Catalog) -> list[dict[str, Any]] | None:
    """None when the previous version does not load (it never went live, so nothing is compared with it)."""
    try:
        old = parse_policy(change.previous_files or {}, catalog)
    except PolicyError:
        return None
    new = parse_policy(change.files, catalog)
    return [{"department": c.department, "roles": list(c.roles), "purpose": c.purpose, "field": c.field,
             "before": c.old, "after": c.new} for c in diff_policies(old, new, catalog)]


def policy_entry(change: PolicyChange, catalog: Catalog, recorded_by: str) -> dict[str, Any]:
    """The access-record entry of a change; `change.files` must load (it went live)."""
    first = change.previous_files is None
    return {
        "kind": ENTRY_KIND,
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "version": change.version,
        "previous": change.previous,
        "revision": change.revision,
        "publishedAt": change.published_at,
        "publishedBy": change.by,
        "via": change.via,
        "recordedBy": recorded_by,
        "diff": None if first else {"lines": line_diff(change.previous_files or {}, change.files),
                                    "decisions": _decision_diff(change, catalog)},
        "salt": secrets.token_hex(16),
    }


async def record_change(access_log: AccessRecord, change: PolicyChange, catalog: Catalog,
                        recorded_by: str) -> int | None:
    """The entry's position once durable, or None (logged) when it could not be written.
    The diff is computed in a thread, on policies of its own: the live ones stay with the event loop."""
    entry = await asyncio.to_thread(policy_entry, change, catalog, recorded_by)
    try:
        seq = await access_log.append(entry)
    except (RecordUnavailable, ValueError) as error:
        log.error("policy version %s went live but could not be put on the access record: %s", change.version, error)
        return None
    log.info("policy version %s (was %s) is on the access record as entry %d", change.version, change.previous, seq)
    return seq
