"""Tokens for development and tests; production tokens come from the departments' identity provider."""
from __future__ import annotations

import time

import jwt


def mint_token(secret: str, system: str, department: str, roles: list[str] | None = None,
               ttl_seconds: int = 3600) -> str:
    now = int(time.time())
    claims = {"sub": system, "dept": department, "roles": roles or [], "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")
