"""A Huitong gateway under test, with its departments, counters and a client that signs its calls."""
from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from access.identity.minting import mint_token
from benchmarks.asgi_server import ThreadedServer
from departments.licence.service import create_app as create_licence_app
from server import create_app
from settings import Settings
from tests.support.department_keys import suite_keys

JWT_SECRET = "test-jwt-secret-long-enough-for-every-hmac-algorithm-0123456789"
TOKEN_KEY = "test-token-key"
UNTHROTTLED = Path(__file__).parent / "rate-limits-unthrottled.yaml"
# The system the demo assignment (policy/roles.csv) makes an auditor, as `Gateway.post` keywords.
AUDITOR = {"dept": "data-bureau", "system": "audit-desk", "purpose": "data-quality-check"}


@dataclass
class Stores:
    population_url: str
    entity_url: str
    licence_store_url: str
    audit_url: str


@dataclass
class Gateway:
    url: str
    app: Any
    licence_app: Any
    servers: list[ThreadedServer]
    statements: Counter = field(default_factory=Counter)

    @property
    def runtime(self) -> Any:
        return self.app.state.runtime

    def licence_requests(self) -> int:
        return self.licence_app.state.query_requests

    def reset_counts(self) -> None:
        self.statements.clear()
        self.licence_app.state.query_requests = 0

    def counts(self) -> dict[str, int]:
        return {"population": self.statements["population"], "entity": self.statements["entity"],
                "licence": self.licence_requests()}

    def post(self, query: str, variables: dict | None = None, *, dept: str = "civil-affairs",
             system: str = "test-system", purpose: str | None = "social-assistance-review",
             roles: list[str] | None = None, headers: dict[str, str] | None = None, token: str | None = None,
             timeout: float = 30) -> httpx.Response:
        """`roles` is only what the token claims: the gateway gives the system the roles its assignment says."""
        sent = {"content-type": "application/json"}
        if token is None:
            token = mint_token(JWT_SECRET, system, dept, roles or [])
        if token:
            sent["authorization"] = f"Bearer {token}"
        if purpose:
            sent["x-purpose"] = purpose
        sent.update(headers or {})
        return httpx.post(self.url + "/graphql", json={"query": query, "variables": variables or {}},
                          headers=sent, timeout=timeout)

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()


def start_licence_service(store_url: str, **config: Any) -> tuple[Any, ThreadedServer]:
    """The licence service trusting the suite's gateway key; `config` goes to uvicorn (ssl_certfile, …)."""
    app = create_licence_app(store_url, suite_keys().verifier())
    return app, ThreadedServer(app, **config).start()


def start_gateway(stores: Stores, *, licence_url: str | None = None, licence: tuple[Any, ThreadedServer] | None = None,
                  **overrides: Any) -> Gateway:
    licence_app, licence_server = licence or start_licence_service(stores.licence_store_url)
    options = {"state_dir": Path(tempfile.mkdtemp(prefix="huitong-state-")), "audit_url": stores.audit_url,
               "rate_limits_file": UNTHROTTLED, "department_signing_key": suite_keys().private}
    options.update(overrides)
    settings = Settings(
        population_url=stores.population_url,
        entity_url=stores.entity_url,
        licence_url=licence_url or licence_server.url,
        jwt_secret=JWT_SECRET,
        token_key=TOKEN_KEY,
        **options,
    )
    app = create_app(settings)
    gateway_server = ThreadedServer(app, forwarded_allow_ips=settings.forwarded_allow_ips).start()
    gateway = Gateway(gateway_server.url, app, licence_app, [licence_server, gateway_server])
    for name in ("population", "entity"):
        engine = app.state.runtime.connectors[name].source.engine

        def count(*_: Any, source: str = name) -> None:
            gateway.statements[source] += 1

        event.listen(engine.sync_engine, "before_cursor_execute", count)
    return gateway


def load_stores(dataset: Any, stores: Stores) -> None:
    from departments.loading import load_department

    async def load() -> None:
        await load_department(stores.population_url, "population", dataset.persons)
        await load_department(stores.entity_url, "entity", dataset.entities)
        await load_department(stores.licence_store_url, "licence", dataset.licences)

    asyncio.run(load())
