"""Nothing reaches a caller that should not: no raw value of a DENY or MASK field (a property over any
caller, purpose and query), and nothing internal of an unexpected fault (traceback, SQL, paths)."""
from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.middleware.cors import CORSMiddleware

from access.decisions import Effect
from access.masking import MASK_KINDS, MaskContext
from access.row_maskers import token_domain
from tests.support.gateway import TOKEN_KEY, Gateway, Stores, start_gateway
from tests.support.lax_policy import lax_policy

DEPARTMENTS = ["public-security", "civil-affairs", "market-regulation", "approval-bureau", "human-resources",
               "data-bureau"]
PURPOSES = ["identity-verification", "social-assistance-review", "business-registration-approval",
            "licence-approval", "employment-service", "data-quality-check"]


def _scalars(gateway: Gateway, type_name: str) -> list[str]:
    return list(gateway.runtime.catalog.resource(type_name).fields)


def _text(value) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, str) else None


def _values(gateway: Gateway, type_name: str, rows: list[dict], effects: dict, wanted: set[Effect]) -> set[str]:
    fields = gateway.runtime.catalog.resource(type_name).fields.values()
    found = set()
    for row in rows:
        for field in fields:
            if effects[f"{type_name}.{field.name}"] in wanted:
                text = _text(row[field.column])
                if text and len(text) >= 4:
                    found.add(text)
    return found


def _disclosed(gateway: Gateway, type_name: str, rows: list[dict], decisions: dict, context: MaskContext) -> set[str]:
    """What the masks reveal by design (R1b keeps the area code), computed here from the raw rows."""
    fields = gateway.runtime.catalog.resource(type_name).fields.values()
    out = set()
    for row in rows:
        as_fields = {f.name: _text(row[f.column]) for f in fields}
        for field in fields:
            decision = decisions[f"{type_name}.{field.name}"]
            if decision.effect is Effect.MASK and as_fields[field.name] is not None:
                masked = MASK_KINDS[decision.mask].apply(as_fields[field.name], as_fields, context)
                if isinstance(masked, str):
                    out.add(masked)
    return out


@st.composite
def selections(draw, gateway: Gateway) -> str:
    person = draw(st.lists(st.sampled_from(_scalars(gateway, "Person")), min_size=1, unique=True))
    parts = list(person)
    if draw(st.booleans()):
        licence = draw(st.lists(st.sampled_from(_scalars(gateway, "Licence")), min_size=1, unique=True))
        parts.append("licences { " + " ".join(licence) + " }")
    if draw(st.booleans()):
        entity = draw(st.lists(st.sampled_from(_scalars(gateway, "LegalEntity")), min_size=1, unique=True))
        parts.append("representedEntities { " + " ".join(entity) + " legalRepresentative { " +
                     " ".join(person) + " } }")
    return "query($ids: [String!]!) { persons(idNumbers: $ids) { " + " ".join(parts) + " } }"


