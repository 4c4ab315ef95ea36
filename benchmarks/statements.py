"""Statements per source for one request, counted on an in-process twin of the gateway.

The measured gateway runs in its own process, out of reach of SQLAlchemy event listeners, so the
counts come from a twin built here with the same settings, its licence service in a thread too.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from contextlib import closing
from typing import Any

from sqlalchemy import event

from benchmarks.asgi_server import ThreadedServer
from benchmarks.client import GraphQLClient
from benchmarks.department_keys import DepartmentKeys
from benchmarks.gateway_settings import in_process
from departments.licence.service import create_app as create_licence_app
from server import create_app

SourceCounts = dict[str, int]
SQL_SOURCES = ("population", "entity")


def count_statements(settings: Mapping[str, str], licence_store_url: str, department_keys: DepartmentKeys,
                     headers: dict[str, str], bodies: Mapping[str, bytes]) -> dict[str, SourceCounts]:
    """{scenario: {"population": n, "entity": n, "licence": n}} for each request body, sent once."""
    licence_app = create_licence_app(licence_store_url, department_keys.verifier())
    servers = [ThreadedServer(licence_app).start()]
    try:
        app = create_app(in_process({**settings, "licence_url": servers[0].url}))
        servers.append(ThreadedServer(app).start())
        statements: Counter[str] = Counter()
        for source in SQL_SOURCES:
            engine = app.state.runtime.connectors[source].source.engine

            def count(*_: Any, counted: str = source) -> None:
                statements[counted] += 1

            event.listen(engine.sync_engine, "before_cursor_execute", count)
        counted: dict[str, SourceCounts] = {}
        with closing(GraphQLClient(servers[1].url, headers)) as client:
            for scenario, body in bodies.items():
                statements.clear()
                licence_app.state.query_requests = 0
                client.data(body)
                counted[scenario] = {**{source: statements[source] for source in SQL_SOURCES},
                                     "licence": licence_app.state.query_requests}
        return counted
    finally:
        for server in reversed(servers):
            server.stop()
