"""The key the gateway signs its service tokens to HTTP departments with (README "Department authentication")."""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt import get_algorithm_by_name

from settings import Settings, create_once

SIGNING_KEY_FILE = "department-signing-key"
# RFC 7638: a key's thumbprint hashes these members of its JWK, those it has, in this order.
THUMBPRINT_MEMBERS = ("crv", "kty", "x", "y")

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


class BadSigningKey(ValueError):
    """The configured key is not a PEM private key of a kind the gateway signs with; the message says which."""


@dataclass(frozen=True)
class SigningKey:
    private_key: PrivateKey
    algorithm: str  # EdDSA for Ed25519, ES256 for P-256
    key_id: str  # the RFC 7638 thumbprint of the public key, sent as the token's `kid`

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo)

    def jwks(self) -> dict[str, Any]:
        """The public key as a JSON Web Key Set, for departments configured with one."""
        return {"keys": [{**_public_jwk(self.private_key, self.algorithm), "kid": self.key_id,
                          "alg": self.algorithm, "use": "sig"}]}


def new_private_key_pem() -> bytes:
    """A fresh Ed25519 private key, PKCS #8 PEM."""
    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def load_signing_key(pem: bytes, origin: Path) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise BadSigningKey(f"{origin}: not an unencrypted PEM private key ({exc})") from None
    if isinstance(key, ed25519.Ed25519PrivateKey):
        algorithm = "EdDSA"
    elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        algorithm = "ES256"
    else:
        raise BadSigningKey(f"{origin}: the key must be Ed25519 or EC P-256")
    return SigningKey(key, algorithm, _thumbprint(_public_jwk(key, algorithm)))


def signing_key(settings: Settings) -> SigningKey:
    """HUITONG_DEPARTMENT_SIGNING_KEY, or the key the embedded default made on first start in the state directory."""
    if settings.department_signing_key is not None:
        return load_signing_key(settings.department_signing_key.read_bytes(), settings.department_signing_key)
    path = settings.state_dir / SIGNING_KEY_FILE
    return load_signing_key(create_once(path, new_private_key_pem()), path)


def _public_jwk(key: PrivateKey, algorithm: str) -> dict[str, Any]:
    jwk: dict[str, Any] = get_algorithm_by_name(algorithm).to_jwk(key.public_key(), as_dict=True)
    return jwk


def _thumbprint(jwk: dict[str, Any]) -> str:
    members = {name: jwk[name] for name in THUMBPRINT_MEMBERS if name in jwk}
    digest = hashlib.sha256(orjson.dumps(members)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
