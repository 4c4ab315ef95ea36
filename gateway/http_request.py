"""GraphQL-over-HTTP requests read from HTTP: POST with a JSON body (an array of them when batching
is on), or GET with query parameters. What cannot be read is refused with a 4xx, never a 500."""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

import orjson
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import ClientDisconnect, Request

from gateway.errors import ErrorCode, RequestRefused, error
from gateway.media_types import is_utf8

UTF8_SLICE = 65_536


@dataclass(frozen=True)
class GraphQLRequest:
    query: str
    variables: dict[str, Any]
    operation_name: str | None


@dataclass
class Submitted:
    """One GraphQL-over-HTTP request as read, or why it could not be read. `on_content` turns true
    once its content is taken up: a refusal from then on concerns what it asks, not how it was sent."""
    read: GraphQLRequest | RequestRefused
    on_content: bool = False

    def graphql_request(self) -> GraphQLRequest:
        if isinstance(self.read, RequestRefused):
            raise self.read.anew()
        self.on_content = True
        return self.read


@dataclass(frozen=True)
class ReadingRules:
    max_body_bytes: int
    allow_batching: bool
    max_batch_operations: int
    max_document_chars: int  # these two bound the parse that finds a GET request's operation type
    max_tokens: int


def _bad(message: str, status: int = 400) -> RequestRefused:
    return RequestRefused.one(status, message, ErrorCode.BAD_REQUEST)


async def read_submitted(request: Request, rules: ReadingRules) -> Submitted | list[Submitted]:
    """The request (or, batching on, the requests) in the HTTP request; RequestRefused if it cannot be read."""
    if request.method == "GET":
        return Submitted(_from_query_string(request, rules))
    _require_json_content_type(request.headers.get("content-type"))
    payload = _json(await _capped_body(request, rules.max_body_bytes))
    if isinstance(payload, dict):
        return Submitted(_from_mapping(payload))
    if isinstance(payload, list) and rules.allow_batching:
        return _batch(payload, rules.max_batch_operations)
    raise _bad("the request body must be a JSON object with a 'query'"
               + ("" if rules.allow_batching else " (batching is not enabled)"))


def _require_json_content_type(value: str | None) -> None:
    header = Message()
    header["content-type"] = value or ""
    charset = header.get_content_charset()
    if header.get_content_type() != "application/json" or not is_utf8(charset):
        raise _bad("send the request as 'Content-Type: application/json' (UTF-8)", 415)


async def _capped_body(request: Request, max_bytes: int) -> bytearray:
    """The body, refused with 413 as soon as it grows past the cap, whatever Content-Length said."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                raise _too_large(max_bytes)
    except ClientDisconnect:
        raise _bad("the request body ended before it was complete") from None
    return body


def _too_large(max_bytes: int) -> RequestRefused:
    return _bad(f"the request body is larger than {max_bytes} bytes", 413)


def _json(body: bytearray) -> Any:
    """The body parsed as it is (orjson reads UTF-8 bytes): no copy of it is made, as text or otherwise."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _bad(f"the request body is not {'valid JSON' if _is_utf8(body) else 'valid UTF-8'}") from None


def _is_utf8(body: bytearray) -> bool:
    """Whether the body is UTF-8, decoded a slice at a time so that a large one is never copied whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(body)
    try:
        for start in range(0, len(view), UTF8_SLICE):
            decoder.decode(view[start:start + UTF8_SLICE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _batch(payload: list[Any], max_operations: int) -> list[Submitted]:
    if not payload or not all(isinstance(item, dict) for item in payload):
        raise _bad("a batch must be a non-empty JSON array of request objects")
    if len(payload) > max_operations:
        raise _bad(f"a batch holds at most {max_operations} requests, not {len(payload)}")
    submitted = []
    for item in payload:
        try:
            submitted.append(Submitted(_from_mapping(item)))
        except RequestRefused as refused:
            submitted.append(Submitted(refused))
    return submitted


def _from_query_string(request: Request, rules: ReadingRules) -> GraphQLRequest:
    try:
        params = dict(parse_qsl(request.scope["query_string"].decode("latin-1"), keep_blank_values=True,
                                encoding="utf-8", errors="strict"))
    except UnicodeDecodeError:
        raise _bad("the query string is not valid UTF-8") from None
    decoded: dict[str, Any] = {"query": params.get("query"), "operationName": params.get("operationName")}
    for name in ("variables", "extensions"):
        if params.get(name):
            try:
                decoded[name] = orjson.loads(params[name])
            except orjson.JSONDecodeError:
                raise _bad(f"the '{name}' parameter is not valid JSON") from None
    gql = _from_mapping(decoded)
    _refuse_mutation(gql, rules)
    return gql


def _refuse_mutation(gql: GraphQLRequest, rules: ReadingRules) -> None:
    """GET is safe: a mutation sent with it is refused with 405 before anything runs."""
    try:
        document = parse(gql.query, no_location=True, max_source_length=rules.max_document_chars,
                         max_tokens=rules.max_tokens)
    except GraphQLError:
        return  # the document cache refuses it with the reason
    operation = get_operation_ast(document, gql.operation_name)
    if operation is not None and operation.operation is OperationType.MUTATION:
        raise RequestRefused(405, [error("a mutation cannot be sent with GET; use POST", ErrorCode.BAD_REQUEST)],
                             {"allow": "POST"})


def _from_mapping(payload: dict[str, Any]) -> GraphQLRequest:
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        raise _bad("the request has no 'query' string")
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise _bad("'variables' must be a JSON object")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise _bad("'operationName' must be a string")
    extensions = payload.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise _bad("'extensions' must be a JSON object")
    return GraphQLRequest(query, variables or {}, operation_name or None)
