"""The gateway's public keys a department trusts: one PEM public key, or a JSON Web Key Set whose keys are chosen by
the token's `kid` (README "Department authentication")."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt import PyJWK, PyJWTError, get_algorithm_by_name

ALGORITHMS = frozenset({"EdDSA", "ES256"})


class BadGatewayKey(ValueError):
    """The file holds no key a department may trust; the message names the file and says why."""


@dataclass(frozen=True)
class GatewayKeys:
    by_id: dict[str, PyJWK]
    only: PyJWK | None = None  # a PEM file's one key, whatever the token's kid

    def key_for(self, key_id: object) -> PyJWK | None:
        """The key a token whose header names `key_id` (any JSON value, or None) must verify with."""
        if self.only is not None:
            return self.only
        return self.by_id.get(key_id) if isinstance(key_id, str) else None


def load_gateway_keys(path: Path) -> GatewayKeys:
    content = path.read_bytes()
    if content.lstrip().startswith(b"-----BEGIN"):
        return GatewayKeys({}, _from_pem(content, path))
    try:
        document = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise BadGatewayKey(f"{path}: neither a PEM public key nor a JSON Web Key Set") from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not keys:
        raise BadGatewayKey(f'{path}: a JSON Web Key Set holds a non-empty list "keys"')
    by_id = dict(_from_jwk(jwk, path, index) for index, jwk in enumerate(keys))
    return GatewayKeys(by_id)


def _from_pem(pem: bytes, path: Path) -> PyJWK:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise BadGatewayKey(f"{path}: not a PEM public key ({exc})") from None
    if isinstance(key, ed25519.Ed25519PublicKey):
        algorithm = "EdDSA"
    elif isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        algorithm = "ES256"
    else:
        raise BadGatewayKey(f"{path}: the key must be Ed25519 or EC P-256")
    return PyJWK(get_algorithm_by_name(algorithm).to_jwk(key, as_dict=True), algorithm)


def _from_jwk(jwk: Any, path: Path, index: int) -> tuple[str, PyJWK]:
    where = f"{path}: keys[{index}]"
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
        raise BadGatewayKey(f'{where}: a key must be an object with a "kid"')
    if "d" in jwk:
        raise BadGatewayKey(f"{where}: a private key; give the department the public key only")
    try:
        key = PyJWK(jwk)
    except PyJWTError as exc:
        raise BadGatewayKey(f"{where}: {exc}") from None
    if key.algorithm_name not in ALGORITHMS:
        raise BadGatewayKey(f"{where}: {key.algorithm_name} is not accepted, only {', '.join(sorted(ALGORITHMS))}")
    return jwk["kid"], key
