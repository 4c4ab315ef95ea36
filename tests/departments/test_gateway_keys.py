"""What a department may be given as the gateway's key: a PEM public key or a JSON Web Key Set of Ed25519 or P-256
public keys; anything else stops it from starting, naming the file and why."""
from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from connectors.signing_key import load_signing_key, new_private_key_pem
from departments.gateway_keys import BadGatewayKey, load_gateway_keys

GATEWAY = load_signing_key(new_private_key_pem(), Path("gateway"))


def _public_pem(key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _file(tmp_path: Path, content: bytes | dict) -> Path:
    path = tmp_path / "gateway-key"
    path.write_bytes(content if isinstance(content, bytes) else orjson.dumps(content))
    return path


@pytest.mark.parametrize(("content", "algorithm"), [(GATEWAY.public_pem(), "EdDSA"),
                                                    (_public_pem(ec.generate_private_key(ec.SECP256R1())), "ES256")])
def test_a_pem_public_key_is_the_one_key_whatever_the_token_names(tmp_path: Path, content: bytes,
                                                                   algorithm: str) -> None:
    keys = load_gateway_keys(_file(tmp_path, content))
    for named in (None, "anything", ["not", "a", "string"]):
        key = keys.key_for(named)
        assert key is not None and key.algorithm_name == algorithm


def test_a_key_set_gives_the_key_the_token_names_and_no_other(tmp_path: Path) -> None:
    keys = load_gateway_keys(_file(tmp_path, GATEWAY.jwks()))
    key = keys.key_for(GATEWAY.key_id)
    assert key is not None and key.algorithm_name == "EdDSA"
    assert keys.key_for("another") is None
    assert keys.key_for(None) is None
    assert keys.key_for(["unhashable"]) is None


JWK = GATEWAY.jwks()["keys"][0]


@pytest.mark.parametrize(("content", "complaint"), [
    (_public_pem(rsa.generate_private_key(65537, 2048)), "must be Ed25519 or EC P-256"),
    (new_private_key_pem(), "not a PEM public key"),
    (b"-----BEGIN PUBLIC KEY-----\nbroken\n-----END PUBLIC KEY-----\n", "not a PEM public key"),
    (b"a shared secret", "neither a PEM public key nor a JSON Web Key Set"),
    ({"keys": []}, 'a non-empty list "keys"'),
    ([JWK], 'a non-empty list "keys"'),
    ({"keys": [{**JWK, "kid": None}]}, r'keys\[0\]: a key must be an object with a "kid"'),
    ({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "shared"}]}, r"keys\[0\]: HS256 is not accepted"),
    ({"keys": [JWK, {**JWK, "kid": "private", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]},
     r"keys\[1\]: a private key"),
    ({"keys": [{**JWK, "crv": "X25519"}]}, r"keys\[0\]: "),
], ids=["rsa", "private-pem", "broken-pem", "secret", "no-keys", "not-a-set", "no-kid", "hmac", "private-jwk",
        "unknown-curve"])
def test_anything_else_is_refused_naming_the_file(tmp_path: Path, content: bytes | dict, complaint: str) -> None:
    path = _file(tmp_path, content)
    with pytest.raises(BadGatewayKey, match=rf"^{re.escape(str(path))}: .*{complaint}"):
        load_gateway_keys(path)
