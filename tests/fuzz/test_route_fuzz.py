"""Every route, not only /graphql's documents: odd and oversized query strings, path segments, methods and headers
are answered with a 4xx (or what the route serves), never a 5xx, and nothing internal reaches the caller.

Deterministic by default, like test_graphql_fuzz; HUITONG_FUZZ_EXPLORE=N tries N fresh examples per test.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import quote_from_bytes

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access.identity.minting import mint_token
from tests.support.answers import check_answer, leaks
from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway

EXPLORE = int(os.environ.get("HUITONG_FUZZ_EXPLORE", "0"))
BIGINT = 2**63

# Each route and the parameters it reads; others are sent too.
ROUTES = {
    "/graphql": ("query", "variables", "operationName", "extensions"),
    "/healthz": (),
    "/readyz": (),
    "/audit/checkpoint": (),
    "/audit/public-key": (),
    "/audit/proof/inclusion": ("seq", "size"),
    "/audit/proof/consistency": ("from", "to"),
    "/admin/policy": (),
    "/admin/policy/api/overview": (),
    "/admin/policy/api/matrix": ("purpose", "role"),
    "/admin/policy/api/explain": ("purpose", "department", "field", "role"),
    "/admin/policy/api/diff": (),
    "/admin/policy/static/admin-policy.js": (),
    "/graphiql/static/0123456789abcdef/graphiql.min.js": (),
}
GRAPHQL_SHAPED = ("/graphql", "/admin/policy/api/")

numbers = st.one_of(
    st.sampled_from([BIGINT, BIGINT - 1, BIGINT + 1, 2**64, -BIGINT, -BIGINT - 1, 10**30, 0, -1, 1]),
    st.integers(),
).map(str)
odd_values = st.sampled_from(["", " 1", "1 ", "+1", "-0", "1_000", "0x10", "1e3", "1.0", "\u0661\u0662", "NaN",
                              "social-assistance-review", "civil-affairs", "Person.name", "auditor", "{", "null",
                              '{"a": 1}', "query { __typename }", "a" * 20_000, "9" * 5_000])
values = st.one_of(numbers, numbers, odd_values, st.text(max_size=40)).map(
    lambda text: quote_from_bytes(text.encode(), safe=""))
raw_values = st.binary(max_size=24).map(lambda raw: quote_from_bytes(raw, safe=""))  # any byte, invalid UTF-8 too
suffixes = st.one_of(st.just(""), st.sampled_from(["/", "/x", "//", "/..%2f..%2fsettings.py", "%00", "/%ff%fe",
                                                   "/%2e%2e/%2e%2e/settings.py", "/" + "a" * 8_000, ";x=1"]))


def _token(roles: list[str]) -> str:
    return mint_token(JWT_SECRET, "fuzz-officer", "data-bureau", roles)


authorizations = st.one_of(
    st.none(),
    st.sampled_from(["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "bearer x y", "Bearer " + "a" * 6_000]),
    st.lists(st.sampled_from(["security-officer", "auditor"]), max_size=2).map(lambda roles: "Bearer " + _token(roles)),
)
header_values = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60)


@st.composite
def queries(draw: st.DrawFn, names: tuple[str, ...]) -> bytes:
    """A raw query string: most of the route's parameters, then others (the route's again, some empty, some
    without '=', any name)."""
    parts = [f"{name}={draw(values)}" for name in names if draw(st.integers(0, 3))]
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.one_of(st.sampled_from(names or ("x",)), st.text(max_size=8).map(
            lambda text: quote_from_bytes(text.encode(), safe=""))))
        value = draw(st.one_of(values, raw_values))
        parts.append(draw(st.sampled_from([f"{name}={value}", name, f"{name}=", f"={value}", f"{name}=={value}"])))
    return "&".join(parts).encode()


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, bytes, list[tuple[str, str]], bytes]:
    path = draw(st.sampled_from(sorted(ROUTES)))
    method = draw(st.one_of(st.just("GET"), st.sampled_from(["POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])))
    headers: list[tuple[str, str]] = [("authorization", auth) for auth in draw(st.lists(authorizations, max_size=2))
                                      if auth is not None]
    for name in draw(st.lists(st.sampled_from(["accept", "content-type", "x-forwarded-for", "x-purpose",
                                               "x-purpose-ref", "x-access-mode", "range", "if-none-match",
                                               "content-encoding", "origin"]), max_size=4)):
        headers.append((name, draw(st.one_of(header_values, st.sampled_from(
            ["application/json", "text/html", "*/*", "bytes=0-1,5-", "gzip", "127.0.0.1, ::1", "a" * 7_000])))))
    body = draw(st.one_of(st.just(b""), st.binary(max_size=64), st.sampled_from([b"{}", b'{"query": 1}', b"[]"])))
    return method, path + draw(suffixes), draw(queries(ROUTES[path])), headers, body


@pytest.fixture(scope="module")
def fuzzed(sqlite_stores: Stores) -> Iterator[Gateway]:
    gateway = start_gateway(sqlite_stores)
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def client(fuzzed: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fuzzed.url, timeout=30) as opened:
        yield opened


def _answer(client: httpx.Client, method: str, path: str, query: bytes, headers: list[tuple[str, str]],
            body: bytes) -> httpx.Response:
    url = httpx.URL(str(client.base_url).rstrip("/") + path, query=query or None)
    return client.send(client.build_request(method, url, headers=headers, content=body or None))


VALID = {"query": "{ __typename }", "variables": "{}", "operationName": "", "extensions": "{}", "seq": "0",
         "size": "1", "from": "1", "to": "1", "purpose": "social-assistance-review", "department": "civil-affairs",
         "field": "Person.name", "role": "auditor"}
ODD = [str(n) for n in (BIGINT, BIGINT - 1, 2**64, -BIGINT - 1, -1, 10**30)] + [
    "", " 1", "+1", "1_000", "0x10", "1e3", "\u0661", "NaN", "%ff%fe", "%00", "a" * 20_000, "9" * 5_000, "{", "[]"]


@pytest.mark.parametrize("route", [route for route, names in ROUTES.items() if names])
def test_every_parameter_of_every_route_takes_odd_values_without_a_5xx(client: httpx.Client, route: str) -> None:
    headers = {"authorization": "Bearer " + _token(["security-officer", "auditor"]),
               "x-purpose": "social-assistance-review"}
    for name in ROUTES[route]:
        for value in ODD:
            encoded = value if value.startswith("%") else quote_from_bytes(value.encode(), safe="")
            query = "&".join(f"{other}={quote_from_bytes(VALID[other].encode(), safe='')}"
                             for other in ROUTES[route] if other != name) + f"&{name}={encoded}"
            response = _answer(client, "GET", route, query.encode(), list(headers.items()), b"")
            assert response.status_code < 500, (route, name, value[:40], response.text[:300])


def test_positions_of_2_63_and_over_are_400_not_500(client: httpx.Client) -> None:
    for route, names in (("/audit/proof/inclusion", ("seq", "size")), ("/audit/proof/consistency", ("from", "to"))):
        for first, second in ((0, BIGINT), (BIGINT, BIGINT), (1, 2**64), (-BIGINT - 1, 1), (1, 10**30)):
            response = client.get(route, params={names[0]: str(first), names[1]: str(second)})
            assert response.status_code == 400, (route, first, second, response.text)
            assert "2^63 - 1" in response.json()["error"]


def test_odd_requests_to_every_route(client: httpx.Client) -> None:
    @settings(max_examples=EXPLORE or 400, derandomize=not EXPLORE, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(request=requests())
    def check(request: tuple[str, str, bytes, list[tuple[str, str]], bytes]) -> None:
        method, path, query, headers, body = request
        response = _answer(client, method, path, query, headers, body)
        sent = "\n".join([path, query.decode("latin-1"), body.decode("latin-1"), *(value for _, value in headers)])
        assert response.status_code < 500, f"{method} {path}?{query!r}: {response.status_code} {response.text[:300]}"
        if method == "HEAD" or not response.headers.get("content-type", "").startswith(("application/json",
                                                                                       "application/graphql")):
            return
        answer = response.json()
        if path.startswith(GRAPHQL_SHAPED) and isinstance(answer, dict) and "errors" in answer:
            check_answer(response, sent)  # coded errors
        else:
            assert not leaks(answer, sent), response.text[:500]

    check()
