"""Security headers on every answer, CORS from an allow-list, and GraphiQL's page under a policy of its own."""
from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import httpx
import pytest
from pydantic import ValidationError

from access.identity.minting import mint_token
from server import create_app
from settings import Settings
from tests.support.gateway import JWT_SECRET, TOKEN_KEY, Gateway, Stores, start_gateway

ALLOWED = "https://app.example.gov.cn"
SIGNED = {"authorization": f"Bearer {mint_token(JWT_SECRET, 'test-system', 'civil-affairs', [])}",
          "x-purpose": "social-assistance-review"}


@pytest.fixture(scope="module")
def gateway(sqlite_stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(sqlite_stores, dev_mode=True, cors_origins=(ALLOWED,))
    yield started
    started.stop()


def _assert_secured(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in headers  # plain HTTP: RFC 6797 §7.2


@pytest.mark.parametrize(("method", "path", "body", "headers", "status"), [
    ("POST", "/graphql", {"query": "{ __typename }"}, SIGNED, 200),
    ("POST", "/graphql", {"query": "{ __typename }"}, {}, 401),
    ("POST", "/graphql", {"query": "{ nobody }"}, SIGNED, 400),
    ("GET", "/graphql?query={__typename}", None, SIGNED | {"accept": "application/xml"}, 406),
    ("GET", "/healthz", None, {}, 200),
    ("GET", "/readyz", None, {}, 200),
    ("GET", "/audit/public-key", None, {}, 200),
    ("GET", "/no-such-route", None, {}, 404),
    ("PUT", "/healthz", None, {}, 405),
])
def test_every_answer_carries_the_security_headers_and_one_request_id(
        gateway: Gateway, method: str, path: str, body: dict | None, headers: dict, status: int) -> None:
    response = httpx.request(method, gateway.url + path, json=body, headers=headers, timeout=30)
    assert response.status_code == status
    _assert_secured(response)
    assert len(response.headers.get_list("x-request-id")) == 1
    assert len(response.headers["x-request-id"]) == 32
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_hsts_only_over_https(sqlite_stores: Stores, tmp_path) -> None:
    app = create_app(Settings(population_url=sqlite_stores.population_url, entity_url=sqlite_stores.entity_url,
                              jwt_secret=JWT_SECRET, token_key=TOKEN_KEY, state_dir=tmp_path))

    def answer(scheme: str) -> dict[bytes, bytes]:
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": scheme, "path": "/healthz", "raw_path": b"/healthz", "root_path": "", "query_string": b"",
                 "headers": [], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 443), "state": {}}
        asyncio.run(app(scope, receive, send))
        return dict(sent[0]["headers"])

    assert answer("https")[b"strict-transport-security"] == b"max-age=31536000"
    assert b"strict-transport-security" not in answer("http")


def test_graphiql_page_has_a_policy_of_its_own_origin(gateway: Gateway) -> None:
    """Its policy allows scripts from this origin only, and the page holds none inline (GraphiQL itself runs
    under it in a browser in test_graphiql_offline)."""
    page = httpx.get(gateway.url + "/graphql", headers={"accept": "text/html"})
    policy = page.headers["content-security-policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src ")).split()[1:]
    assert script_src == ["'self'"]
    assert not re.findall(r"<script(?![^>]*\bsrc=)", page.text)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"


def test_cors_preflight_from_an_allowed_origin(gateway: Gateway) -> None:
    response = httpx.options(gateway.url + "/graphql", headers={
        "origin": ALLOWED, "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, x-purpose"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert all(h in allowed_headers for h in ("authorization", "content-type", "x-purpose"))
    assert "access-control-allow-credentials" not in response.headers
    _assert_secured(response)


def test_cors_preflight_from_another_origin_is_refused(gateway: Gateway) -> None:
    response = httpx.options(gateway.url + "/graphql", headers={
        "origin": "https://evil.example", "access-control-request-method": "POST",
        "access-control-request-headers": "authorization"})
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(("origin", "allowed"), [(ALLOWED, True), ("https://evil.example", False)])
def test_cors_on_the_answer_itself(gateway: Gateway, origin: str, allowed: bool) -> None:
    response = httpx.post(gateway.url + "/graphql", json={"query": "{ __typename }"},
                          headers=SIGNED | {"origin": origin})
    assert response.status_code == 200
    assert (response.headers.get("access-control-allow-origin") == origin) is allowed
    if allowed:
        assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


def test_with_no_origins_allowed_no_cross_origin_call_is_allowed(sqlite_stores: Stores) -> None:
    closed = start_gateway(sqlite_stores)
    try:
        preflight = httpx.options(closed.url + "/graphql", headers={
            "origin": ALLOWED, "access-control-request-method": "POST",
            "access-control-request-headers": "authorization"})
        answer = httpx.post(closed.url + "/graphql", json={"query": "{ __typename }"},
                            headers=SIGNED | {"origin": ALLOWED})
    finally:
        closed.stop()
    assert preflight.status_code >= 400
    assert answer.status_code == 200
    assert not any(name.startswith("access-control-") for name in (*preflight.headers, *answer.headers))


@pytest.mark.parametrize("origin", ["*", "https://*.example.gov.cn", "https://app.example.gov.cn/", "null"])
def test_cors_origins_must_be_origins(origin: str) -> None:
    with pytest.raises(ValidationError):
        Settings(cors_origins=(origin,))
