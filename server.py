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
from audit.checkpoints import CheckpointSigner, load_or_create_signing_key
from audit.recorder import Recorder
from audit.store import AccessLog, LogConfig
from catalog import load_catalog
from connectors.base import SourceUnavailable
from connectors.registry import build_connectors
from gateway.admin_policy import AdminPolicyRoutes
from gateway.audit_routes import AuditRoutes
from gateway.documents import DocumentCache
from gateway.endpoint import GraphQLEndpoint
from gateway.middleware import middleware
from gateway.query_limits import DocumentLimits
from gateway.runtime import Runtime
from identity.secrets_store import local_secret
from identity.tokens import TokenVerifier
from policy.registry import load_departments
from policy.store import PolicyStore
from propagation.startup import propagating
from ratelimits.limiter import RateLimiter
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
        documents=DocumentCache(schema._schema, DocumentLimits.from_settings(settings),
                                hide_suggestions=not settings.dev_mode),
        rate_limits=RateLimiter.from_settings(settings),
    )


async def open_recorder(settings: Settings) -> Recorder:
    signer = CheckpointSigner(settings.audit_origin,
                              load_or_create_signing_key(settings.state_dir / "audit-signing-key.pem"))
    config = LogConfig(url=settings.access_log_url, origin=settings.audit_origin, hash_algorithm=settings.audit_hash,
                       checkpoint_seconds=settings.audit_checkpoint_seconds,
                       checkpoint_entries=settings.audit_checkpoint_entries,
                       retention_days=settings.audit_retention_days)
    access_log = await AccessLog.open(config, signer)
    return Recorder(access_log, local_secret(settings.state_dir, "audit-subject-key").encode(), signer)


async def _department_status(runtime: Runtime) -> dict[str, dict[str, str | int]]:
    """Each department pinged directly (past its breaker), with its breaker's state beside it."""
    async def status(name: str) -> tuple[str, dict[str, str | int]]:
        connector = runtime.connectors[name]
        breaker = {"breaker": connector.breaker.state, "failures": connector.breaker.failures}
        try:
            await connector.ping()
        except SourceUnavailable as exc:
            return name, {"department": connector.department, "status": "down", "reason": exc.reason, **breaker}
        return name, {"department": connector.department, "status": "up", **breaker}

    return dict(await asyncio.gather(*(status(name) for name in runtime.connectors)))


def create_app(settings: Settings | None = None) -> Starlette:
    runtime = build_runtime(settings or Settings())

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "alive"})

    async def readyz(request: Request) -> JSONResponse:
        departments = await _department_status(runtime)
        ready = all(d["status"] == "up" for d in departments.values())
        return JSONResponse({"ready": ready, "departments": departments, "policy": runtime.policies.status(),
                             "suspensions": runtime.suspensions.status(),
                             "rateLimits": runtime.rate_limits.stores.status()},  # degraded is still ready
                            status_code=200 if ready else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(runtime.rate_limits.stores.watch(runtime.settings.rate_limits_retry_seconds))]
        if runtime.settings.audit:
            runtime.recorder = await open_recorder(runtime.settings)
            tasks.append(asyncio.create_task(runtime.recorder.log.run_checkpoints()))
            tasks.append(asyncio.create_task(runtime.recorder.run_retention()))
            tasks.append(asyncio.create_task(runtime.recorder.log.run_indexing()))
        try:
            async with propagating(runtime):  # the policy and the suspensions, kept current on every worker
                yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # unwound before what they use is closed
            if runtime.recorder is not None:
                await runtime.recorder.log.close()
            await runtime.rate_limits.stores.close()
            for connector in runtime.connectors.values():
                await connector.close()

    endpoint = GraphQLEndpoint(runtime)
    audit = AuditRoutes(runtime)
    app = Starlette(
        routes=[
            # The endpoint refuses all but GET and POST itself, in GraphQL's shape.
            Route("/graphql", endpoint.handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/audit/checkpoint", audit.checkpoint),
            Route("/audit/public-key", audit.public_key),
            Route("/audit/proof/inclusion", audit.inclusion),
            Route("/audit/proof/consistency", audit.consistency),
            *AdminPolicyRoutes(runtime).routes(),
        ],
        middleware=middleware(runtime.settings),
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
