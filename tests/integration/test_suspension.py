"""Suspending a calling system (of its department) or a department takes effect on every host at once, survives
restarts, and both acts (and every refused request) are on the access record."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from record.checkpoints import CheckpointSigner, load_or_create_signing_key
from record.store import AccessRecord, RecordConfig
from tests.support.gateway import Stores
from tests.support.gateway_process import Deployment, Host, wait_until
from tests.support.private_redis import PrivateRedis

QUERY = "query($id: String!) { person(idNumber: $id) { name } }"
PROPAGATION_SECONDS = 2.0
SUSPECT = "case-system"


def status(host: Host, person: dict, system: str, dept: str = "civil-affairs") -> int:
    response = host.post(QUERY, {"id": person["gmsfhm"]}, dept=dept, purpose="identity-verification", system=system)
    if response.status_code == 403:
        assert response.json()["errors"][0]["extensions"]["code"] == "CALLER_SUSPENDED", response.text
    return response.status_code


def on_record(deployment: Deployment, use):
    async def read():
        signer = CheckpointSigner("huitong.local/access-log",
                                  load_or_create_signing_key(deployment.directory / "state" / "audit-signing-key.pem"))
        access_log = await AccessRecord.open(RecordConfig(url=deployment.audit_url, origin=signer.name), signer)
        try:
            return await use(access_log)
        finally:
            await access_log.close()

    return asyncio.run(read())


def officer(deployment: Deployment, *arguments: str) -> str:
    done = deployment.command(*arguments)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_suspension_of_a_system_and_of_a_department_on_every_host(deployment: Deployment, dataset) -> None:
    person = dataset.persons[0]
    hosts = deployment.start_host("first"), deployment.start_host("second")
    assert all(status(host, person, SUSPECT) == 200 for host in hosts)

    officer(deployment, "suspend", "--dept", "civil-affairs", "--system", SUSPECT, "--reason",
            "used shared data outside its duties", "--by", "officer-wang")
    for host in hosts:
        wait_until(lambda host=host: status(host, person, SUSPECT) == 403, PROPAGATION_SECONDS, host.name)
        assert status(host, person, "other-system") == 200, "only the suspended system is refused"
        assert status(host, person, SUSPECT, "public-security") == 200, \
            "another department's system of the same name is not suspended"
    refused = hosts[1].post(QUERY, {"id": person["gmsfhm"]}, dept="civil-affairs", purpose="identity-verification",
                            system=SUSPECT).json()
    assert "data" not in refused
    assert refused["errors"][0]["extensions"]["reason"] == "used shared data outside its duties"
    assert refused["errors"][0]["message"].startswith(f"system {SUSPECT!r} of civil-affairs is suspended")

    officer(deployment, "suspend", "--dept", "market-regulation", "--reason", "audit finding 2026-3",
            "--by", "officer-wang")
    for host in hosts:
        wait_until(lambda host=host: status(host, person, "any-system", "market-regulation") == 403,
                   PROPAGATION_SECONDS, host.name)
        assert status(host, person, "other-system") == 200
        assert host.readyz()["suspensions"] == {"systems": 1, "departments": 1, "propagation": "connected",
                                                "error": None}

    hosts[1].stop()
    hosts[1].start()
    assert status(hosts[1], person, SUSPECT) == 403, "a restart does not lift a suspension"
    assert status(hosts[1], person, "any-system", "market-regulation") == 403

    officer(deployment, "lift", "--dept", "civil-affairs", "--system", SUSPECT, "--reason", "training completed",
            "--by", "officer-zhao")
    officer(deployment, "lift", "--dept", "market-regulation", "--reason", "finding closed", "--by", "officer-zhao")
    for host in hosts:
        wait_until(lambda host=host: status(host, person, SUSPECT) == 200, PROPAGATION_SECONDS, host.name)
        wait_until(lambda host=host: status(host, person, "any-system", "market-regulation") == 200,
                   PROPAGATION_SECONDS, host.name)

    acts = on_record(deployment, lambda access_log: access_log.entries_of_kind("suspension"))
    assert [(e["action"], e["scope"], e.get("department"), e["name"], e["by"], e["reason"]) for _, e in acts] == [
        ("suspend", "system", "civil-affairs", SUSPECT, "officer-wang", "used shared data outside its duties"),
        ("suspend", "department", None, "market-regulation", "officer-wang", "audit finding 2026-3"),
        ("lift", "system", "civil-affairs", SUSPECT, "officer-zhao", "training completed"),
        ("lift", "department", None, "market-regulation", "officer-zhao", "finding closed")]
    assert acts[2][1]["suspended"]["entry"] == acts[0][0]
    listed = deployment.command("audit", "suspension-acts")
    assert listed.returncode == 0 and "officer-zhao" in listed.stdout

    now = datetime.now(UTC)
    requests = on_record(deployment, lambda access_log: access_log.entries_for_caller(
        SUSPECT, None, now - timedelta(hours=1), now + timedelta(hours=1)))
    assert "CALLER_SUSPENDED" in {entry["outcome"] for _, entry in requests}, "refused requests are recorded"


def test_bad_commands_change_nothing(deployment: Deployment) -> None:
    for arguments, words in [
        (("suspend", "--system", "s"), "Missing option '--dept'"),
        (("suspend", "--dept", "tax-office"), "unknown department 'tax-office'"),
        (("suspend", "--dept", "civil-affairs", "--system", " "), "--system must be"),
        (("suspend", "--dept", "civil-affairs", "--system", "case\tsystem"), "--system must be"),
        (("lift", "--dept", "civil-affairs", "--system", SUSPECT), "not suspended; nothing changed"),
    ]:
        done = deployment.command(*arguments, "--reason", "r", "--by", "officer-wang")
        assert done.returncode == 2 and words in done.stderr, (arguments, done.stderr)
    officer(deployment, "suspend", "--dept", "civil-affairs", "--system", SUSPECT, "--reason", "r", "--by",
            "officer-wang")
    again = deployment.command("suspend", "--dept", "civil-affairs", "--system", SUSPECT, "--reason", "r", "--by",
                               "officer-wang")
    assert again.returncode == 2 and "already suspended" in again.stderr
    acts = on_record(deployment, lambda access_log: access_log.entries_of_kind("suspension"))
    assert len(acts) == 1
    listed = officer(deployment, "suspensions")
    assert SUSPECT in listed and "civil-affairs" in listed


def test_with_redis_down_suspensions_hold_and_new_ones_arrive_by_polling(sqlite_stores: Stores, licence_url: str,
                                                                         tmp_path: Path, dataset,
                                                                         private_redis: PrivateRedis) -> None:
    deployment = Deployment(sqlite_stores, licence_url, tmp_path, private_redis.url, "huitong",
                            extra={"HUITONG_SUSPENSION_POLL_SECONDS": "1"})
    try:
        person = dataset.persons[0]
        hosts = deployment.start_host("first"), deployment.start_host("second")
        officer(deployment, "suspend", "--dept", "civil-affairs", "--system", SUSPECT, "--reason", "r", "--by",
                "officer-wang")
        for host in hosts:
            wait_until(lambda host=host: status(host, person, SUSPECT) == 403, PROPAGATION_SECONDS, host.name)

        private_redis.stop()
        for host in hosts:
            wait_until(lambda host=host: host.readyz()["suspensions"]["propagation"] == "disconnected", 5, host.name)
            assert status(host, person, SUSPECT) == 403, "the last known suspensions hold"

        said = officer(deployment, "suspend", "--dept", "market-regulation", "--reason", "r", "--by", "officer-wang")
        assert "Redis unreachable" in said and "within 1 s" in said
        for host in hosts:
            wait_until(lambda host=host: status(host, person, "any-system", "market-regulation") == 403, 3, host.name)
    finally:
        deployment.stop()
