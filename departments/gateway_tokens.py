"""A department's check of the gateway's service token (README "Department authentication"): every call but the
open paths carries `Authorization: Bearer <JWT>` signed by a trusted gateway key, naming the gateway (`iss`) and
this department (`aud`), issued for at most `max_lifetime` seconds and not expired; anything else is 401, the same
answer whatever was wrong."""
from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

import jwt
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from departments.gateway_keys import GatewayKeys

log = logging.getLogger(__name__)

REQUIRED_CLAIMS = ["iss", "aud", "iat", "exp"]
MAX_LIFETIME_SECONDS = 300
LEEWAY_SECONDS = 30  # clock skew tolerated between the gateway's host and the department's


class Refused(Exception):
    """The call carries no credential this department accepts; the message is for the department's log only."""


class GatewayTokenVerifier:
    def __init__(self, keys: GatewayKeys, issuer: str, audience: str, max_lifetime: int = MAX_LIFETIME_SECONDS) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._max_lifetime = max_lifetime

    def verify(self, authorization: str | None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused("no bearer token")
        claims = self._decode(token.strip())
        lifetime = int(claims["exp"]) - int(claims["iat"])
        if lifetime > self._max_lifetime:
            raise Refused(f"a token issued for {lifetime} s, more than {self._max_lifetime} s")

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            key = self._keys.key_for(jwt.get_unverified_header(token).get("kid"))
            if key is None:
                raise Refused("a token signed by a key not trusted here")
            claims: dict[str, Any] = jwt.decode(
                token, key.key, algorithms=[key.algorithm_name], audience=self._audience, issuer=self._issuer,
                leeway=LEEWAY_SECONDS, options={"require": REQUIRED_CLAIMS, "strict_aud": True})
        except jwt.InvalidTokenError as exc:
            raise Refused(f"{type(exc).__name__}: {exc}") from None
        return claims


class RequireGatewayToken:
    """ASGI middleware: refuses with 401 every HTTP request to a path not in `open_paths` that `verifier` refuses."""

    def __init__(self, app: ASGIApp, verifier: GatewayTokenVerifier, open_paths: Collection[str]) -> None:
        self._app = app
        self._verifier = verifier
        self._open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in self._open_paths:
            try:
                self._verifier.verify(Headers(scope=scope).get("authorization"))
            except Refused as refused:
                log.info("refused %s %s: %s", scope["method"], scope["path"], refused)
                response = Response(b'{"error": "unauthorized"}', status_code=401, media_type="application/json",
                                    headers={"www-authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self._app(scope, receive, send)
