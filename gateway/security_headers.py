"""Standard security headers on every response, whatever route or layer produced it.

Strict-Transport-Security goes only on answers to requests that came over HTTPS (directly, or through
a proxy uvicorn trusts with --proxy-headers): RFC 6797 §7.2 says a server must not send it over plain
HTTP, and browsers ignore it there. Sent on https://localhost it would pin HTTPS on every local port.
"""
from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
STRICT_TRANSPORT_SECURITY = "max-age=31536000"

ALWAYS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
UNLESS_SET = {  # a response may carry its own (GraphiQL's page has its own policy)
    "content-security-policy": API_CONTENT_SECURITY_POLICY,
    "cache-control": "no-store",
}


_ALWAYS = [(name.encode(), value.encode()) for name, value in ALWAYS.items()]
_UNLESS_SET = [(name.encode(), value.encode()) for name, value in UNLESS_SET.items()]
_HSTS = (b"strict-transport-security", STRICT_TRANSPORT_SECURITY.encode())


def with_security_headers(headers: list[tuple[bytes, bytes]], over_https: bool) -> list[tuple[bytes, bytes]]:
    """The raw ASGI response headers with ours set."""
    forced = {name for name, _ in _ALWAYS}
    kept = [(name, value) for name, value in headers if name.lower() not in forced]
    present = {name.lower() for name, _ in kept}
    kept += _ALWAYS
    kept += [header for header in _UNLESS_SET if header[0] not in present]
    if over_https:
        kept.append(_HSTS)
    return kept


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        over_https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", ())), over_https)
            await send(message)

        await self.app(scope, receive, send_with_headers)