@pytest.fixture(scope="module", params=["demo", "lax"])
def governed(request: pytest.FixtureRequest, sqlite_stores: Stores,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """The demo policy, and the demo policy with the first wave's openings put back (tests.support.lax_policy)."""
    options = {"policy_dir": lax_policy(tmp_path_factory.mktemp("lax"))} if request.param == "lax" else {}
    started = start_gateway(sqlite_stores, **options)
    yield started
    started.stop()


def _datums_hidden(decisions: dict, people: list[dict], entities: list[dict], licences: list[dict]) -> set[str]:
    """The raw datums a caller may not see in clear, wherever they are held: ID numbers (found as substrings) and
    names (found as whole JSON strings), of persons, representatives and licence holders alike."""
    hidden = set()
    if decisions["Person.idNumber"].effect is not Effect.CLEAR:
        hidden |= {p["gmsfhm"] for p in people} | {e["fddbrzjhm"] for e in entities}
        hidden |= {lic["czztdm"] for lic in licences if lic["czztdmlx"] == "111"}
    if decisions["Person.name"].effect is not Effect.CLEAR:
        names = {p["xm"] for p in people} | {e["fddbr"] for e in entities}
        names |= {lic["czzt"] for lic in licences if lic["czztdmlx"] == "111"}
        hidden |= {json.dumps(name, ensure_ascii=False) for name in names}
    return hidden


def test_no_raw_datum_the_caller_may_not_see_appears_anywhere(governed: Gateway, dataset) -> None:
    """Whatever field carries it: a datum seen masked or denied through its authority appears nowhere in clear."""
    served = governed
    people, entities, licences = _neighbourhood(dataset)
    ids = [p["gmsfhm"] for p in people]

    @settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(query=selections(served))
    def check(query: str) -> None:
        for department, purpose in itertools.product(DEPARTMENTS, PURPOSES):
            runtime = served.runtime
            decisions = runtime.decisions.compiled(runtime.policies.current, department, (), purpose).decisions
            response = served.post(query, {"ids": ids}, dept=department, purpose=purpose)
            assert response.status_code == 200, response.text
            leaked = sorted(value for value in _datums_hidden(decisions, people, entities, licences)
                            if value in response.text)
            assert not leaked, (department, purpose, query, leaked)

    check()


def _neighbourhood(dataset) -> tuple[list[dict], list[dict], list[dict]]:
    """Representatives who hold licences and a few others; the entities they represent and every licence around."""
    representatives = {e["fddbrzjhm"] for e in dataset.entities}
    people = [p for p in dataset.persons if p["gmsfhm"] in representatives][:4] + dataset.persons[:4]
    ids = {p["gmsfhm"] for p in people}
    entities = [e for e in dataset.entities if e["fddbrzjhm"] in ids]
    licences = [lic for lic in dataset.licences if lic["czztdm"] in ids | {e["tyshxydm"] for e in entities}]
    return people, entities, licences


def test_no_raw_value_of_a_restricted_field_appears(gateway: Gateway, dataset) -> None:
    representatives = {e["fddbrzjhm"] for e in dataset.entities}
    people = [p for p in dataset.persons if p["gmsfhm"] in representatives][:4] + dataset.persons[:4]
    ids = [p["gmsfhm"] for p in people]
    licences = [lic for lic in dataset.licences if lic["czztdm"] in set(ids)]
    entities = [e for e in dataset.entities if e["fddbrzjhm"] in set(ids)]
    licences += [lic for lic in dataset.licences if lic["czztdm"] in {e["tyshxydm"] for e in entities}]

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(department=st.sampled_from(DEPARTMENTS), purpose=st.sampled_from(PURPOSES), query=selections(gateway))
    def check(department: str, purpose: str, query: str) -> None:
        runtime = gateway.runtime
        decisions = runtime.decisions.compiled(runtime.policies.current, department, (), purpose).decisions
        effects = {name: decision.effect for name, decision in decisions.items()}
        restricted = {Effect.DENY, Effect.MASK}
        hidden = (_values(gateway, "Person", people, effects, restricted)
                  | _values(gateway, "Licence", licences, effects, restricted)
                  | _values(gateway, "LegalEntity", entities, effects, restricted))
        shown = (_values(gateway, "Person", people, effects, {Effect.CLEAR})
                 | _values(gateway, "Licence", licences, effects, {Effect.CLEAR})
                 | _values(gateway, "LegalEntity", entities, effects, {Effect.CLEAR}))
        context = MaskContext(TOKEN_KEY.encode(), token_domain(department, purpose), date.today())
        disclosed = set().union(*(_disclosed(gateway, name, rows, decisions, context) for name, rows in
                                  (("Person", people), ("Licence", licences), ("LegalEntity", entities))))
        response = gateway.post(query, {"ids": ids}, dept=department, purpose=purpose)
        assert response.status_code == 200, response.text
        body = response.text
        leaked = sorted(value for value in hidden - shown
                        if value in body and not any(value in masked for masked in disclosed))
        assert not leaked, (department, purpose, query, leaked)

    check()


# -- unexpected faults: the caller gets the request id, the log gets the details --------------------

SECRET = ("SELECT gmsfhm, xm FROM czrk WHERE gmsfhm = '110105194912310020' -- "
          'File "/work/main/connectors/sql.py", line 42, in fetch: asyncpg.exceptions.UndefinedTableError')
LEAKS = ("SELECT", "czrk", "/work/", "sql.py", "Traceback", "asyncpg", "RuntimeError")


@pytest.fixture(scope="module")
def fragile(sqlite_stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(sqlite_stores, cors_origins=["https://app.example.gov.cn"])
    yield started
    started.stop()


def _explode(*_: object, **__: object) -> None:
    raise RuntimeError(SECRET)


async def _explode_async(*_: object, **__: object) -> None:
    raise RuntimeError(SECRET)


def _assert_internal_error_quoting_its_id(response: httpx.Response, caplog: pytest.LogCaptureFixture) -> str:
    for leak in LEAKS:
        assert leak not in response.text
    request_id = response.headers["x-request-id"]
    body = response.json()
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"INTERNAL_SERVER_ERROR"}
    assert all(request_id in e["message"] and e["extensions"]["requestId"] == request_id for e in body["errors"])
    assert body["extensions"]["requestId"] == request_id
    logged = [r for r in caplog.records if request_id in r.getMessage() and r.exc_info]
    assert logged and SECRET in str(logged[0].exc_info[1])
    return request_id


def test_a_fault_while_preparing_the_query(fragile: Gateway, monkeypatch, caplog) -> None:
    monkeypatch.setattr(fragile.runtime.documents, "get", _explode)
    response = fragile.post("{ __typename }")
    assert response.status_code == 500
    _assert_internal_error_quoting_its_id(response, caplog)
    assert "accessRecord" in response.json()["extensions"]


def test_a_fault_while_reading_a_department(fragile: Gateway, dataset, monkeypatch, caplog) -> None:
    monkeypatch.setattr(fragile.runtime.connectors["population"], "fetch", _explode_async)
    response = fragile.post("query($id: String!) { person(idNumber: $id) { name } }",
                            {"id": dataset.persons[0]["gmsfhm"]}, headers={"accept": "application/json"})
    assert response.status_code == 500  # a fault, not a refusal: 500 under application/json too
    _assert_internal_error_quoting_its_id(response, caplog)


def test_a_fault_in_a_route_outside_graphql(fragile: Gateway, monkeypatch, caplog) -> None:
    monkeypatch.setattr(fragile.runtime.connectors["population"], "ping", _explode_async)
    response = httpx.get(fragile.url + "/readyz")
    assert response.status_code == 500
    _assert_internal_error_quoting_its_id(response, caplog)
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_fault_in_a_middleware(fragile: Gateway, monkeypatch, caplog) -> None:
    monkeypatch.setattr(CORSMiddleware, "simple_response", _explode_async)
    response = httpx.get(fragile.url + "/healthz", headers={"origin": "https://app.example.gov.cn"})
    assert response.status_code == 500
    _assert_internal_error_quoting_its_id(response, caplog)
