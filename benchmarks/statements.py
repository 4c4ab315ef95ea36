"""Statements per source for one request, counted on an in-process gateway.

The measured gateway runs in its own process, out of reach of SQLAlchemy event listeners, so the
counts come from a twin built in this process by tests.support.gateway, over the same stores.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from benchmarks.queries import DEPARTMENT, PURPOSE
from tests.support.gateway import Stores, start_gateway

SourceCounts = dict[str, int]


def count_statements(stores: Stores, requests: Mapping[str, tuple[str, dict[str, Any]]]) -> dict[str, SourceCounts]:
    """{scenario: {"population": n, "entity": n, "licence": n}} for each (query, variables) asked once."""
    gateway = start_gateway(stores)
    try:
        counted: dict[str, SourceCounts] = {}
        for scenario, (query, variables) in requests.items():
            gateway.reset_counts()
            response = gateway.post(query, variables, dept=DEPARTMENT, purpose=PURPOSE)
            if response.status_code != 200 or orjson.loads(response.content).get("errors"):
                raise RuntimeError(f"{scenario}: unexpected answer {response.text[:300]}")
            counted[scenario] = gateway.counts()
        return counted
    finally:
        gateway.stop()
