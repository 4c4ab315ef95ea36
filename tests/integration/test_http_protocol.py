"""GraphQL over HTTP as the draft spec says: methods, media types and statuses, unreadable bodies,
batching, the body cap, introspection, suggestions and GraphiQL by mode."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from access.identity.minting import mint_token
from server import create_app
from settings import Settings
from tests.support.gateway import AUDITOR, JWT_SECRET, TOKEN_KEY, Gateway, Stores, start_gateway

CAP = 64 * 1024
PERSON = "query($id: String!) { person(idNumber: $id) { name } }"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def production(sqlite_stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(sqlite_stores, dev_mode=False, max_body_bytes=CAP)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def development(sqlite_stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(sqlite_stores, dev_mode=True, allow_batching=True, max_batch_operations=3)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def ungoverned(sqlite_stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(sqlite_stores, governance=False, benchmark_mode=True)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def person_id(dataset) -> str:
    return dataset.persons[0]["gmsfhm"]


def _bearer(dept: str = "civil-affairs") -> str:
    return f"Bearer {mint_token(JWT_SECRET, 'test-system', dept, [])}"


def call(gateway: Gateway, *, method: str = "POST", body: Any = None, content: Any = None,
         params: dict[str, str] | None = None, accept: str | None = None, signed: bool = True,
         dept: str = "civil-affairs", purpose: str = "social-assistance-review",
         headers: dict[str, str] | None = None) -> httpx.Response:
    """A request with exactly the headers given: no Accept unless `accept` says so."""
    sent = {"content-type": JSON} if method == "POST" else {}
    if accept is not None:
        sent["accept"] = accept
    if signed:
        sent.update({"authorization": _bearer(dept), "x-purpose": purpose})
    sent.update(headers or {})
    with httpx.Client(timeout=30) as client:
        del client.headers["accept"]
        return client.request(method, gateway.url + "/graphql", headers=sent, params=params,
                              content=orjson.dumps(body) if body is not None else content)


def _media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


def _codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


# -- methods ---------------------------------------------------------------------------------------

def test_get_runs_a_query(production: Gateway, person_id: str, dataset) -> None:
    variables = orjson.dumps({"id": person_id}).decode()
    response = call(production, method="GET", params={"query": PERSON, "variables": variables})
    assert response.status_code == 200
    assert response.json()["data"]["person"]["name"] == dataset.persons[0]["xm"]


@pytest.mark.parametrize(("query", "operation"), [
    ("mutation { person(idNumber: \"11010519491231002X\") { name } }", None),
    ("query Q { __typename } mutation M { __typename }", "M"),
])
def test_a_mutation_over_get_is_405_allowing_post(production: Gateway, query: str, operation: str | None) -> None:
    params = {"query": query} | ({"operationName": operation} if operation else {})
    response = call(production, method="GET", params=params)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert _codes(response) == ["BAD_REQUEST"]
    assert "accessRecord" in response.json()["extensions"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_other_methods_are_405_in_graphql_shape_and_recorded(production: Gateway, method: str) -> None:
    response = call(production, method=method, body={"query": PERSON})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if method != "HEAD":  # a HEAD answer has no body
        assert _codes(response) == ["BAD_REQUEST"]
        assert "accessRecord" in response.json()["extensions"]


def test_the_same_mutation_over_post_is_not_405(production: Gateway) -> None:
    response = call(production, body={"query": "mutation { __typename }"})
    assert response.status_code == 400
    assert _codes(response) == ["GRAPHQL_VALIDATION_FAILED"]


# -- media types -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "chosen"), [
    (None, GRAPHQL_RESPONSE_JSON),
    ("", GRAPHQL_RESPONSE_JSON),
    (JSON, JSON),
    (f"{JSON}; charset=utf-8", JSON),
    (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
    (f"{GRAPHQL_RESPONSE_JSON}, {JSON};q=0.9", GRAPHQL_RESPONSE_JSON),
    (f"{GRAPHQL_RESPONSE_JSON};q=0.5, {JSON}", JSON),
    (f"{JSON}, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
    ("*/*", GRAPHQL_RESPONSE_JSON),
    ("application/*", GRAPHQL_RESPONSE_JSON),
    (f"{GRAPHQL_RESPONSE_JSON};q=0, */*", JSON),
    (BROWSER_ACCEPT, GRAPHQL_RESPONSE_JSON),
])
def test_accept_chooses_the_media_type(production: Gateway, person_id: str, accept: str | None, chosen: str) -> None:
    response = call(production, body={"query": PERSON, "variables": {"id": person_id}}, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{chosen}; charset=utf-8"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", f"{JSON};q=0, {GRAPHQL_RESPONSE_JSON};q=0",
                                    f"{JSON}; charset=latin-1"])
def test_nothing_acceptable_is_406(production: Gateway, person_id: str, accept: str) -> None:
    response = call(production, body={"query": PERSON, "variables": {"id": person_id}}, accept=accept)
    assert response.status_code == 406
    assert _codes(response) == ["BAD_REQUEST"]
    assert "accessRecord" in response.json()["extensions"]


# Each case: the request, its status under application/graphql-response+json, under application/json.
CONTENT_REFUSALS = {
    "document does not parse": ({"query": "{ person("}, 400, 200, "GRAPHQL_PARSE_FAILED"),
    "document does not validate": ({"query": "{ nobody { name } }"}, 400, 200, "GRAPHQL_VALIDATION_FAILED"),
    "operation cannot be determined": ({"query": "query A { __typename } query B { __typename }"}, 400, 200,
                                       "BAD_REQUEST"),
    "variable coercion fails": ({"query": PERSON, "variables": {"id": None}}, 400, 200, "BAD_USER_INPUT"),
    "key argument fails its check digit": ({"query": PERSON, "variables": {"id": "110105194912310021"}}, 400, 200,
                                           "BAD_USER_INPUT"),
}
HTTP_REFUSALS = {
    "body is not JSON": (b"NONSENSE", 400, 400, "BAD_REQUEST"),
    "body is cut short": (b'{"query":', 400, 400, "BAD_REQUEST"),
    "no query": ({"qeury": "{ __typename }"}, 400, 400, "BAD_REQUEST"),
    "variables not an object": ({"query": PERSON, "variables": [7]}, 400, 400, "BAD_REQUEST"),
    "variables an empty list": ({"query": PERSON, "variables": []}, 400, 400, "BAD_REQUEST"),
    "operationName not a string": ({"query": PERSON, "operationName": 5}, 400, 400, "BAD_REQUEST"),
    "extensions not an object": ({"query": PERSON, "extensions": "x"}, 400, 400, "BAD_REQUEST"),
}


@pytest.mark.parametrize("case", list(CONTENT_REFUSALS) + list(HTTP_REFUSALS))
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, JSON])
def test_status_follows_the_media_type(production: Gateway, case: str, accept: str) -> None:
    sent, modern, legacy, code = (CONTENT_REFUSALS | HTTP_REFUSALS)[case]
    as_bytes = sent if isinstance(sent, bytes) else orjson.dumps(sent)
    response = call(production, content=as_bytes, accept=accept)
    assert _media_type(response) == accept
    assert response.status_code == (modern if accept == GRAPHQL_RESPONSE_JSON else legacy)
    assert "data" not in response.json()
    assert _codes(response)[0] == code


def test_a_refusal_by_the_policy_follows_the_media_type(production: Gateway, person_id: str) -> None:
    query = "query($id: String!) { person(idNumber: $id) { name maritalStatus licences { typeName } } }"
    answers = {accept: call(production, body={"query": query, "variables": {"id": person_id}}, accept=accept,
                            dept="market-regulation", purpose="business-registration-approval",
                            headers={"x-access-mode": "strict"})
               for accept in (GRAPHQL_RESPONSE_JSON, JSON)}
    assert answers[GRAPHQL_RESPONSE_JSON].status_code == 403
    assert answers[JSON].status_code == 200
    assert all(set(_codes(r)) == {"FORBIDDEN_FIELD"} and "data" not in r.json() for r in answers.values())


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, JSON])
def test_a_caller_without_identity_is_401_under_either_media_type(production: Gateway, person_id: str,
                                                                  accept: str) -> None:
    response = call(production, body={"query": PERSON, "variables": {"id": person_id}}, accept=accept, signed=False)
    assert response.status_code == 401 and _codes(response) == ["UNAUTHENTICATED"]


# -- unreadable bodies -----------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "words"), [
    (b'{"query": "{ __typename \xff }"}', "UTF-8"),
    (b'\xfe\xff\x00{', "UTF-8"),
    (b'{"query": "\\ud800"}', "JSON"),
    (b'\xef\xbb\xbf{"query": "{ __typename }"}', "JSON"),
    (b"[" * 5000, "JSON"),
    (b'"{ __typename }"', "JSON object"),
])
def test_an_unreadable_body_is_400_never_500(production: Gateway, content: bytes, words: str) -> None:
    response = call(production, content=content)
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["extensions"]["code"] == "BAD_REQUEST" and words in problem["message"]


def test_a_query_string_that_is_not_utf8_is_400(production: Gateway) -> None:
    with httpx.Client(timeout=30) as client:
        response = client.get(production.url + "/graphql?query=%7B%20__typename%20%FF%7D",
                              headers={"authorization": _bearer(), "x-purpose": "social-assistance-review"})
    assert response.status_code == 400
    assert "UTF-8" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=latin-1", ""])
def test_a_body_that_is_not_json_by_its_content_type_is_415(production: Gateway, content_type: str) -> None:
    response = call(production, body={"query": "{ __typename }"}, headers={"content-type": content_type})
    assert response.status_code == 415


# -- batching ---------------------------------------------------------------------------------------

def test_an_array_body_is_refused_while_batching_is_off(production: Gateway, person_id: str) -> None:
    response = call(production, body=[{"query": PERSON, "variables": {"id": person_id}}])
    assert response.status_code == 400
    assert "batching is not enabled" in response.json()["errors"][0]["message"]


def test_a_batch_is_answered_by_an_array_in_order(development: Gateway, dataset) -> None:
    ids = [dataset.persons[1]["gmsfhm"], dataset.persons[2]["gmsfhm"]]
    response = call(development, body=[{"query": PERSON, "variables": {"id": ids[0]}},
                                       {"qeury": "{ __typename }"},
                                       {"query": PERSON, "variables": {"id": ids[1]}}])
    assert response.status_code == 200
    first, typo, second = response.json()
    assert first["data"]["person"]["name"] == dataset.persons[1]["xm"]
    assert second["data"]["person"]["name"] == dataset.persons[2]["xm"]
    assert "data" not in typo and typo["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    answers = (first, typo, second)
    assert len({a["extensions"]["requestId"] for a in answers}) == 3
    assert len({a["extensions"]["accessRecord"]["entry"] for a in answers}) == 3


@pytest.mark.parametrize("batch", [[], [{"query": "{ __typename }"}, "sample"], [{"query": "{ __typename }"}] * 4])
def test_a_malformed_or_oversized_batch_is_refused_whole(development: Gateway, batch: list) -> None:
    response = call(development, body=batch)
    assert response.status_code == 400
    assert isinstance(response.json(), dict) and _codes(response) == ["BAD_REQUEST"]


# -- the body cap -----------------------------------------------------------------------------------

def _oversized() -> bytes:
    return orjson.dumps({"query": "{ __typename }", "variables": {"padding": "x" * (2 * CAP)}})


def test_a_body_over_the_cap_is_413(production: Gateway) -> None:
    response = call(production, content=_oversized())
    assert response.status_code == 413
    assert _codes(response) == ["BAD_REQUEST"]


def test_a_chunked_body_without_length_over_the_cap_is_413(production: Gateway) -> None:
    body = _oversized()
    response = call(production, content=iter([body[i:i + 4096] for i in range(0, len(body), 4096)]))
    assert response.status_code == 413


def test_a_body_within_the_cap_is_served(production: Gateway) -> None:
    response = call(production, body={"query": "{ __typename }", "variables": {"padding": "x" * (CAP // 2)}})
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}


def test_the_cap_stops_the_stream_whatever_content_length_says(sqlite_stores: Stores, tmp_path) -> None:
    """A Content-Length that lies low does not let more through: reading stops right after the cap."""
    app = create_app(Settings(population_url=sqlite_stores.population_url, entity_url=sqlite_stores.entity_url,
                              jwt_secret=JWT_SECRET, token_key=TOKEN_KEY, state_dir=tmp_path,
                              max_body_bytes=CAP))
    chunk, pulled, sent = 16 * 1024, 0, []

    async def receive() -> dict:
        nonlocal pulled
        pulled += chunk
        return {"type": "http.request", "body": b" " * chunk, "more_body": pulled < 1024 * chunk}

    async def send(message: dict) -> None:
        sent.append(message)

    headers = [(b"content-type", b"application/json"), (b"content-length", b"10"),
               (b"authorization", _bearer().encode()), (b"x-purpose", b"social-assistance-review")]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/graphql", "raw_path": b"/graphql", "root_path": "", "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert pulled <= CAP + chunk


# -- introspection, suggestions, GraphiQL ---------------------------------------------------------

INTROSPECTION = "{ __schema { queryType { name } } }"
HIDDEN_INTROSPECTION = "{ ...F } fragment F on Query { ... on Query { __type(name: \"Person\") { name } } }"


@pytest.mark.parametrize("query", [INTROSPECTION, HIDDEN_INTROSPECTION])
def test_introspection_needs_a_token(production: Gateway, query: str) -> None:
    assert call(production, body={"query": query}, signed=False).status_code == 401
    assert call(production, body={"query": query}).status_code == 200


@pytest.mark.parametrize("query", [INTROSPECTION, HIDDEN_INTROSPECTION])
def test_introspection_needs_a_token_even_without_governance(ungoverned: Gateway, query: str) -> None:
    anonymous = call(ungoverned, body={"query": query}, signed=False)
    assert anonymous.status_code == 401 and _codes(anonymous) == ["UNAUTHENTICATED"]
    forged = call(ungoverned, body={"query": query}, signed=False, headers={"authorization": "Bearer forged"})
    assert forged.status_code == 401
    answered = call(ungoverned, body={"query": query})
    assert answered.status_code == 200 and "errors" not in answered.json()


def test_without_governance_the_access_record_is_still_for_auditors_only(ungoverned: Gateway, person_id: str) -> None:
    audit = "query($id: String!) { accessRecord { subject(idNumber: $id) { requestId } } }"
    anonymous = call(ungoverned, body={"query": audit, "variables": {"id": person_id}}, signed=False)
    assert anonymous.status_code == 401 and _codes(anonymous) == ["UNAUTHENTICATED"] and "data" not in anonymous.json()
    claimed = ungoverned.post(audit, {"id": person_id}, roles=["auditor"])
    assert claimed.status_code == 403 and _codes(claimed) == ["FORBIDDEN_FIELD"] and "data" not in claimed.json()
    assigned = ungoverned.post(audit, {"id": person_id}, **AUDITOR)
    assert assigned.status_code == 200 and isinstance(assigned.json()["data"]["accessRecord"]["subject"], list)


def test_without_governance_other_queries_stay_open(ungoverned: Gateway, person_id: str) -> None:
    response = call(ungoverned, body={"query": PERSON, "variables": {"id": person_id}}, signed=False)
    assert response.status_code == 200 and response.json()["data"]["person"]["name"]


@pytest.mark.parametrize("query", ["{ persn(idNumber: \"11010519491231002X\") { name } }",
                                   "{ person(idNumbr: \"11010519491231002X\") { name } }",
                                   "{ person(idNumber: \"11010519491231002X\") { nam } }"])
def test_suggestions_only_in_development(production: Gateway, development: Gateway, query: str) -> None:
    hidden = call(production, body={"query": query})
    shown = call(development, body={"query": query})
    assert hidden.status_code == shown.status_code == 400
    assert "Did you mean" not in hidden.text
    assert "Did you mean" in shown.text


def test_graphiql_only_in_development(production: Gateway, development: Gateway) -> None:
    page = httpx.get(development.url + "/graphql", headers={"accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text.lower()
    refused = httpx.get(production.url + "/graphql", headers={"accept": BROWSER_ACCEPT})
    assert not refused.headers["content-type"].startswith("text/html")
    assert "graphiql" not in refused.text.lower()
    assert call(production, method="GET", accept="text/html").status_code == 406
