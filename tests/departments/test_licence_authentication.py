"""The licence service answers the gateway alone (README "Department authentication"): over real HTTP and HTTPS,
every call without a token the gateway signed for this service, fresh and short-lived, is refused with 401, the
same answer whatever was wrong, and no data."""

import asyncio
import base64
import hashlib
import hmac
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import orjson
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.applications import Starlette

from benchmarks.asgi_server import ThreadedServer
from connectors.signing_key import SigningKey, load_signing_key, new_private_key_pem
from departments.gateway_keys import load_gateway_keys
from departments.gateway_tokens import GatewayTokenVerifier
from departments.licence.service import create_app
from departments.loading import load_department
from tests.support.certificates import self_signed
from tests.support.department_keys import GatewayAuth, suite_keys

QUERY = "/v1/licences/query"
REFUSAL = {"error": "unauthorized"}


@pytest.fixture(scope="module")
def store_url(small_dataset, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('licence') / 'licence.db'}"
    asyncio.run(load_department(url, "licence", small_dataset.licences))
    return url


@pytest.fixture(scope="module")
def body(small_dataset) -> dict[str, Any]:
    """A query with an answer: every licence of a holder."""
    return {"by": "holderCode", "keys": [small_dataset.licences[0]["czztdm"]]}


@pytest.fixture(scope="module")
def service(store_url: str) -> Iterator[tuple[str, Starlette]]:
    app = create_app(store_url, suite_keys().verifier())
    server = ThreadedServer(app).start()
    yield server.url, app
    server.stop()


def gateway_key() -> SigningKey:
    private = suite_keys().private
    return load_signing_key(private.read_bytes(), private)


def signed(key: SigningKey | None = None, *, kid: str | None = None, **changes: Any) -> str:
    """A token as the gateway makes one, signed by `key` (the gateway's), with `changes` to its claims."""
    key = key or gateway_key()
    now = int(time.time())
    claims = {"iss": "huitong", "aud": "licence", "iat": now, "exp": now + 60, **changes}
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key.private_key, algorithm=key.algorithm,
                      headers={"kid": kid or key.key_id})


def ask(url: str, body: dict[str, Any], authorization: str | None, **client: Any) -> httpx.Response:
    headers = {"authorization": authorization} if authorization is not None else {}
    with httpx.Client(base_url=url, timeout=10, **client) as session:
        return session.post(QUERY, json=body, headers=headers)


def assert_served(response: httpx.Response) -> None:
    assert response.status_code == 200 and response.json()["items"]


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.json() == REFUSAL
    assert response.headers["www-authenticate"] == "Bearer"


def hmac_signed_with_the_public_key() -> str:
    """The algorithm-confusion forgery: HS256 keyed with the gateway's public key, which anyone may hold."""
    def part(value: dict) -> bytes:
        return base64.urlsafe_b64encode(orjson.dumps(value)).rstrip(b"=")

    now = int(time.time())
    signing_input = part({"alg": "HS256", "typ": "JWT", "kid": gateway_key().key_id}) + b"." + \
        part({"iss": "huitong", "aud": "licence", "iat": now, "exp": now + 60})
    mac = hmac.new(suite_keys().public.read_bytes(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()


def test_the_gateways_calls_are_served(service, body) -> None:
    url, _ = service
    with httpx.Client(base_url=url, timeout=10, auth=GatewayAuth(suite_keys().tokens())) as session:
        assert_served(session.post(QUERY, json=body))


def test_attack_a_call_without_a_token_is_refused_before_the_store_is_asked(service, body) -> None:
    url, app = service
    before = app.state.query_requests

    assert_refused(ask(url, body, None))
    assert app.state.query_requests == before


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer not-a-jwt", "Basic aHVpdG9uZzpodWl0b25n",
                                           "bearer eyJhbGciOiJub25lIn0.e30."])
def test_attack_a_malformed_credential_is_refused(service, body, authorization: str) -> None:
    assert_refused(ask(service[0], body, authorization))


def test_attack_a_token_signed_by_another_key_is_refused_even_naming_the_gateways_key(service, body) -> None:
    other = load_signing_key(new_private_key_pem(), Path("other"))
    assert_refused(ask(service[0], body, f"Bearer {signed(other)}"))
    assert_refused(ask(service[0], body, f"Bearer {signed(other, kid=gateway_key().key_id)}"))


def test_attack_the_public_key_used_as_an_hmac_secret_is_refused(service, body) -> None:
    assert_refused(ask(service[0], body, f"Bearer {hmac_signed_with_the_public_key()}"))


@pytest.mark.parametrize("changes", [
    {"aud": "population"},  # made for another department
    {"aud": ["licence", "population"]},  # for several at once
    {"aud": None},
    {"iss": "another-gateway"},
    {"iss": None},
    {"iat": int(time.time()) - 200, "exp": int(time.time()) - 100},  # expired, beyond the clock skew allowed
    {"exp": None},
    {"iat": None},
    {"exp": int(time.time()) + 3600},  # issued for an hour: more than the 300 s a token may live
    {"iat": int(time.time()) - 3000, "exp": int(time.time()) + 30},  # the same, mostly spent
    {"iat": int(time.time()) + 600, "exp": int(time.time()) + 660},  # issued in the future
], ids=["other-audience", "many-audiences", "no-audience", "other-issuer", "no-issuer", "expired", "no-expiry",
        "no-issue-time", "over-long-lifetime", "over-long-lifetime-spent", "issued-in-the-future"])
def test_attack_a_token_the_gateway_would_not_send_this_service_is_refused(service, body, changes: dict) -> None:
    assert_refused(ask(service[0], body, f"Bearer {signed(**changes)}"))


def test_health_is_open_and_serves_no_data(service) -> None:
    with httpx.Client(base_url=service[0], timeout=10) as session:
        response = session.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_key_set_admits_the_key_the_token_names_and_no_other(store_url: str, body, tmp_path: Path) -> None:
    jwks = tmp_path / "gateway.jwks"
    jwks.write_bytes(orjson.dumps(gateway_key().jwks()))
    server = ThreadedServer(create_app(store_url, GatewayTokenVerifier(load_gateway_keys(jwks), "huitong",
                                                                       "licence"))).start()
    try:
        assert_served(ask(server.url, body, f"Bearer {signed()}"))
        assert_refused(ask(server.url, body, f"Bearer {signed(kid='another-key')}"))
        other = load_signing_key(ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), Path("p256"))
        assert_refused(ask(server.url, body, f"Bearer {signed(other, kid=gateway_key().key_id)}"))
    finally:
        server.stop()


def test_over_https_the_service_is_served_and_its_certificate_verified(store_url: str, body, tmp_path: Path) -> None:
    made = self_signed(tmp_path)
    app = create_app(store_url, suite_keys().verifier())
    server = ThreadedServer(app, ssl_certfile=str(made.certificate), ssl_keyfile=str(made.key)).start()
    trusting = ssl.create_default_context(cafile=made.certificate)
    try:
        assert server.url.startswith("https://")
        assert_served(ask(server.url, body, f"Bearer {signed()}", verify=trusting))
        assert_refused(ask(server.url, body, None, verify=trusting))
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            ask(server.url, body, f"Bearer {signed()}")  # a client that does not trust the certificate
    finally:
        server.stop()
