"""The access-record entry of one request, gathered while the request runs.

Subjects appear only as keyed tags and the answer only as a keyed digest: the entry can prove
who saw what without holding a single field value.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from access.decisions import DecisionMap
from access.identity.tokens import Caller
from catalog import Catalog
from gateway.selection import SelectedField
from record.subjects import tag_of_canonical
from resolvers.trace import RequestTrace

SERVED_DOMAIN = b"huitong/served\x1f"


def served_digest(key: bytes, data: Any) -> str:
    """Keyed digest of the data served, over sorted-key compact JSON."""
    return hmac.new(key, SERVED_DOMAIN + orjson.dumps(data, option=orjson.OPT_SORT_KEYS), hashlib.sha256).hexdigest()


@dataclass
class RequestEntry:
    request_id: str
    started: float = field(default_factory=time.perf_counter)
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    caller: Caller | None = None
    purpose: str | None = None
    purpose_ref: str | None = None
    operation_name: str | None = None
    document_hash: str | None = None
    policy_version: str | None = None
    fields: list[dict[str, Any]] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)
    trace: RequestTrace = field(default_factory=RequestTrace)
    probe: dict[str, Any] | None = None  # the lookup budget's count of this request, for a caller it counts

    def decided(self, catalog: Catalog, selected: Iterable[SelectedField], decisions: DecisionMap) -> None:
        """Each governed field selected, once, with its decision, share class and provider department."""
        seen: dict[str, dict[str, Any]] = {}
        for field_selected in selected:
            name = field_selected.qualified_name
            entry = catalog.governed.get(name)
            if entry is None or name in seen:
                continue
            provider = getattr(entry, "provider", None) or catalog.resource(entry.resource).provider
            seen[name] = {"field": name, "decision": decisions.decisions[name].effect.value,
                          "share": entry.share.value, "provider": provider}
        self.fields = list(seen.values())

    def to_record(self, key: bytes, status: int, body: dict[str, Any]) -> dict[str, Any]:
        """The entry as the access record keeps it, once the answer is known."""
        errors = body.get("errors") or []
        outcome = "served" if body.get("data") is not None else (errors[0]["extensions"]["code"] if errors else "empty")
        caller = self.caller
        return {
            "time": self.time.isoformat(timespec="milliseconds"),
            "requestId": self.request_id,
            "caller": None if caller is None else {"sub": caller.system, "dept": caller.department,
                                                   "roles": list(caller.roles)},
            "purpose": self.purpose,
            "purposeRef": self.purpose_ref,
            "operationName": self.operation_name,
            "documentHash": self.document_hash,
            "policyVersion": self.policy_version,
            "fields": self.fields,
            "sources": [{"department": d, "outcome": o} for d, o in sorted(self.trace.sources.items())],
            "subjects": sorted(tag_of_canonical(key, s) for s in self.asked | self.trace.subjects),
            "status": status,
            "outcome": outcome,
            "durationMs": round((time.perf_counter() - self.started) * 1000, 3),
            "servedDigest": served_digest(key, body.get("data")),
            "salt": secrets.token_hex(16),
        } | ({} if self.probe is None else {"probe": self.probe})
