"""The gateway's signing key: made once in the state directory, or the configured one; Ed25519 or P-256 only."""
from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from connectors.signing_key import BadSigningKey, load_signing_key, new_private_key_pem, signing_key
from settings import Settings


def _pem(key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def test_the_embedded_default_makes_one_key_in_the_state_directory_and_keeps_it(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    first, again = signing_key(settings), signing_key(settings)
    assert first.public_pem() == again.public_pem()
    assert (tmp_path / "department-signing-key").stat().st_mode & 0o777 == 0o600
    assert first.algorithm == "EdDSA"


def test_a_configured_key_is_used_and_nothing_is_made(tmp_path: Path) -> None:
    configured = tmp_path / "gateway.key"
    configured.write_bytes(_pem(ec.generate_private_key(ec.SECP256R1())))
    key = signing_key(Settings(state_dir=tmp_path / "state", department_signing_key=configured))
    assert key.algorithm == "ES256"
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize("pem", [_pem(rsa.generate_private_key(65537, 2048)),
                                 _pem(ec.generate_private_key(ec.SECP384R1())),
                                 b"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"],
                         ids=["rsa", "p-384", "garbage"])
def test_other_keys_are_refused_naming_the_file(pem: bytes) -> None:
    with pytest.raises(BadSigningKey, match=r"^where/it/is: "):
        load_signing_key(pem, Path("where/it/is"))


def test_the_key_id_is_the_rfc_7638_thumbprint() -> None:
    # RFC 8037 appendix A.1 and A.3: the Ed25519 key and its thumbprint.
    private = ed25519.Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
    key = load_signing_key(_pem(private), Path("rfc8037"))
    assert key.key_id == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    [jwk] = key.jwks()["keys"]
    assert jwk == {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                   "kid": key.key_id, "alg": "EdDSA", "use": "sig"}


def test_a_new_key_is_new_each_time() -> None:
    assert new_private_key_pem() != new_private_key_pem()
