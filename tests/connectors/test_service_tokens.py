"""The gateway's service tokens: signed, for one department, short-lived, reused for half their life; and the HTTP
connector sends one with every call."""
from __future__ import annotations

from pathlib import Path

import httpx
import jwt
import pytest

from access.policy.registry import load_departments
from catalog import load_catalog
from connectors.http import HttpBatchConnector
from connectors.service_tokens import LIFETIME_SECONDS, ServiceTokens
from connectors.signing_key import load_signing_key, new_private_key_pem
from settings import ROOT

KEY = load_signing_key(new_private_key_pem(), Path("test"))
PUBLIC = KEY.private_key.public_key()


def _claims(authorization: str) -> dict:
    scheme, token = authorization.split(" ")
    assert scheme == "Bearer"
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "typ": "JWT", "kid": KEY.key_id}
    return jwt.decode(token, PUBLIC, algorithms=["EdDSA"], audience="licence", issuer="huitong")


def test_a_token_names_the_gateway_and_the_department_and_lives_a_minute() -> None:
    claims = _claims(ServiceTokens(KEY, "huitong", "licence").authorization())
    assert claims.keys() == {"iss", "aud", "iat", "exp"}
    assert claims["exp"] - claims["iat"] == LIFETIME_SECONDS


def test_a_token_is_reused_for_half_its_lifetime_then_renewed() -> None:
    now = [1_000_000.0]
    tokens = ServiceTokens(KEY, "huitong", "licence", clock=lambda: now[0])
    first = tokens.authorization()
    now[0] += LIFETIME_SECONDS / 2 - 1
    assert tokens.authorization() == first
    now[0] += 1
    renewed = tokens.authorization()
    assert renewed != first
    assert jwt.decode(renewed.split(" ")[1], options={"verify_signature": False})["iat"] == int(now[0])


@pytest.mark.parametrize("call", ["fetch", "ping"])
async def test_the_connector_sends_the_departments_token_with_every_call(call: str) -> None:
    seen: list[str | None] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        return httpx.Response(200, json={"items": []})

    catalog = load_catalog(load_departments(ROOT / "policy" / "departments.csv"))
    licence = next(r for r in catalog.resources.values() if r.connector == "licence")
    client = httpx.AsyncClient(base_url="http://licence.test", transport=httpx.MockTransport(respond))
    connector = HttpBatchConnector(licence, "http://licence.test", "data-bureau", 5,
                                   ServiceTokens(KEY, "huitong", "licence"), client=client)
    try:
        await (connector.fetch("licenceId", ["1"], 10) if call == "fetch" else connector.ping())
    finally:
        await connector.close()
    [authorization] = seen
    assert authorization is not None and _claims(authorization)["aud"] == "licence"
