"""Roles come from the server's assignment (policy/roles.csv), never from the token: a claimed role opens nothing, an
assigned one works without any claim, a token claiming hundreds of roles costs nothing, and a new policy version's
decision maps are compiled off the event loop."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from access.policy.store import policy_version
from tests.control.workbench.support import append, copy_policy
from tests.support.gateway import AUDITOR, Gateway, Stores, start_gateway
from tests.support.gateway_process import Deployment, Host, wait_until

PERSON = "query($id: String!) { person(idNumber: $id) { name } }"
PHONE = "query($id: String!) { person(idNumber: $id) { phone } }"
AUDIT = "query($id: String!) { accessRecord { subject(idNumber: $id) { requestId roles } } }"
INSPECTOR_RULE = "p, role:inspector, identity-verification, Person.phone, clear"
DUTIES = [f"duty-{n}" for n in range(30)]
HEALTHZ_SECONDS = 0.5


def _refused_the_record(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN_FIELD"
    assert "data" not in response.json()


def _entry(gateway: Gateway, subject: str, request_id: str) -> dict:
    listed = gateway.post(AUDIT, {"id": subject}, **AUDITOR).json()["data"]["accessRecord"]["subject"]
    return next(found for found in listed if found["requestId"] == request_id)


def _healthz_waits_while(url: str, busy: Callable[[], bool]) -> list[float]:
    """How long the server's /healthz took, asked over and over while `busy()` holds."""
    waits = []
    while busy():
        started = time.monotonic()
        assert httpx.get(url + "/healthz", timeout=30).status_code == 200
        waits.append(time.monotonic() - started)
    return waits


def test_a_token_claiming_the_auditor_role_reads_nothing_of_the_access_record(gateway: Gateway, dataset) -> None:
    subject = dataset.persons[11]["gmsfhm"]
    _refused_the_record(gateway.post(AUDIT, {"id": subject}, dept="human-resources", purpose="identity-verification",
                                     roles=["auditor"]))
    _refused_the_record(gateway.post(AUDIT, {"id": subject}, dept="data-bureau", system="case-desk",
                                     purpose="data-quality-check", roles=["auditor"]))


def test_the_system_assigned_the_auditor_role_reads_the_record_without_claiming_it(gateway: Gateway,
                                                                                 dataset) -> None:
    subject = dataset.persons[12]["gmsfhm"]
    served = gateway.post(PERSON, {"id": subject}).json()["extensions"]["requestId"]
    assert _entry(gateway, subject, served)["roles"] == []


def test_three_hundred_claimed_roles_are_answered_as_the_assigned_ones_and_keep_healthz_quick(gateway: Gateway,
                                                                                            dataset) -> None:
    subject = dataset.persons[13]["gmsfhm"]
    claimed = [f"duty-{n}" for n in range(300)]
    decisions = gateway.runtime.decisions  # measured once the gateway's own maps are compiled
    wait_until(lambda: (status := decisions.status())["compiled"] == status["combinations"], 60, "the maps")
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        asked = pool.submit(gateway.post, PERSON, {"id": subject}, roles=claimed, **AUDITOR)
        waits = _healthz_waits_while(gateway.url, lambda: not asked.done())
        answered = asked.result()
    assert answered.status_code == 200, answered.text
    assert time.monotonic() - started < 5
    assert max(waits, default=0) < HEALTHZ_SECONDS
    assert _entry(gateway, subject, answered.json()["extensions"]["requestId"])["roles"] == ["auditor"]


@pytest.fixture(scope="module")
def own_policy(sqlite_stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    policy_dir = copy_policy(tmp_path_factory.mktemp("assigned-roles") / "policy")
    append(policy_dir, INSPECTOR_RULE)
    append(policy_dir, "human-resources,inspection-desk,inspector", file="roles.csv")
    started = start_gateway(sqlite_stores, policy_dir=policy_dir, policy_reload_interval=0.1)
    yield started
    started.stop()


def test_a_role_rule_serves_the_systems_assigned_the_role_and_no_claim(own_policy: Gateway, dataset) -> None:
    person = dataset.persons[14]

    def phone(**caller: object) -> str | None:
        body = own_policy.post(PHONE, {"id": person["gmsfhm"]}, dept="human-resources",
                               purpose="identity-verification", **caller).json()
        return body["data"]["person"]["phone"]

    assert phone(system="inspection-desk") == person["lxdh"]
    assert phone(roles=["inspector"]) is None
    assert phone(system="case-desk", roles=["inspector"]) is None


@pytest.fixture()
def busy_host(sqlite_stores: Stores, licence_url: str, tmp_path: Path) -> Iterator[Host]:
    """A server process whose rules name thirty roles that no system holds yet."""
    deployment = Deployment(sqlite_stores, licence_url, tmp_path, None, "huitong")

    def name_duties(policy_dir: Path) -> None:
        for duty in DUTIES:
            append(policy_dir, f"p, role:{duty}, identity-verification, Person.phone, mask")

    yield deployment.start_host("busy", name_duties)
    deployment.stop()


def _compiled(host: Host) -> dict:
    return host.readyz()["decisions"]


def test_a_new_version_is_compiled_for_every_assigned_caller_off_the_event_loop(busy_host: Host, dataset) -> None:
    """The thirty roles given to one system: seconds of Casbin for its maps, during which /healthz stays quick."""
    wait_until(lambda: (status := _compiled(busy_host))["compiled"] == status["combinations"], 60, "the first maps")
    assignment = busy_host.policy_dir / "roles.csv"
    assignment.write_text(assignment.read_text(encoding="utf-8") + "".join(
        f"human-resources,duty-desk,{duty}\n" for duty in DUTIES), encoding="utf-8")
    version = policy_version(busy_host.policy_dir)
    wait_until(lambda: _compiled(busy_host)["version"] == version, 10, "the new version")

    def compiling() -> bool:
        status = _compiled(busy_host)
        return status["compiled"] < status["combinations"]

    assert compiling()
    waits = _healthz_waits_while(busy_host.url, compiling)
    assert len(waits) >= 5 and max(waits) < HEALTHZ_SECONDS
    assert busy_host.readyz()["policy"]["version"] == version
    person = dataset.persons[15]
    masked = busy_host.post(PHONE, {"id": person["gmsfhm"]}, dept="human-resources", system="duty-desk",
                            purpose="identity-verification").json()["data"]["person"]["phone"]
    assert masked is not None and masked != person["lxdh"] and masked[-4:] == person["lxdh"][-4:]
