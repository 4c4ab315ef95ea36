"""Who is calling: a signed JWT (HS256 with a shared secret, or RS256/ES256 with a public key)."""
from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import jwt
from cachetools import LRUCache

ASYMMETRIC_ALGORITHMS = ["RS256", "ES256"]
REQUIRED_CLAIMS = ["exp", "sub", "dept"]
MAX_SYSTEM_NAME = 128


@dataclass(frozen=True)
class Caller:
    system: str
    department: str
    roles: tuple[str, ...] = ()  # given by the role assignment (gateway.admission); a token's claim is ignored


class Unauthenticated(Exception):
    """The request carries no valid identity; the message is safe to show the caller."""


class TokenVerifier:
    """Verifies tokens, remembering the claims of recently verified ones (expiry is checked each time)."""

    def __init__(self, key: str | bytes, algorithms: list[str], capacity: int = 4096) -> None:
        self._key = key
        self._algorithms = algorithms
        self._verified: LRUCache[str, dict[str, Any]] = LRUCache(capacity)

    @classmethod
    def with_secret(cls, secret: str) -> TokenVerifier:
        return cls(secret, ["HS256"])

    @classmethod
    def with_public_key(cls, pem: bytes) -> TokenVerifier:
        return cls(pem, ASYMMETRIC_ALGORITHMS)

    def verify(self, authorization: str | None, departments: Collection[str]) -> Caller:
        if not authorization:
            raise Unauthenticated("missing Authorization header; send 'Authorization: Bearer <token>'")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verified[token] = self._decode(token)
        elif claims["exp"] <= time.time():
            del self._verified[token]
            raise Unauthenticated("the token has expired")
        return _caller_from(claims, departments)

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            return jwt.decode(token, self._key, algorithms=self._algorithms, options={"require": REQUIRED_CLAIMS})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthenticated(f"the token lacks the {exc.claim!r} claim") from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("the token's signature does not verify") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("the token is malformed or uses an algorithm not accepted here") from None


def _caller_from(claims: dict[str, Any], departments: Collection[str]) -> Caller:
    system, department = claims["sub"], claims["dept"]
    if not isinstance(system, str) or not 0 < len(system) <= MAX_SYSTEM_NAME:
        raise Unauthenticated(f"the token's 'sub' claim must name the calling system in 1 to {MAX_SYSTEM_NAME} "
                              "characters")
    if department not in departments:
        raise Unauthenticated(f"the token's department {department!r} is not a known department")
    return Caller(system=system, department=department)
