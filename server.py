"""The ASGI application: routes, middleware, lifespan; wiring only."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection
from starlette.routing import Route

from access.decision_cache import DecisionCache
from access.identity.configured import token_verifier
from access.policy.registry import load_departments
from access.policy.store import PolicyStore
from access.row_maskers import RowMaskerCache
from catalog import load_catalog
from connectors.registry import build_connectors
from control.propagation.startup import propagating
from control.propagation.watcher import process_identity
from control.ratelimits.limiter import RateLimiter
from control.ratelimits.probes import ProbeCounter
from gateway.admin_policy import ADMIN_API, AdminPolicyRoutes
from gateway.admission import AdmissionMiddleware, Admitter
from gateway.anonymous_refusals import AnonymousRefusals
from gateway.client_address import ClientAddresses
from gateway.documents import DocumentCache
from gateway.endpoint import GraphQLEndpoint
from gateway.graphiql import asks_for_graphiql
from gateway.graphiql_assets import GRAPHIQL_ASSETS
from gateway.health import Health
from gateway.middleware import middleware
from gateway.query_limits import DocumentLimits
from gateway.record_routes import RecordRoutes
from gateway.runtime import Runtime
from record.configured import open_record
from schema.query import build_schema
from settings import Settings, local_secret

GRAPHQL_PATH = "/graphql"


def build_runtime(settings: Settings) -> Runtime:
    departments = load_departments(settings.policy_dir / "departments.csv")
    catalog = load_catalog(departments, settings.catalog_dir)
    schema = build_schema(catalog)
    token_key = (settings.token_key or local_secret(settings.state_dir, "token-key")).encode()
    rate_limits = RateLimiter.from_settings(settings)
    decisions = DecisionCache(catalog, rate_limits.limits.probes.failed_keys_per_department)
    return Runtime(
        settings=settings,
        catalog=catalog,
        schema=schema,
        connectors=build_connectors(settings, catalog),
        policies=PolicyStore(settings.policy_dir, catalog, on_live=decisions.prepare),
        verifier=token_verifier(settings, departments),
        decisions=decisions,
        row_maskers=RowMaskerCache(tuple(catalog.resources), token_key),
        documents=DocumentCache(schema._schema, DocumentLimits.from_settings(settings),
                                hide_suggestions=not settings.dev_mode),
        rate_limits=rate_limits,
        probes=ProbeCounter(rate_limits.limits.probes, rate_limits.stores, f"{settings.redis_prefix}:lookup-budget",
                            token_key),
        anonymous_refusals=AnonymousRefusals(process_identity()),
    )


def _admission(runtime: Runtime) -> Middleware:
    """Identity, suspension and rate limits in front of the data and the officers' API; only identified callers
    are counted, so with governance off (the benchmark) nothing is, and nobody needs an identity for data."""
    settings = runtime.settings
    admitter = Admitter(runtime.verifier, runtime.policies, runtime.suspensions, runtime.rate_limits,
                        ClientAddresses(settings.trusted_proxies))
    counted = (GRAPHQL_PATH,) if settings.governance else ()
    uncounted = (ADMIN_API,) if settings.governance else (GRAPHQL_PATH, ADMIN_API)

    def needs_identity(connection: HTTPConnection) -> bool:
        if connection.url.path != GRAPHQL_PATH:
            return True
        return settings.governance and not (settings.dev_mode and asks_for_graphiql(connection))

    return Middleware(AdmissionMiddleware, admitter=admitter, counted=counted, uncounted=uncounted,
                      needs_identity=needs_identity)


def create_app(settings: Settings | None = None) -> Starlette:
    runtime = build_runtime(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(runtime.rate_limits.stores.watch(runtime.settings.rate_limits_retry_seconds))]
        if runtime.settings.audit:
            runtime.record = record = await open_record(runtime.settings)
            tasks += [asyncio.create_task(record.run_checkpoints()), asyncio.create_task(record.run_retention()),
                      asyncio.create_task(record.run_indexing()),
                      asyncio.create_task(runtime.anonymous_refusals.run(record,
                                                                         runtime.settings.anonymous_record_seconds))]
        try:
            async with propagating(runtime.settings, runtime.policies, runtime.suspensions, runtime.record):
                runtime.decisions.prepare(runtime.policies.current)
                yield
        finally:
            await runtime.decisions.close()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # unwound before what they use is closed
            if runtime.record is not None:
                await runtime.anonymous_refusals.write(runtime.record)  # the last period's counts
                await runtime.record.close()
            await runtime.rate_limits.stores.close()
            for connector in runtime.connectors.values():
                await connector.close()

    endpoint = GraphQLEndpoint(runtime)
    health = Health(runtime)
    record = RecordRoutes(runtime)
    app = Starlette(
        routes=[
            # The endpoint refuses all but GET and POST itself, in GraphQL's shape.
            Route(GRAPHQL_PATH, endpoint.handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
            Route("/healthz", health.alive),
            Route("/readyz", health.ready),
            *record.routes(),
            *AdminPolicyRoutes(runtime).routes(),
            *(GRAPHIQL_ASSETS.routes() if runtime.settings.dev_mode else []),  # the files of the endpoint's GraphiQL
        ],
        middleware=[*middleware(runtime.settings), _admission(runtime)],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app

