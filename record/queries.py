"""Traceability: who accessed a subject, what a caller accessed, and each department's use of shared data.

Pruned entries (no body) are never returned: past the retention period the record keeps only its hashes."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from record.schema import access_log_entries, access_log_subjects

DENIED = "DENY"
NOT_GIVEN = "-"

log_entries = access_log_entries.c
_SEQ_AND_BODY = select(log_entries.seq, log_entries.body)


async def entries_for_subjects(connection: AsyncConnection, tags: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """Every entry naming one of the subject tags, oldest first."""
    matching = select(access_log_subjects.c.seq).where(access_log_subjects.c.tag.in_(tags))
    return await _with_bodies(connection, _SEQ_AND_BODY.where(log_entries.seq.in_(matching)))


async def entries_for_caller(connection: AsyncConnection, sub: str | None, dept: str | None, since: datetime,
                             until: datetime) -> list[tuple[int, dict[str, Any]]]:
    """The entries of a calling system and/or department logged in [since, until), oldest first."""
    query = _SEQ_AND_BODY.where(log_entries.logged_at >= since, log_entries.logged_at < until)
    if sub is not None:
        query = query.where(log_entries.caller_sub == sub)
    if dept is not None:
        query = query.where(log_entries.caller_dept == dept)
    return await _with_bodies(connection, query)


async def entries_of_kind(connection: AsyncConnection, kind: str, since: datetime | None,
                          until: datetime | None) -> list[tuple[int, dict[str, Any]]]:
    """The entries of an act rather than a request (`{"kind": "policy", ...}`, `{"kind": "suspension", ...}`)
    logged in [since, until), oldest first. Such entries name no caller, so the caller and usage queries and
    the subject index never see them."""
    query = _SEQ_AND_BODY.where(log_entries.caller_sub.is_(None), log_entries.caller_dept.is_(None),
                                log_entries.body.like(f'%"kind":"{kind}"%'))  # canonical JSON: no spaces
    if since is not None:
        query = query.where(log_entries.logged_at >= since)
    if until is not None:
        query = query.where(log_entries.logged_at < until)
    return [(seq, entry) for seq, entry in await _with_bodies(connection, query) if entry.get("kind") == kind]


async def _with_bodies(connection: AsyncConnection, query: Select[int, str]) -> list[tuple[int, dict[str, Any]]]:
    rows = await connection.execute(query.where(log_entries.body.is_not(None)).order_by(log_entries.seq))
    return [(seq, json.loads(body)) for seq, body in rows]


@dataclass
class _DepartmentUsage:
    requests: int = 0
    records: set[str] = field(default_factory=set)
    fields_by_share_class: Counter[str] = field(default_factory=Counter)
    by_purpose: Counter[str] = field(default_factory=Counter)
    by_provider: Counter[str] = field(default_factory=Counter)

    def add(self, entry: dict[str, Any]) -> None:
        self.requests += 1
        self.records.update(entry.get("subjects") or ())
        self.by_purpose[entry.get("purpose") or NOT_GIVEN] += 1
        for decided in entry.get("fields") or ():
            if decided.get("decision") != DENIED:
                self.fields_by_share_class[decided.get("share") or NOT_GIVEN] += 1
                self.by_provider[decided.get("provider") or NOT_GIVEN] += 1

    def summary(self, department: str) -> dict[str, Any]:
        return {"department": department, "requests": self.requests, "records": len(self.records),
                "fieldsByShareClass": dict(self.fields_by_share_class), "byPurpose": dict(self.by_purpose),
                "byProvider": dict(self.by_provider)}


async def usage(connection: AsyncConnection, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per calling department, for entries logged in [since, until): requests, distinct records (subjects),
    fields served (not denied) by share class and by provider department, and requests by purpose.
    Unauthenticated requests belong to no department and are not counted."""
    departments: dict[str, _DepartmentUsage] = {}
    rows = await connection.stream(
        select(log_entries.caller_dept, log_entries.body).where(
            log_entries.logged_at >= since, log_entries.logged_at < until,
            log_entries.caller_dept.is_not(None), log_entries.body.is_not(None)))
    async for department, body in rows:
        departments.setdefault(department, _DepartmentUsage()).add(json.loads(body))
    return [departments[name].summary(name) for name in sorted(departments)]
