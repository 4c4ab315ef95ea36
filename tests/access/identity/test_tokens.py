"""Token verification: issuers, audience, lifetime; a remembered token is still refused once it expires."""
from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from threading import Thread

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from access.identity.issuers import IssuersError, development_issuer, load_issuers
from access.identity.minting import mint_token
from access.identity.tokens import TokenVerifier, Trust, Unauthenticated

SECRET = "unit-test-secret-long-enough-for-hs256-0123456789abcdef"
DEPARTMENTS = {"civil-affairs", "market-regulation"}
DEV = development_issuer(SECRET)


def _verifier(max_lifetime: int = 8 * 3600) -> TokenVerifier:
    return TokenVerifier(Trust({DEV.name: DEV}, "huitong", max_lifetime))


def test_remembered_token_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = _verifier()
    token = mint_token(SECRET, "s", "civil-affairs", ["b", "a", "a"], ttl_seconds=60)
    caller = verifier.verify(f"Bearer {token}", DEPARTMENTS)
    assert caller.roles == () and caller.department == "civil-affairs"  # a token's roles count for nothing
    assert verifier.verify(f"bearer  {token} ", DEPARTMENTS) == caller
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(f"Bearer {token}", DEPARTMENTS)


def test_a_remembered_token_is_rechecked_against_the_departments() -> None:
    verifier = _verifier()
    token = mint_token(SECRET, "s", "civil-affairs", ttl_seconds=60)
    verifier.verify(f"Bearer {token}", DEPARTMENTS)
    with pytest.raises(Unauthenticated, match="not a known department"):
        verifier.verify(f"Bearer {token}", {"public-security"})


def test_the_lifetime_is_bounded_by_the_setting() -> None:
    token = mint_token(SECRET, "s", "civil-affairs", ttl_seconds=3600)
    assert _verifier(3600).verify(f"Bearer {token}", DEPARTMENTS).system == "s"
    with pytest.raises(Unauthenticated, match="lives longer than 3599 s"):
        _verifier(3599).verify(f"Bearer {token}", DEPARTMENTS)


def test_the_audience_is_this_gateways() -> None:
    token = mint_token(SECRET, "s", "civil-affairs", audience="another-gateway")
    with pytest.raises(Unauthenticated, match="not for this gateway"):
        _verifier().verify(f"Bearer {token}", DEPARTMENTS)


@pytest.mark.parametrize(("text", "words"), [
    ("issuers: []\n", "a list of issuers"),
    ("issuers:\n  - {iss: huitong-dev, jwks_file: k.json, departments: [civil-affairs]}\n", "development"),
    ("issuers:\n  - {iss: a, jwks_file: k.json}\n", "'departments' it may assert, or is 'citizens: true'"),
    ("issuers:\n  - {iss: a, jwks_file: k.json, departments: [tax-office]}\n", "codes from departments.csv"),
    ("issuers:\n  - {iss: a, jwks_url: 'http://idp.example/jwks', departments: [civil-affairs]}\n", "https://"),
    ("issuers:\n  - {iss: a, jwks_file: k.json, departments: [civil-affairs], algorithms: [HS256]}\n",
     "public-key"),
    ("issuers:\n  - {iss: a, jwks_file: missing.json, departments: [civil-affairs]}\n", "not a readable JWKS"),
    ("issuers:\n  - {iss: a, jwks_file: empty.json, departments: [civil-affairs]}\n", "not a readable JWKS"),
    ("issuers:\n  - {iss: a, jwks_file: k.json, departments: [civil-affairs], colour: red}\n", "unknown attribute"),
    ("issuers:\n  - {iss: a, jwks_file: k.json, departments: [civil-affairs]}\n"
     "  - {iss: a, jwks_file: k.json, departments: [civil-affairs]}\n", "already listed"),
])
def test_a_wrong_issuers_file_is_refused_naming_the_entry(tmp_path: Path, text: str, words: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    (tmp_path / "k.json").write_text(json.dumps({"keys": [{**json.loads(ECAlgorithm.to_jwk(key)), "kid": "k1"}]}))
    (tmp_path / "issuers.yaml").write_text(text)
    (tmp_path / "empty.json").write_text('{"keys": []}')
    with pytest.raises(IssuersError, match=r"issuers\.yaml") as refused:
        load_issuers(tmp_path / "issuers.yaml", DEPARTMENTS)
    assert words in str(refused.value)


def test_keys_by_kid_from_a_jwks_url(tmp_path: Path) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    jwks = json.dumps({"keys": [{**json.loads(ECAlgorithm.to_jwk(private.public_key())), "kid": "k1"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(jwks)

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        (tmp_path / "issuers.yaml").write_text(
            f"issuers:\n  - {{iss: idp, jwks_url: 'http://127.0.0.1:{server.server_port}/jwks', "
            "departments: [civil-affairs]}\n")
        verifier = TokenVerifier(Trust(load_issuers(tmp_path / "issuers.yaml", DEPARTMENTS), "huitong", 3600))
        now = int(time.time())
        claims = {"iss": "idp", "aud": "huitong", "sub": "s", "dept": "civil-affairs", "iat": now, "exp": now + 600}
        good = jwt.encode(claims, private, algorithm="ES256", headers={"kid": "k1"})
        assert verifier.verify(f"Bearer {good}", DEPARTMENTS).department == "civil-affairs"
        unknown = jwt.encode(claims, private, algorithm="ES256", headers={"kid": "k2"})
        with pytest.raises(Unauthenticated, match="no key of the issuer"):
            verifier.verify(f"Bearer {unknown}", DEPARTMENTS)
    finally:
        server.shutdown()


@pytest.mark.parametrize("system", ["case\nsystem", "case\x00system", "case system", "系统", "a" * 129, "",
                                    "case\x1b[31msystem", "case;system"])
def test_a_sub_outside_the_safe_characters_is_refused(system: str) -> None:
    token = mint_token(SECRET, system, "civil-affairs")
    with pytest.raises(Unauthenticated, match="'sub'"):
        _verifier().verify(f"Bearer {token}", DEPARTMENTS)


@pytest.mark.parametrize("system", ["case-system", "a", "a" * 128, "urn:gov:case.system_2", "ops@civil/registry"])
def test_a_sub_of_safe_characters_is_admitted(system: str) -> None:
    token = mint_token(SECRET, system, "civil-affairs")
    assert _verifier().verify(f"Bearer {token}", DEPARTMENTS).system == system
