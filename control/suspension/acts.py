"""Suspending and lifting, each act on the access record with who, why and when.

A failure part-way always leaves the caller suspended: a suspension is stored first and recorded
second (taken back if it cannot be recorded); a lift is recorded first and applied second."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, Literal

from control.suspension.store import Suspension, SuspensionStore, Target
from record.store import AccessRecord

ENTRY_KIND = "suspension"


class NotSuspended(Exception):
    pass


def act_entry(action: Literal["suspend", "lift"], target: Target, reason: str, by: str, at: datetime,
              **details: Any) -> dict[str, Any]:
    """`name` is the department, or the system with its `department` beside it."""
    named = ({"name": target.department} if target.system is None
             else {"department": target.department, "name": target.system})
    return {"kind": ENTRY_KIND, "action": action, "time": at.isoformat(timespec="milliseconds"),
            "scope": target.scope, **named, "reason": reason, "by": by, **details, "salt": secrets.token_hex(16)}


async def suspend(store: SuspensionStore, access_log: AccessRecord, target: Target, reason: str,
                  by: str) -> tuple[Suspension, int]:
    """The suspension and its entry's position; AlreadySuspended, or RecordUnavailable (nothing changed)."""
    suspension = Suspension(target, reason, by, datetime.now(UTC))
    await store.add(suspension)
    try:
        seq = await access_log.append(act_entry("suspend", target, reason, by, suspension.since))
    except BaseException:
        await store.remove(target)
        raise
    await store.set_entry(target, seq)
    return suspension, seq


async def lift(store: SuspensionStore, access_log: AccessRecord, target: Target, reason: str,
               by: str) -> tuple[Suspension, int]:
    """The suspension lifted and the lift's entry position; NotSuspended, or RecordUnavailable (nothing changed)."""
    suspension = await store.find(target)
    if suspension is None:
        raise NotSuspended(f"{target} is not suspended")
    seq = await access_log.append(act_entry(
        "lift", target, reason, by, datetime.now(UTC),
        suspended={"since": suspension.since.isoformat(timespec="milliseconds"), "by": suspension.by,
                   "reason": suspension.reason, "entry": suspension.entry}))
    await store.remove(target)
    return suspension, seq
