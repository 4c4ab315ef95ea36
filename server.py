"""The ASGI application: routes, lifespan and wiring only."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from access.decisions import DecisionCache
from access.row_maskers import RowMaskerCache
from catalog import load_catalog
from connectors.base import SourceUnavailable
from connectors.registry import build_connectors
from gateway.documents import DocumentCache
from gateway.endpoint import GraphQLEndpoint
from gateway.runtime import Runtime
from identity.secrets_store import local_secret
from identity.tokens import TokenVerifier
from policy.registry import load_departments
from policy.store import PolicyStore
from schema.query import build_schema
from settings import Settings

log = logging.getLogger("huitong")


def jwt_secret(settings: Settings) -> str:
    return settings.jwt_secret or local_secret(settings.state_dir, "jwt-secret")


def _verifier(settings: Settings) -> TokenVerifier:
    if settings.jwt_public_key is not None:
        return TokenVerifier.with_public_key(Path(settings.jwt_public_key).read_bytes())
    return TokenVerifier.with_secret(jwt_secret(settings))


def build_runtime(settings: Settings) -> Runtime:
    catalog = load_catalog(load_departments(settings.policy_dir / "departments.csv"), settings.catalog_dir)
    schema = build_schema(catalog)
    token_key = (settings.token_key or local_secret(settings.state_dir, "token-key")).encode()
    return Runtime(
        settings=settings,
        catalog=catalog,
        schema=schema,
        connectors=build_connectors(settings, catalog),
        policies=PolicyStore(settings.policy_dir, catalog),
        verifier=_verifier(settings),
        decisions=DecisionCache(catalog),
        row_maskers=RowMaskerCache(tuple(catalog.resources), token_key),
        documents=DocumentCache(schema._schema),
    )


async def _department_status(runtime: Runtime) -> dict[str, dict[str, str]]:
    async def status(name: str) -> tuple[str, dict[str, str]]:
        connector = runtime.connectors[name]
        try:
            await connector.ping()
        except SourceUnavailable as exc:
            return name, {"department": connector.department, "status": "down", "reason": exc.reason}
        return name, {"department": connector.department, "status": "up"}

    return dict(await asyncio.gather(*(status(name) for name in runtime.connectors)))


def create_app(settings: Settings | None = None) -> Starlette:
    runtime = build_runtime(settings or Settings())

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "alive"})

    async def readyz(request: Request) -> JSONResponse:
        departments = await _department_status(runtime)
        ready = all(d["status"] == "up" for d in departments.values())
        policy = {"version": runtime.policies.current.version, "error": runtime.policies.last_error}
        return JSONResponse({"ready": ready, "departments": departments, "policy": policy},
                            status_code=200 if ready else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        watcher = asyncio.create_task(runtime.policies.watch(runtime.settings.policy_reload_interval))
        try:
            yield
        finally:
            watcher.cancel()
            for connector in runtime.connectors.values():
                await connector.close()

    endpoint = GraphQLEndpoint(runtime)
    app = Starlette(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
