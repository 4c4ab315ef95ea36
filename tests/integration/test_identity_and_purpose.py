"""Every data request names its caller (a signed token) and its purpose; nothing is read otherwise."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from access.identity.issuers import DEVELOPMENT_ISSUER
from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway

QUERY = "{ person(idNumber: \"11010519491231002X\") { gender } }"


def _token(claims: dict, key: Any = JWT_SECRET, algorithm: str = "HS256", kid: str | None = None) -> str:
    now = int(time.time())
    base = {"iss": DEVELOPMENT_ISSUER, "aud": "huitong", "sub": "case-system", "dept": "civil-affairs", "iat": now,
            "exp": now + 600}
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, key, algorithm=algorithm,
                      headers={"kid": kid} if kid else None)


@pytest.mark.parametrize(("token", "words"), [
    ("", "missing Authorization"),
    ("not-a-jwt", "malformed"),
    (_token({}, key="another-secret-of-sufficient-length-000"), "signature"),
    (_token({"exp": int(time.time()) - 120}), "expired"),  # past the 30 s allowed for clock skew
    (_token({"exp": None}), "'exp'"),
    (_token({"dept": None}), "'dept'"),
    (_token({"dept": "tax-office"}), "not a known department"),
    (_token({}, algorithm="HS384"), "algorithm"),
    (_token({"iss": None}), "'iss'"),
    (_token({"iss": "https://idp.elsewhere.example"}), "not trusted"),
    (_token({"aud": None}), "'aud'"),
    (_token({"aud": "another-gateway"}), "not for this gateway"),
    (_token({"iat": None}), "'iat'"),
    (_token({"exp": int(time.time()) + 100 * 365 * 86400}), "lives longer"),
])
def test_requests_without_a_valid_identity_get_401(counted: Gateway, token: str, words: str) -> None:
    response = counted.post(QUERY, token=token)
    assert response.status_code == 401
    [problem] = response.json()["errors"]
    assert problem["extensions"]["code"] == "UNAUTHENTICATED"
    assert words in problem["message"]
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


def test_bearer_scheme_is_required(counted: Gateway) -> None:
    response = counted.post(QUERY, token="", headers={"authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_missing_purpose_is_400_purpose_required(counted: Gateway) -> None:
    response = counted.post(QUERY, purpose=None)
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["extensions"]["code"] == "PURPOSE_REQUIRED"
    assert "social-assistance-review" in problem["extensions"]["purposes"]
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


def test_unknown_purpose_is_400_unknown_purpose(counted: Gateway) -> None:
    response = counted.post(QUERY, purpose="curiosity")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "UNKNOWN_PURPOSE"


@pytest.mark.parametrize("reference", ["x" * 65, "case\tref", "case 42", "11010519491231002X",
                                       "case-13812345678"])
def test_bad_purpose_reference_is_refused(counted: Gateway, reference: str) -> None:
    response = counted.post(QUERY, headers={"x-purpose-ref": reference})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_PURPOSE_REF"
    assert reference not in response.text
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


@pytest.mark.parametrize("header", ["x-purpose", "x-purpose-ref", "x-access-mode"])
def test_a_purpose_header_given_twice_is_refused_not_read_first_wins(counted: Gateway, header: str) -> None:
    values = {"x-purpose": ["social-assistance-review", "identity-verification"],
              "x-purpose-ref": ["MZ-2026-31", "MZ-2026-32"], "x-access-mode": ["lenient", "strict"]}[header]
    token = _token({})
    sent = [("authorization", f"Bearer {token}"), ("content-type", "application/json"),
            *((header, value) for value in values)]
    if header != "x-purpose":
        sent.append(("x-purpose", "social-assistance-review"))
    response = httpx.post(counted.url + "/graphql", json={"query": QUERY}, headers=sent, timeout=30)
    assert response.status_code == 400, response.text
    [problem] = response.json()["errors"]
    assert problem["extensions"]["code"] == "BAD_REQUEST" and "carries 2" in problem["message"]
    assert counted.counts() == {"population": 0, "entity": 0, "licence": 0}


def test_purpose_and_reference_are_carried_into_the_answer(gateway: Gateway) -> None:
    response = gateway.post(QUERY, headers={"x-purpose-ref": "MJ-2026-0042"})
    access = response.json()["extensions"]["access"]
    assert access["purpose"] == "social-assistance-review" and access["purposeRef"] == "MJ-2026-0042"


def test_a_hundred_year_token_is_refused_and_the_same_for_an_hour_served(counted: Gateway) -> None:
    now = int(time.time())
    century = counted.post(QUERY, token=_token({"iat": now, "exp": now + 100 * 365 * 86400}))
    assert century.status_code == 401 and "lives longer" in century.text
    assert counted.post(QUERY, token=_token({"iat": now, "exp": now + 3600})).status_code == 200


def _jwks(*keys: tuple[str, Any]) -> dict:
    return {"keys": [{**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(k.public_key())
                                   if isinstance(k, rsa.RSAPrivateKey) else
                                   jwt.algorithms.ECAlgorithm.to_jwk(k.public_key())), "kid": kid}
                     for kid, k in keys]}


@pytest.fixture(scope="module")
def federated(sqlite_stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, dict]]:
    """Two departments' identity providers, each with its own keys by kid, each asserting only its department;
    and a citizens' issuer. The development issuer is not trusted here."""
    directory = tmp_path_factory.mktemp("issuers")
    keys = {"civil-rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "civil-ec": ec.generate_private_key(ec.SECP256R1()),
            "market-ec": ec.generate_private_key(ec.SECP256R1())}
    (directory / "civil.json").write_text(json.dumps(_jwks(("civil-rsa", keys["civil-rsa"]),
                                                            ("civil-ec", keys["civil-ec"]))))
    (directory / "market.json").write_text(json.dumps(_jwks(("market-ec", keys["market-ec"]))))
    (directory / "issuers.yaml").write_text(
        "issuers:\n"
        "  - {iss: 'https://idp.civil-affairs.example', jwks_file: civil.json, departments: [civil-affairs]}\n"
        "  - {iss: 'https://idp.market.example', jwks_file: market.json, departments: [market-regulation]}\n"
        "  - {iss: 'https://id.citizens.example', jwks_file: market.json, citizens: true}\n")
    started = start_gateway(sqlite_stores, issuers_file=directory / "issuers.yaml")
    yield started, keys
    started.stop()


