"""The licence department's HTTP service over its own store.

POST /v1/licences/query  {"by": "licenceId" | "holderCode", "keys": [...], "limit": n} -> {"items": [row, ...]}
                         (at most n rows when a limit is given); only with the gateway's service token, else 401
GET  /healthz            -> {"status": "ok"} (200) or {"status": "unavailable"} (503); open, it serves no data
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from departments.database import create_engine
from departments.gateway_tokens import GatewayTokenVerifier, RequireGatewayToken
from departments.licence.query import BadQuery, parse_batch_query


class JSONResponse(Response):
    """Serialised with orjson; dates become ISO strings."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


async def query_licences(request: Request) -> Response:
    request.app.state.query_requests += 1
    try:
        query = parse_batch_query(await request.body())
    except BadQuery as error:
        return JSONResponse({"error": str(error)}, status_code=400)
    if not query.keys:
        return JSONResponse({"items": []})
    async with request.app.state.engine.connect() as connection:
        result = await connection.execute(query.statement, query.parameters)
        # Column keys are a str subclass (quoted_name), which orjson does not serialise as keys.
        items = [{str(column): value for column, value in row.items()} for row in result.mappings()]
    return JSONResponse({"items": items})


async def healthz(request: Request) -> Response:
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def internal_error(request: Request, error: Exception) -> Response:
    return JSONResponse({"error": "internal error"}, status_code=500)


HEALTH_PATH = "/healthz"


def create_app(database_url: str, gateway: GatewayTokenVerifier) -> Starlette:
    """The service, answering only calls `gateway` accepts; `app.state.query_requests` counts calls of the query
    endpoint that it let through."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.engine = create_engine(database_url)
        try:
            yield
        finally:
            await app.state.engine.dispose()

    app = Starlette(
        routes=[
            Route("/v1/licences/query", query_licences, methods=["POST"]),
            Route(HEALTH_PATH, healthz, methods=["GET"]),
        ],
        middleware=[Middleware(RequireGatewayToken, verifier=gateway, open_paths=[HEALTH_PATH])],
        exception_handlers={Exception: internal_error},
        lifespan=lifespan,
    )
    app.state.query_requests = 0
    return app
