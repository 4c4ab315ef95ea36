"""No existence oracle: a caller that sees citizen ID numbers masked cannot find which of the candidates behind a mask
exists, by asking, beyond a small daily lookup budget; callers that see them in clear are not counted."""
from __future__ import annotations

import datetime
import random
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import orjson
import pytest
import yaml

from access.identity.minting import mint_token
from catalog.formats.citizen_id import make_citizen_id
from tests.support.gateway import AUDITOR, JWT_SECRET, Gateway, Stores, start_gateway
from tests.support.private_redis import PrivateRedis

BARE = "query($ids: [String!]!) { persons(idNumbers: $ids) { __typename } }"
MASKED = ("human-resources", "identity-verification")  # sees Person.idNumber masked R1b, and the birth year
NOTHING_ASKED = {"population": 0, "entity": 0, "licence": 0}
AUDIT = """query($id: String!) { accessRecord { subject(idNumber: $id) { requestId status outcome entry } } }"""


def _budget_file(directory: Path, **probes: int) -> Path:
    path = directory / "rate-limits.yaml"
    path.write_text(yaml.safe_dump({"system": {"default": "100000/hour"}, "department": {"default": "100000/hour"},
                                    "probes": {name.replace("_", "-"): value for name, value in probes.items()}}))
    return path


@pytest.fixture()
def start(sqlite_stores: Stores) -> Iterator[Callable[..., Gateway]]:
    started: list[Gateway] = []

    def starter(**overrides: object) -> Gateway:
        gateway = start_gateway(sqlite_stores, **overrides)
        started.append(gateway)
        return gateway

    yield starter
    for gateway in started:
        gateway.stop()


def _candidates(person_id: str) -> list[str]:
    """Every valid ID number behind the mask `513429********1414` of a person born in a known year: its area,
    sequence and check digit with each date of that year."""
    year = int(person_id[6:10])
    days = (datetime.date(year, 1, 1) + datetime.timedelta(days=n) for n in range(366))
    made = (make_citizen_id(person_id[:6], day, int(person_id[14:17])) for day in days if day.year == year)
    return [candidate for candidate in made if candidate[-1] == person_id[-1]]


@pytest.fixture(scope="module")
def target(dataset) -> tuple[str, list[str]]:
    """A person and the candidates its masked ID number leaves, exactly one of which exists."""
    existing = {person["gmsfhm"] for person in dataset.persons}
    for person in dataset.persons:
        candidates = _candidates(person["gmsfhm"])
        if len(existing.intersection(candidates)) == 1 and len(candidates) >= 30:
            return person["gmsfhm"], candidates
    raise AssertionError("no person of the dataset has a mask only it matches")


def _absent(dataset, count: int, seed: int = 3) -> list[str]:
    existing = {person["gmsfhm"] for person in dataset.persons}
    rng = random.Random(seed)
    made: set[str] = set()
    while len(made) < count:
        made.add(make_citizen_id("110105", datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000)),
                                 rng.randrange(1000)))
    return sorted(made - existing)


def _ask(gateway: Gateway, ids: list[str], caller: tuple[str, str] = MASKED, system: str = "hr-desk",
         query: str = BARE) -> httpx.Response:
    department, purpose = caller
    return gateway.post(query, {"ids": ids}, dept=department, purpose=purpose,
                        token=mint_token(JWT_SECRET, system, department))


def _served(response: httpx.Response) -> list:
    assert response.status_code == 200, response.text
    return response.json()["data"]["persons"]


def _spent(response: httpx.Response) -> dict:
    assert response.status_code == 429, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "LOOKUP_BUDGET_EXCEEDED"
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 24 * 3600 and error["extensions"]["retryAfter"] == retry_after
    return error


def _record_of(gateway: Gateway, subject: str) -> dict[str, dict]:
    """The access record's entries about `subject`, as an auditor reads them, by request id."""
    body = gateway.post(AUDIT, {"id": subject}, **AUDITOR).json()
    return {found["requestId"]: {**orjson.loads(found["entry"]), "status": found["status"]}
            for found in body["data"]["accessRecord"]["subject"]}


