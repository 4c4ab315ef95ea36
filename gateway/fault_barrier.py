"""Every HTTP request gets an id, sent back in X-Request-Id; a fault no inner layer handled (any route,
any middleware) is answered INTERNAL_SERVER_ERROR quoting that id, and its details go to the log under
the same id, never to the caller."""
from __future__ import annotations

import logging
import uuid

import orjson
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import internal_error
from gateway.media_types import JSON, content_type

log = logging.getLogger(__name__)

REQUEST_ID = "request_id"


def request_id_of(request: Request) -> str:
    request_id: str = request.state.request_id
    return request_id


class FaultBarrier:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})[REQUEST_ID] = request_id
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"x-request-id" for name, _ in headers):
                    message["headers"] = [*headers, (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception:
            log.exception("request %s failed", request_id)
            if started:  # too late to answer: the server closes the connection
                return
            body = orjson.dumps({"errors": [internal_error(request_id)], "extensions": {"requestId": request_id}})
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", content_type(JSON).encode()),
                                    (b"content-length", str(len(body)).encode()),
                                    (b"x-request-id", request_id.encode())]})
            await send({"type": "http.response.body", "body": body})
