"""The token verifier the settings describe: the issuers file's issuers, or the development issuer (HS256 with
HUITONG_JWT_SECRET or the secret the embedded default made)."""
from __future__ import annotations

from collections.abc import Collection

from access.identity.issuers import development_issuer, load_issuers
from access.identity.tokens import TokenVerifier, Trust
from settings import Settings, local_secret

JWT_SECRET_FILE = "jwt-secret"


def jwt_secret(settings: Settings) -> str:
    """HUITONG_JWT_SECRET, or the secret the embedded default made on first start."""
    return settings.jwt_secret or local_secret(settings.state_dir, JWT_SECRET_FILE)


def token_verifier(settings: Settings, departments: Collection[str]) -> TokenVerifier:
    """Raises IssuersError when the issuers file is wrong."""
    if settings.issuers_file is not None:
        issuers = load_issuers(settings.issuers_file, departments)
    else:
        dev = development_issuer(jwt_secret(settings))
        issuers = {dev.name: dev}
    return TokenVerifier(Trust(issuers, settings.token_audience, settings.max_token_lifetime))
