"""In benchmark mode (governance or the access record off) only connections made to a loopback address are answered:
`huitong serve` refuses to bind anywhere else, and this holds however else the server was started."""
from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.errors import ErrorCode, error
from settings import loopback

REFUSAL = "this server runs in benchmark mode and answers loopback connections only"


class LoopbackOnly:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = scope.get("server")
        if scope["type"] == "http" and not (server and loopback(server[0])):
            await JSONResponse({"errors": [error(REFUSAL, ErrorCode.FORBIDDEN)]}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)
