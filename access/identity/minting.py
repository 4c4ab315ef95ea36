"""Tokens for development and tests, from the development issuer; production tokens come from the departments'
identity providers."""
from __future__ import annotations

import time

import jwt

from access.identity.issuers import DEVELOPMENT_ISSUER

DEFAULT_AUDIENCE = "huitong"


def mint_token(secret: str, system: str, department: str, roles: list[str] | None = None,
               ttl_seconds: int = 3600, audience: str = DEFAULT_AUDIENCE) -> str:
    """Every claim the server requires: iss, aud, sub, dept, iat, exp."""
    now = int(time.time())
    claims = {"iss": DEVELOPMENT_ISSUER, "aud": audience, "sub": system, "dept": department, "roles": roles or [],
              "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")
