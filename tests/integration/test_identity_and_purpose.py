"""Every data request names its caller (a signed token) and its purpose; nothing is read otherwise."""
from __future__ import annotations

import time
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway

QUERY = "{ person(idNumber: \"11010519491231002X\") { gender } }"


def _token(claims: dict, key: str | bytes = JWT_SECRET, algorithm: str = "HS256") -> str:
    base = {"sub": "case-system", "dept": "civil-affairs", "exp": int(time.time()) + 600}
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, key, algorithm=algorithm)


@pytest.mark.parametrize(("token", "words"), [
    ("", "missing Authorization"),
    ("not-a-jwt", "malformed"),
    (_token({}, key="another-secret-of-sufficient-length-000"), "signature"),
    (_token({"exp": int(time.time()) - 10}), "expired"),
    (_token({"exp": None}), "'exp'"),
    (_token({"dept": None}), "'dept'"),
    (_token({"dept": "tax-office"}), "not a known department"),
    (_token({}, algorithm="HS384"), "algorithm"),
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


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_public_key_tokens(sqlite_stores: Stores, tmp_path: Path, algorithm: str) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048) if algorithm == "RS256" \
        else ec.generate_private_key(ec.SECP256R1())
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "jwt.pub").write_bytes(public_pem)
    gateway = start_gateway(sqlite_stores, jwt_public_key=tmp_path / "jwt.pub")
    try:
        good = gateway.post(QUERY, token=_token({}, key=private, algorithm=algorithm))
        assert good.status_code == 200, good.text
        forged = gateway.post(QUERY, token=_token({}))
        assert forged.status_code == 401
    finally:
        gateway.stop()