def test_probing_the_candidates_behind_a_mask_is_counted_then_refused_and_recorded(
        start, target, tmp_path, redis_url, redis_prefix) -> None:
    real, candidates = target
    gateway = start(rate_limits_file=_budget_file(tmp_path, failed_keys_per_department=200,
                                                  failed_keys_per_system_purpose=100),
                    redis_url=redis_url, redis_prefix=redis_prefix)
    served = []
    while (refusal := _ask(gateway, candidates)).status_code == 200:
        found = [candidate for candidate, row in zip(candidates, _served(refusal), strict=True) if row is not None]
        assert found == [real]  # what the budget is for: each answer gives the full ID number away
        served.append(refusal)
    failing = len(candidates) - 1
    assert len(served) == (100 - 1) // failing  # each reserves every candidate and gets back the one found
    error = _spent(refusal)
    assert error["extensions"]["limitedBy"] == "failed-keys-per-system-purpose" and error["extensions"]["limit"] == 100
    assert not any(candidate[6:14] in error["message"] for candidate in candidates)  # no ID number in it

    # One key at a time, aliased or in a fragment, is counted the same way until the budget is spent.
    left = 100 - len(served) * failing
    absent = [candidate for candidate in candidates if candidate != real]
    single = "query($a: String!, $b: String!) { one: person(idNumber: $a) { __typename } ...Other } " \
             "fragment Other on Query { other: person(idNumber: $b) { __typename } }"
    for pair in range(left // 2):
        answer = gateway.post(single, {"a": absent[2 * pair], "b": absent[2 * pair + 1]}, dept=MASKED[0],
                              purpose=MASKED[1], token=mint_token(JWT_SECRET, "hr-desk", MASKED[0]))
        assert answer.status_code == 200 and answer.json()["data"] == {"one": None, "other": None}
    for key in absent[:left % 2]:
        assert _served(_ask(gateway, [key])) == [None]
    gateway.reset_counts()
    _spent(_ask(gateway, [absent[-1]]))
    legacy = gateway.post(BARE, {"ids": absent[-1:]}, dept=MASKED[0], purpose=MASKED[1],
                          headers={"accept": "application/json"}, token=mint_token(JWT_SECRET, "hr-desk", MASKED[0]))
    _spent(legacy)  # 429 under application/json too, like the rate limits'
    assert gateway.counts() == NOTHING_ASKED

    record = _record_of(gateway, real)
    asked = len(candidates)
    for response in served:
        entry = record[response.json()["extensions"]["requestId"]]
        assert entry["outcome"] == "served" and entry["probe"] == {"lookupKeys": asked, "failedKeys": asked - 1}
    refused = record[refusal.json()["extensions"]["requestId"]]
    assert (refused["status"], refused["outcome"]) == (429, "LOOKUP_BUDGET_EXCEEDED")
    assert refused["probe"] == {"lookupKeys": asked, "refusedBy": "failed-keys-per-system-purpose"}


def test_callers_that_see_the_id_number_in_clear_are_never_counted(start, dataset, tmp_path) -> None:
    gateway = start(rate_limits_file=_budget_file(tmp_path, failed_keys_per_department=1,
                                                  failed_keys_per_system_purpose=1, subjects_per_department=1,
                                                  subjects_per_system_purpose=1, keys_per_operation=1))
    absent = _absent(dataset, 1000)
    for caller in (("civil-affairs", "social-assistance-review"), ("public-security", "identity-verification")):
        for _ in range(2):
            assert _served(_ask(gateway, absent, caller)) == [None] * len(absent)
    assert all("probe" not in entry for entry in _record_of(gateway, absent[0]).values())
    refused = _ask(gateway, absent[:2])  # the same file does count a caller that sees them masked
    assert refused.status_code == 400 and refused.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_KEYS"


def test_every_system_of_a_department_spends_the_departments_budget(start, dataset, tmp_path) -> None:
    gateway = start(rate_limits_file=_budget_file(tmp_path, failed_keys_per_department=60,
                                                  failed_keys_per_system_purpose=40, keys_per_operation=40))
    absent = _absent(dataset, 200)
    batches = iter(absent[n:n + 30] for n in range(0, 180, 30))
    assert _served(_ask(gateway, next(batches), system="desk-a")) == [None] * 30
    error = _spent(_ask(gateway, next(batches), system="desk-a"))
    assert error["extensions"]["limitedBy"] == "failed-keys-per-system-purpose"
    assert _served(_ask(gateway, next(batches), system="desk-b")) == [None] * 30  # 60 for the department
    for system, purpose in (("desk-c", "identity-verification"), ("desk-a", "employment-service")):
        error = _spent(_ask(gateway, next(batches)[:1], ("human-resources", purpose), system))
        assert error["extensions"]["limitedBy"] == "failed-keys-per-department"
        assert error["extensions"]["limit"] == 60 and "'human-resources'" in error["message"]
    other = ("market-regulation", "business-registration-approval")  # sees them masked too, on its own budget
    assert _served(_ask(gateway, next(batches), other, system="desk-a")) == [None] * 30


def test_bulk_lookups_by_a_key_the_caller_sees_masked_are_limited_per_operation(start, dataset, tmp_path) -> None:
    gateway = start(rate_limits_file=_budget_file(tmp_path, keys_per_operation=40))
    absent = _absent(dataset, 41)
    gateway.reset_counts()
    refused = _ask(gateway, absent)
    assert refused.status_code == 400 and gateway.counts() == NOTHING_ASKED
    error = refused.json()["errors"][0]
    assert error["extensions"] == {"code": "TOO_MANY_KEYS", "keys": 41, "limit": 40}
    split = "query($ids: [String!]!, $id: String!) { persons(idNumbers: $ids) { __typename } " \
            "one: person(idNumber: $id) { __typename } }"
    spread = gateway.post(split, {"ids": absent[:40], "id": absent[40]}, dept=MASKED[0], purpose=MASKED[1])
    assert spread.status_code == 400 and spread.json()["errors"][0]["extensions"]["keys"] == 41
    assert _served(_ask(gateway, absent[:40] + absent[:1])) == [None] * 41  # a key asked twice is one key
    assert _served(_ask(gateway, absent, ("civil-affairs", "social-assistance-review"))) == [None] * 41


def test_keys_found_are_refunded_and_only_keys_that_find_nothing_spend_the_budget(
        start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    gateway = start(rate_limits_file=_budget_file(tmp_path, failed_keys_per_system_purpose=50, keys_per_operation=50),
                    redis_url=redis_url, redis_prefix=redis_prefix)
    existing = [person["gmsfhm"] for person in dataset.persons[:50]]
    for _ in range(3):  # each reserves the whole budget, and gets it all back
        assert None not in _served(_ask(gateway, existing))
    absent = _absent(dataset, 50)
    assert _served(_ask(gateway, absent[:25] + existing[:25])) == [None] * 25 + [{"__typename": "Person"}] * 25
    assert _served(_ask(gateway, absent[25:])) == [None] * 25
    error = _spent(_ask(gateway, existing[:1]))  # every key is reserved as failing before anyone is asked
    assert error["extensions"]["limitedBy"] == "failed-keys-per-system-purpose"


def test_keys_no_department_answered_for_are_refunded(sqlite_stores, dataset, tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"postgresql+asyncpg://huitong@127.0.0.1:{probe.getsockname()[1]}/population"
    gateway = start_gateway(replace(sqlite_stores, population_url=nowhere),
                            rate_limits_file=_budget_file(tmp_path, failed_keys_per_system_purpose=30,
                                                          keys_per_operation=30))
    try:
        absent = _absent(dataset, 30)
        for _ in range(3):  # nobody answered, so nothing was learnt and nothing is spent
            answer = _ask(gateway, absent)
            assert answer.status_code == 200
            assert {error["extensions"]["code"] for error in answer.json()["errors"]} == {"SOURCE_UNAVAILABLE"}
        entry = _record_of(gateway, absent[0])[answer.json()["extensions"]["requestId"]]
        assert entry["probe"] == {"lookupKeys": 30, "failedKeys": 0}
    finally:
        gateway.stop()


def test_distinct_subjects_found_are_counted_and_refused_past_their_budget(
        start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    gateway = start(rate_limits_file=_budget_file(tmp_path, subjects_per_department=60,
                                                  subjects_per_system_purpose=60),
                    redis_url=redis_url, redis_prefix=redis_prefix)
    existing = [person["gmsfhm"] for person in dataset.persons[:61]]
    for _ in range(3):  # the same 50 subjects again and again count 50
        assert None not in _served(_ask(gateway, existing[:50]))
    assert None not in _served(_ask(gateway, existing[50:60]))
    error = _spent(_ask(gateway, existing[60:]))
    assert error["extensions"]["limitedBy"] == "subjects-per-department" and error["extensions"]["limit"] == 60


def test_two_gateways_on_one_redis_share_the_budget(start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    shared = {"rate_limits_file": _budget_file(tmp_path, failed_keys_per_system_purpose=50, keys_per_operation=50),
              "redis_url": redis_url, "redis_prefix": redis_prefix}
    first, second = start(**shared), start(**shared)
    absent = _absent(dataset, 81)
    assert _served(_ask(first, absent[:30])) == [None] * 30
    assert _spent(_ask(second, absent[30:60]))["extensions"]["limitedBy"] == "failed-keys-per-system-purpose"
    assert _served(_ask(second, absent[60:80])) == [None] * 20
    _spent(_ask(first, absent[80:]))


def test_with_redis_gone_each_process_keeps_counting_from_its_share(start, dataset, tmp_path, redis_prefix) -> None:
    redis = PrivateRedis().start()
    try:
        gateway = start(rate_limits_file=_budget_file(tmp_path, failed_keys_per_system_purpose=50,
                                                      keys_per_operation=50),
                        redis_url=redis.url, redis_prefix=redis_prefix, rate_limits_retry_seconds=0.2)
        absent = _absent(dataset, 81)
        assert _served(_ask(gateway, absent[:30])) == [None] * 30
        redis.stop()
        _spent(_ask(gateway, absent[30:60]))  # the 30 counted through Redis are counted in the process too
        assert _served(_ask(gateway, absent[60:80])) == [None] * 20
        _spent(_ask(gateway, absent[80:]))
        assert httpx.get(gateway.url + "/readyz", timeout=10).json()["rateLimits"]["status"] == "degraded"
    finally:
        redis.stop()
