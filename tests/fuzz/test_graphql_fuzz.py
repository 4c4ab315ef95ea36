"""Schema-driven fuzzing through a real gateway: whatever is asked, by whoever, for whatever purpose, the
answer is never a 5xx, every error carries a code of ErrorCode, and nothing internal reaches the caller.

Documents come from hypothesis-graphql over the live schema: valid ones (with real keys swapped in, so
departments are really asked), ones with one schema violation, and broken text (random, truncated,
mutated, oversized). Callers are every department's systems, among them those the demo assignment gives roles,
claiming roles or not, no token, bad tokens; purposes every code of purposes.csv, none, unknown.

Deterministic by default (the same examples every run, so the suite never turns red by chance);
HUITONG_FUZZ_EXPLORE=N runs N fresh random examples per test instead.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import httpx
import jwt
import pytest
from graphql import ArgumentNode, DocumentNode, ListValueNode, StringValueNode, Visitor, print_ast, visit
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from access.identity.minting import mint_token
from access.policy.registry import load_departments, load_purposes
from settings import ROOT
from tests.support.answers import check_answer, strings
from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway

EXPLORE = int(os.environ.get("HUITONG_FUZZ_EXPLORE", "0"))


def _fuzz_settings(examples: int) -> settings:
    return settings(max_examples=EXPLORE or examples, derandomize=not EXPLORE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


DEPARTMENTS = sorted(load_departments(ROOT / "policy" / "departments.csv"))
PURPOSES = sorted(load_purposes(ROOT / "policy" / "purposes.csv"))
SYSTEMS = ["fuzz-system", "audit-desk", "policy-desk"]  # data-bureau's last two are assigned auditor, security-officer
ROLES = ["auditor", "officer", "security-officer"]  # claimed: they count for nothing
REQUEST_TIMEOUT_S = 30.0

header_values = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80),
    st.binary(max_size=40).map(lambda raw: bytes(b if 0x20 <= b != 0x7F else 0x2E for b in raw)),
).map(lambda value: value.strip())  # HTTP cannot carry whitespace at a value's edges
claim_values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.sampled_from(DEPARTMENTS),
                         st.lists(st.one_of(st.integers(), st.text(max_size=8)), max_size=3))


def _admitted_token(department: str, system: str, claimed: list[str]) -> str:
    return mint_token(JWT_SECRET, system, department, claimed)


odd_tokens = st.one_of(
    header_values,
    st.builds(lambda d: mint_token("another-secret-of-the-same-length-0123456789abcdefghijklmnop", "fuzz", d),
              st.sampled_from(DEPARTMENTS)),
    st.builds(lambda d: mint_token(JWT_SECRET, "fuzz", d, ttl_seconds=-60), st.sampled_from(DEPARTMENTS)),
    st.builds(lambda d: mint_token(JWT_SECRET, "fuzz", d), st.text(max_size=30)),
    st.builds(lambda claims: jwt.encode(claims, JWT_SECRET, algorithm="HS256"),
              st.fixed_dictionaries({}, optional={"sub": claim_values, "dept": claim_values, "roles": claim_values,
                                                  "exp": st.one_of(claim_values, st.just(4102444800))})),
)


@st.composite
def callers(draw: st.DrawFn) -> dict[str, Any]:
    """Headers of a caller: most are admitted (so documents get executed), the rest are odd."""
    if draw(st.integers(0, 7)):
        headers: dict[str, Any] = {
            "authorization": "Bearer " + _admitted_token(draw(st.sampled_from(DEPARTMENTS)),
                                                         draw(st.sampled_from(SYSTEMS)),
                                                         draw(st.lists(st.sampled_from(ROLES), max_size=2))),
            "x-purpose": draw(st.sampled_from(PURPOSES)),
        }
        mode = draw(st.sampled_from([None, None, "lenient", "strict"]))
        if mode:
            headers["x-access-mode"] = mode
        return headers
    headers = {}
    authorization = draw(st.one_of(
        st.none(), odd_tokens.map(lambda token: f"Bearer {token}" if isinstance(token, str) else b"Bearer " + token),
        st.builds(_admitted_token, st.sampled_from(DEPARTMENTS), st.sampled_from(SYSTEMS),
                  st.lists(st.text(max_size=20), max_size=2))
          .map(lambda token: f"Bearer {token}"),
        header_values))
    if authorization is not None:
        headers["authorization"] = authorization
    for name, value in (("x-purpose", st.one_of(st.sampled_from(PURPOSES), header_values)),
                        ("x-purpose-ref", header_values), ("x-access-mode", header_values)):
        chosen = draw(st.one_of(st.none(), value))
        if chosen is not None:
            headers[name] = chosen
    return {name: value.strip() for name, value in headers.items()}


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


@pytest.fixture(scope="module")
def fuzzed(sqlite_stores: Stores) -> Iterator[Gateway]:
    gateway = start_gateway(sqlite_stores)
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def client(fuzzed: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fuzzed.url, timeout=REQUEST_TIMEOUT_S) as opened:
        yield opened


def ask(client: httpx.Client, headers: dict[str, Any], query: Any, variables: Any = None) -> Any:
    """POSTs one GraphQL request and checks the answer against everything the request carried."""
    payload = {"query": query} if variables is None else {"query": query, "variables": variables}
    body = json.dumps(payload, ensure_ascii=False)  # the standard library's JSON carries integers of any size
    response = client.post("/graphql", content=body.encode(), headers={"content-type": "application/json", **headers})
    answer = check_answer(response, "\n".join([*strings(payload), *(_text(value) for value in headers.values())]))
    codes = sorted({problem["extensions"]["code"] for problem in answer.get("errors") or []})
    event(f"HTTP {response.status_code} {' '.join(codes)}")
    return answer


@pytest.fixture(scope="module")
def known_values(dataset) -> dict[str, st.SearchStrategy]:
    """Argument name -> values a department knows, swapped in for hypothesis-graphql's random strings (which
    the other tests send), so that valid documents reach the departments."""
    persons = st.sampled_from([p["gmsfhm"] for p in dataset.persons[:300]])
    entities = st.sampled_from([e["tyshxydm"] for e in dataset.entities[:100]])
    licences = st.sampled_from([lic["zzbs"] for lic in dataset.licences[:300]])
    instants = st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat())
    return {"idNumber": persons, "idNumbers": st.lists(persons, min_size=1, max_size=30),
            "uscc": entities, "usccs": st.lists(entities, min_size=1, max_size=10), "licenceId": licences,
            "since": instants, "until": instants, "department": st.sampled_from(DEPARTMENTS)}


class _KnownValues(Visitor):
    def __init__(self, draw: st.DrawFn, known: dict[str, st.SearchStrategy]) -> None:
        super().__init__()
        self._draw, self._known = draw, known

    def enter_argument(self, node: ArgumentNode, *_: Any) -> ArgumentNode | None:
        strategy = self._known.get(node.name.value)
        if strategy is None:
            return None
        value = self._draw(strategy)
        if isinstance(value, list):
            keys = tuple(StringValueNode(value=key) for key in value)
            return ArgumentNode(name=node.name, value=ListValueNode(values=keys))
        return ArgumentNode(name=node.name, value=StringValueNode(value=value))


def valid_documents(fuzzed: Gateway, known: dict[str, st.SearchStrategy]) -> st.SearchStrategy[str]:
    @st.composite
    def documents(draw: st.DrawFn) -> str:
        document: DocumentNode = draw(from_schema(fuzzed.runtime.graphql_schema, print_ast=lambda node: node))
        return print_ast(visit(document, _KnownValues(draw, known)))

    return documents()


def test_valid_documents_from_the_schema(fuzzed: Gateway, client: httpx.Client, known_values) -> None:
    @_fuzz_settings(150)
    @given(headers=callers(), query=valid_documents(fuzzed, known_values))
    def check(headers: dict[str, Any], query: str) -> None:
        answer = ask(client, headers, query)
        codes = {problem["extensions"]["code"] for problem in answer.get("errors") or []}
        assert "GRAPHQL_PARSE_FAILED" not in codes and "GRAPHQL_VALIDATION_FAILED" not in codes, answer

    check()


def test_documents_with_a_schema_violation(fuzzed: Gateway, client: httpx.Client) -> None:
    @_fuzz_settings(100)
    @given(headers=callers(), query=from_schema(fuzzed.runtime.graphql_schema, mode=Mode.NEGATIVE))
    def check(headers: dict[str, Any], query: str) -> None:
        response_body = ask(client, headers, query)
        assert response_body.get("data") is None and response_body["errors"], response_body

    check()


@st.composite
def broken_documents(draw: st.DrawFn, valid: st.SearchStrategy[str]) -> str:
    """Random text, or a valid document truncated or with a stretch of it replaced."""
    kind = draw(st.sampled_from(["random", "truncated", "mutated"]))
    if kind == "random":
        return draw(st.text(max_size=300))
    text = draw(valid)
    cut = draw(st.integers(0, len(text)))
    if kind == "truncated":
        return text[:cut]
    end = draw(st.integers(cut, min(len(text), cut + 8)))
    return text[:cut] + draw(st.text(st.sampled_from("{}()[]:$@!.\"\\ ,#=|&\n\u0000xé1"), max_size=6)) + text[end:]


def test_broken_documents(fuzzed: Gateway, client: httpx.Client, known_values) -> None:
    @_fuzz_settings(150)
    @given(headers=callers(), query=broken_documents(valid_documents(fuzzed, known_values)))
    def check(headers: dict[str, Any], query: str) -> None:
        ask(client, headers, query)

    check()


@st.composite
def oversized_documents(draw: st.DrawFn, id_numbers: list[str]) -> str:
    """Many aliases, deep nesting, fragment fan-out, long lists of keys: limits, not crashes."""
    person = draw(st.sampled_from(id_numbers))
    kind = draw(st.sampled_from(["aliases", "depth", "fan-out", "keys"]))
    if kind == "aliases":
        count = draw(st.integers(1, 4000))
        return "{ " + " ".join(f'a{i}: person(idNumber: "{person}") {{ name }}' for i in range(count)) + " }"
    if kind == "depth":
        inner = "name"
        for _ in range(draw(st.integers(1, 200))):
            inner = f"licences {{ holder {{ ... on Person {{ {inner} }} }} }}"
        return f'{{ person(idNumber: "{person}") {{ {inner} }} }}'
    if kind == "fan-out":
        # Each fragment spreads the previous one twice: 2**levels fields once expanded, which the query-cost
        # limit must refuse before anything expands them (20 levels held the event loop ~20 s without it).
        levels = draw(st.integers(1, 60))
        fragments = ["fragment F0 on Person { name gender }"]
        fragments += [f"fragment F{i} on Person {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
        return f'{{ person(idNumber: "{person}") {{ ...F{levels} }} }} ' + " ".join(fragments)
    keys = draw(st.lists(st.sampled_from(id_numbers), min_size=900, max_size=1100))
    return "{ persons(idNumbers: [" + ", ".join(f'"{k}"' for k in keys) + "]) { name licences { licenceId } } }"


def test_oversized_documents(client: httpx.Client, dataset) -> None:
    @_fuzz_settings(30)
    @given(headers=callers(), query=oversized_documents([p["gmsfhm"] for p in dataset.persons[:50]]))
    def check(headers: dict[str, Any], query: str) -> None:
        ask(client, headers, query)

    check()


VARIABLE_DOCUMENTS = [
    "query($id: String!) { person(idNumber: $id) { name birthDate } }",
    ("query($ids: [String!]!, $skip: Boolean!) { persons(idNumbers: $ids) { name licences @skip(if: $skip) "
     "{ licenceId holder { ... on LegalEntity { name } } } } }"),
    ("query($u: String!, $l: String!) { legalEntity(uscc: $u) { name legalRepresentative { name } } "
     "licence(licenceId: $l) { licenceId holderName } }"),
    ("query($since: String!, $until: String!, $dept: String) { accessRecord { usage(since: $since, until: $until) "
     "{ department requests } caller(since: $since, until: $until, department: $dept) { seq } } }"),
]
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=40), st.sampled_from(["11010519491231002X", "2026-11-01T00:00:00+08:00", ""])),
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(st.text(max_size=8), children,
                                                                               max_size=4)),
    max_leaves=20)


def test_variables_of_any_shape(client: httpx.Client) -> None:
    names = ["id", "ids", "skip", "u", "l", "since", "until", "dept"]

    @_fuzz_settings(100)
    @given(headers=callers(), query=st.sampled_from(VARIABLE_DOCUMENTS),
           variables=st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=8)), json_values, max_size=6))
    def check(headers: dict[str, Any], query: str, variables: dict[str, Any]) -> None:
        ask(client, headers, query, variables)

    check()


envelopes = st.one_of(
    st.binary(max_size=400),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries({}, optional={"query": st.one_of(json_values, st.sampled_from(VARIABLE_DOCUMENTS)),
                                        "variables": json_values, "operationName": json_values,
                                        "extensions": json_values}).map(lambda value: json.dumps(value).encode()),
)
content_types = st.one_of(st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain",
                                           "application/graphql", "multipart/form-data; boundary=x",
                                           "application/x-www-form-urlencoded"]), header_values)


def _decoded(body: bytes) -> list[str]:
    """The strings of a JSON body as the gateway reads them (escapes resolved), so their echo is no leak."""
    try:
        return list(strings(json.loads(body)))
    except ValueError:
        return []


def test_request_envelopes_of_any_shape(client: httpx.Client) -> None:
    @_fuzz_settings(120)
    @given(headers=callers(), method=st.sampled_from(["POST", "GET"]), body=envelopes, content_type=content_types,
           accept=st.one_of(st.none(), st.sampled_from(["application/graphql-response+json", "text/html", "*/*"])),
           params=st.dictionaries(st.sampled_from(["query", "variables", "operationName"]),
                                  st.one_of(st.text(max_size=60), st.sampled_from(VARIABLE_DOCUMENTS)), max_size=3))
    def check(headers: dict[str, Any], method: str, body: bytes, content_type: Any, accept: str | None,
              params: dict[str, str]) -> None:
        sent_headers = {**headers, "content-type": content_type}
        if accept:
            sent_headers["accept"] = accept
        if method == "GET":
            response = client.get("/graphql", params=params, headers=sent_headers)
        else:
            response = client.post("/graphql", content=body, headers=sent_headers)
        if response.headers.get("content-type", "").startswith("text/html"):
            assert response.status_code == 200
            return
        check_answer(response, "\n".join([body.decode("latin-1"), *_decoded(body), *params.values(),
                                          *(_text(value) for value in sent_headers.values())]))

    check()
