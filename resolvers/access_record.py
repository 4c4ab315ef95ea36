"""Auditors' reads of the access record (the role check happens before execution)."""
from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from strawberry.types import Info

from catalog.formats import InvalidIdentifier
from record.canonical import canonical_json
from record.store import AccessRecord
from record.subjects import subject_tag
from resolvers.context import ResolverContext
from resolvers.errors import BadArgument


def _log(info: Info[ResolverContext, Any]) -> AccessRecord:
    record = info.context.record
    assert record is not None  # the auditors' fields are served once the access record is open
    return record


def _time(name: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadArgument(f"'{name}' must be an ISO 8601 date-time, got {value!r}") from None
    if moment.tzinfo is None:
        raise BadArgument(f"'{name}' must carry a time zone, e.g. {value}+08:00")
    return moment


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


async def _with_proofs(info: Info, found: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    log = _log(info)
    if found:
        await log.checkpoint_now()
    note = await log.latest_checkpoint()
    size = int(note.split("\n")[1]) if note else 0
    out = []
    for seq, entry in found:
        proof = None
        if seq < size:
            proof = {"leafIndex": seq, "treeSize": size, "leafHash": _b64(await log.leaf_hash(seq)),
                     "hashes": [_b64(h) for h in await log.inclusion_proof(seq, size)], "checkpoint": note}
        out.append(_entry(seq, entry, proof))
    return out


def _entry(seq: int, entry: dict[str, Any], proof: dict[str, Any] | None) -> dict[str, Any]:
    caller = entry.get("caller") or {}
    return {
        "seq": seq, "time": entry["time"], "requestId": entry["requestId"], "system": caller.get("sub"),
        "department": caller.get("dept"), "roles": caller.get("roles", []), "purpose": entry.get("purpose"),
        "purposeRef": entry.get("purposeRef"), "operationName": entry.get("operationName"),
        "status": entry["status"], "outcome": entry["outcome"],
        "fields": [{"field": f["field"], "decision": f.get("decision"), "share": f.get("share"),
                    "provider": f.get("provider")} for f in entry.get("fields", [])],
        "sources": entry.get("sources", []),
        "entry": canonical_json(entry).decode(),
        "proof": proof,
    }


async def subject(info: Info, idNumber: str | None = None, uscc: str | None = None) -> list[dict[str, Any]]:
    if (idNumber is None) == (uscc is None):
        raise BadArgument("give exactly one of 'idNumber' or 'uscc'")
    record = _log(info)
    try:
        tag = subject_tag(record.subject_key, idNumber or uscc or "")
    except InvalidIdentifier as exc:
        raise BadArgument(f"{'idNumber' if idNumber else 'uscc'}: {exc.reason}") from None
    return await _with_proofs(info, await record.entries_for_subjects([tag]))


async def caller(info: Info, since: str, until: str, system: str | None = None,
                 department: str | None = None) -> list[dict[str, Any]]:
    if system is None and department is None:
        raise BadArgument("give 'system' or 'department' (or both)")
    found = await _log(info).entries_for_caller(system, department, _time("since", since), _time("until", until))
    return await _with_proofs(info, found)


async def usage(info: Info, since: str, until: str) -> list[dict[str, Any]]:
    rows = await _log(info).usage(_time("since", since), _time("until", until))
    return [{**row, **{key: [{"key": k, "count": v} for k, v in sorted(row[key].items())]
                       for key in ("fieldsByShareClass", "byPurpose", "byProvider")}} for row in rows]


async def checkpoint(info: Info) -> str | None:
    return await _log(info).latest_checkpoint()
