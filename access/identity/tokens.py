"""Who is calling: a JWT signed by a trusted issuer (access.identity.issuers) for a department it may assert, for
this audience, living no longer than the configured maximum."""
from __future__ import annotations

import re
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cachetools import LRUCache

from access.identity.issuers import Issuer, NoKey

REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
MAX_SYSTEM_NAME = 128
# A system's name reaches logs, the access record, rate-limit keys and the officers' commands: no control characters,
# no spaces, nothing a terminal or a log reader would interpret.
SYSTEM_NAME = re.compile(rf"[A-Za-z0-9._:@/-]{{1,{MAX_SYSTEM_NAME}}}")
LEEWAY_SECONDS = 30  # clock skew between an issuer and the gateway


@dataclass(frozen=True)
class Caller:
    system: str
    department: str
    roles: tuple[str, ...] = ()  # given by the role assignment (gateway.admission); a token's claim is ignored


class Unauthenticated(Exception):
    """The request carries no valid identity; the message is safe to show the caller."""


@dataclass(frozen=True)
class Trust:
    issuers: Mapping[str, Issuer]
    audience: str  # the `aud` a token for this gateway carries
    max_lifetime: int  # seconds from `iat` to `exp` at most


class TokenVerifier:
    """Verifies tokens, remembering the claims of recently verified ones (expiry is checked each time)."""

    def __init__(self, trust: Trust, capacity: int = 4096) -> None:
        self._trust = trust
        self._verified: LRUCache[str, dict[str, Any]] = LRUCache(capacity)

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
        return _caller_from(claims, self._trust.issuers[claims["iss"]], departments)

    def _decode(self, token: str) -> dict[str, Any]:
        issuer = self._issuer_of(token)
        try:
            key = issuer.keys.key_for(token)
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=list(issuer.algorithms), audience=self._trust.audience, issuer=issuer.name,
                leeway=LEEWAY_SECONDS, options={"require": REQUIRED_CLAIMS})
        except NoKey as exc:
            raise Unauthenticated(str(exc)) from None
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthenticated(f"the token lacks the {exc.claim!r} claim") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated(f"the token is not for this gateway (its 'aud' must be {self._trust.audience!r})") \
                from None
        except jwt.ImmatureSignatureError:
            raise Unauthenticated("the token is not valid yet (its 'iat' or 'nbf' is in the future)") from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("the token's signature does not verify") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("the token is malformed or uses an algorithm not accepted here") from None
        lifetime = claims["exp"] - claims["iat"]
        if not isinstance(lifetime, int | float) or lifetime > self._trust.max_lifetime:
            raise Unauthenticated(f"the token lives longer than {self._trust.max_lifetime} s from 'iat' to 'exp'; "
                                  "ask its issuer for a shorter one")
        return claims

    def _issuer_of(self, token: str) -> Issuer:
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            raise Unauthenticated("the token is malformed") from None
        name = unverified.get("iss")
        if not isinstance(name, str):
            raise Unauthenticated("the token lacks the 'iss' claim")
        issuer = self._trust.issuers.get(name)
        if issuer is None:
            raise Unauthenticated(f"the token's issuer {name[:80]!r} is not trusted here")
        return issuer


def _caller_from(claims: dict[str, Any], issuer: Issuer, departments: Collection[str]) -> Caller:
    system, department = claims["sub"], claims.get("dept")
    if not isinstance(system, str) or not SYSTEM_NAME.fullmatch(system):
        raise Unauthenticated(f"the token's 'sub' claim must name the calling system in 1 to {MAX_SYSTEM_NAME} "
                              "letters, digits and . _ : @ / -")
    if issuer.citizens:
        raise Unauthenticated("a citizen's token does not call the departments' API")
    if not isinstance(department, str):
        raise Unauthenticated("the token lacks the 'dept' claim")
    if department not in departments:
        raise Unauthenticated(f"the token's department {department!r} is not a known department")
    if not issuer.may_assert(department):
        raise Unauthenticated(f"the issuer {issuer.name!r} may not assert the department {department!r}")
    return Caller(system=system, department=department)
