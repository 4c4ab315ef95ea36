"""The credential the gateway sends an HTTP department: a short-lived JWT it signs, for that department alone."""
from __future__ import annotations

import time
from collections.abc import Callable

import jwt

from connectors.signing_key import SigningKey

LIFETIME_SECONDS = 60


class ServiceTokens:
    """`Authorization` values for one department (`aud`); a token is reused until half its lifetime has passed, so
    each one a department receives has at least half of it left."""

    def __init__(self, key: SigningKey, issuer: str, audience: str, lifetime: int = LIFETIME_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self._issuer = issuer
        self.audience = audience
        self._lifetime = lifetime
        self._clock = clock
        self._authorization = ""
        self._renew_at = 0.0

    def authorization(self) -> str:
        now = int(self._clock())
        if now >= self._renew_at:
            claims = {"iss": self._issuer, "aud": self.audience, "iat": now, "exp": now + self._lifetime}
            token = jwt.encode(claims, self._key.private_key, algorithm=self._key.algorithm,
                               headers={"kid": self._key.key_id})
            self._authorization = f"Bearer {token}"
            self._renew_at = now + self._lifetime / 2
        return self._authorization
