"""The token verifier the settings describe: a public key (RS256/ES256), or the development HS256 secret."""
from __future__ import annotations

from pathlib import Path

from access.identity.tokens import TokenVerifier
from settings import Settings, local_secret

JWT_SECRET_FILE = "jwt-secret"


def jwt_secret(settings: Settings) -> str:
    """HUITONG_JWT_SECRET, or the secret the embedded default made on first start."""
    return settings.jwt_secret or local_secret(settings.state_dir, JWT_SECRET_FILE)


def token_verifier(settings: Settings) -> TokenVerifier:
    if settings.jwt_public_key is not None:
        return TokenVerifier.with_public_key(Path(settings.jwt_public_key).read_bytes())
    return TokenVerifier.with_secret(jwt_secret(settings))