CIVIL = "https://idp.civil-affairs.example"


@pytest.mark.parametrize(("kid", "algorithm"), [("civil-rsa", "RS256"), ("civil-ec", "ES256")])
def test_an_issuers_key_by_kid_verifies_its_departments_tokens(federated, kid: str, algorithm: str) -> None:
    gateway, keys = federated
    response = gateway.post(QUERY, token=_token({"iss": CIVIL}, keys[kid], algorithm, kid))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("claims", "kid", "words"), [
    ({"iss": CIVIL, "dept": "market-regulation"}, "civil-ec", "may not assert the department 'market-regulation'"),
    ({"iss": CIVIL}, "market-ec", "no key 'market-ec'"),  # another issuer's key, named by kid
    ({"iss": "https://idp.market.example"}, "market-ec", "may not assert the department 'civil-affairs'"),
    ({"iss": "https://id.citizens.example"}, "market-ec", "citizen's token"),
    ({}, None, "not trusted"),  # the development issuer, not configured here
], ids=["other-department", "other-issuers-key", "market-for-civil", "citizen", "development"])
def test_an_issuer_says_only_what_its_keys_let_it_say(federated, claims: dict, kid: str | None, words: str) -> None:
    gateway, keys = federated
    key = keys[kid] if kid else JWT_SECRET
    token = _token(claims, key, "ES256" if kid else "HS256", kid)
    response = gateway.post(QUERY, token=token)
    assert response.status_code == 401 and words in response.json()["errors"][0]["message"], response.text


def test_a_token_signed_with_the_shared_secret_cannot_pose_as_an_issuer(federated) -> None:
    gateway, _ = federated
    forged = _token({"iss": CIVIL}, JWT_SECRET, "HS256", "civil-rsa")  # HS256 with a public key: refused
    assert gateway.post(QUERY, token=forged).status_code == 401
