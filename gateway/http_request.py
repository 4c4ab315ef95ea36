"""A GraphQL request read from HTTP: POST with a JSON body, or GET with query parameters."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request

from gateway.errors import ErrorCode, RequestRefused

MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class GraphQLRequest:
    query: str
    variables: dict[str, Any]
    operation_name: str | None


def _bad(message: str, status: int = 400) -> RequestRefused:
    return RequestRefused.one(status, message, ErrorCode.BAD_REQUEST)


async def read_graphql_request(request: Request) -> GraphQLRequest:
    if request.method == "GET":
        params = request.query_params
        variables = params.get("variables")
        try:
            decoded = orjson.loads(variables) if variables else None
        except orjson.JSONDecodeError:
            raise _bad("the 'variables' parameter is not valid JSON") from None
        return _from_mapping({"query": params.get("query"), "variables": decoded,
                              "operationName": params.get("operationName")})
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise _bad("send the request as 'Content-Type: application/json'", 415)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise _bad(f"the request body is larger than {MAX_BODY_BYTES} bytes", 413)
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _bad("the request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise _bad("the request body must be a JSON object with a 'query'")
    return _from_mapping(payload)


def _from_mapping(payload: dict[str, Any]) -> GraphQLRequest:
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        raise _bad("the request has no 'query' string")
    variables = payload.get("variables") or {}
    if not isinstance(variables, dict):
        raise _bad("'variables' must be a JSON object")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise _bad("'operationName' must be a string")
    return GraphQLRequest(query, variables, operation_name)
