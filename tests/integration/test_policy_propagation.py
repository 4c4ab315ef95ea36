"""A policy change reaches every host within 2 s, and goes on the access record once.

The two hosts are two server processes with policy directories of their own: what one host's files
say reaches the other only through the publications in the shared access-record database, which
Redis announces. Redis neither holds the policy nor is needed to propagate it: with Redis down or
emptied, or written by anyone, what is live is what was published."""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import insert

from access.policy.store import files_version, read_policy_files
from control.propagation.watcher import channel, redis_client
from control.publication.published import PolicyPublications, policy_publications
from record.checkpoints import CheckpointSigner, load_or_create_signing_key
from record.database import LogDatabase
from record.store import AccessRecord, RecordConfig
from record.verify import verify_log
from tests.support.gateway import Stores
from tests.support.gateway_process import Deployment, Host, wait_until
from tests.support.private_redis import PrivateRedis

QUERY = "query($id: String!) { person(idNumber: $id) { education } }"
GRANT = "p, market-regulation, licence-approval, Person.education, clear"
ASKER = {"dept": "market-regulation", "purpose": "licence-approval"}
PHONE = "query($id: String!) { person(idNumber: $id) { phone } }"
PHONE_GRANT = "p, human-resources, employment-service, Person.phone, clear"
PHONE_ASKER = {"dept": "human-resources", "purpose": "employment-service"}
PROPAGATION_SECONDS = 2.0
T = TypeVar("T")


@pytest.fixture()
def private_deployment(sqlite_stores: Stores, licence_url: str, tmp_path: Path,
                       private_redis: PrivateRedis) -> Iterator[Deployment]:
    started = Deployment(sqlite_stores, licence_url, tmp_path, private_redis.url, "huitong")
    yield started
    started.stop()


def education(host: Host, person: dict) -> str | None:
    body = host.post(QUERY, {"id": person["gmsfhm"]}, **ASKER).json()
    assert "data" in body, body
    return body["data"]["person"]["education"]


def phone(host: Host, person: dict) -> str | None:
    body = host.post(PHONE, {"id": person["gmsfhm"]}, **PHONE_ASKER).json()
    return body["data"]["person"]["phone"]


def add_rule(host: Host, line: str) -> None:
    rules = host.policy_dir / "rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def remove_rule(host: Host, line: str) -> None:
    rules = host.policy_dir / "rules.csv"
    kept = [kept for kept in rules.read_text(encoding="utf-8").splitlines() if kept.strip() != line]
    assert len(kept) == len(rules.read_text(encoding="utf-8").splitlines()) - 1, f"{line!r} is not a rule"
    rules.write_text("\n".join(kept) + "\n", encoding="utf-8")


def on_publications(deployment: Deployment, use: Callable[[PolicyPublications, LogDatabase], Awaitable[T]]) -> T:
    async def run() -> T:
        database = LogDatabase(deployment.audit_url)
        try:
            return await use(PolicyPublications(database.engine), database)
        finally:
            await database.dispose()

    return asyncio.run(run())


def policy_entries(deployment: Deployment) -> list[tuple[int, dict]]:
    async def read() -> list[tuple[int, dict]]:
        access_log = await AccessRecord.open(RecordConfig(url=deployment.audit_url, origin="huitong.local/access-log"),
                                          _signer(deployment))
        try:
            return await access_log.entries_of_kind("policy")
        finally:
            await access_log.close()

    return asyncio.run(read())


def _signer(deployment: Deployment) -> CheckpointSigner:
    return CheckpointSigner("huitong.local/access-log",
                            load_or_create_signing_key(deployment.directory / "state" / "audit-signing-key.pem"))


def test_an_edit_on_one_host_is_live_on_both_within_two_seconds_and_recorded_once(deployment: Deployment,
                                                                                   dataset) -> None:
    person = dataset.persons[0]
    first, second = deployment.start_host("first"), deployment.start_host("second")
    before = first.readyz()["policy"]["version"]
    assert education(first, person) is None and education(second, person) is None

    add_rule(first, GRANT)
    changed = time.monotonic()
    wait_until(lambda: education(first, person) == person["whcddm"], PROPAGATION_SECONDS, "live on the edited host")
    wait_until(lambda: education(second, person) == person["whcddm"],
               PROPAGATION_SECONDS - (time.monotonic() - changed), "live on the other host")
    assert GRANT not in (second.policy_dir / "rules.csv").read_text(encoding="utf-8"), "it came as a publication"

    after = files_version(read_policy_files(first.policy_dir))
    for host in (first, second):
        policy = host.readyz()["policy"]
        assert policy == {"version": after, "source": "published", "propagation": "connected", "error": None}
    head = on_publications(deployment, lambda publications, _: publications.head())
    assert head.version == after and head.revision == 2, "the first host's files at start were revision 1"

    wait_until(lambda: any(e["version"] == after for _, e in policy_entries(deployment)), 10, "the record entry")
    time.sleep(1)  # room for a second, wrong entry
    entries = [entry for _, entry in policy_entries(deployment) if entry["version"] == after]
    assert len(entries) == 1, entries
    entry = entries[0]
    assert entry["previous"] == before and entry["via"] == "files" and entry["kind"] == "policy"
    assert entry["revision"] == 2
    assert entry["diff"]["lines"]["rules.csv"][-1] == "+" + GRANT
    decisions = entry["diff"]["decisions"]
    assert {"department": "market-regulation", "roles": [], "purpose": "licence-approval",
            "field": "Person.education", "before": "DENY", "after": "CLEAR"} in decisions
    assert {(d["department"], d["purpose"], d["field"]) for d in decisions} == \
        {("market-regulation", "licence-approval", "Person.education")}
    report = asyncio.run(verify_log(deployment.audit_url, {_signer(deployment).name: _signer(deployment).public_key}))
    assert report.ok, report.first_problem


def test_publish_command_checks_and_publishes_a_directory(deployment: Deployment, dataset, tmp_path: Path) -> None:
    person = dataset.persons[0]
    first, second = deployment.start_host("first"), deployment.start_host("second")
    edited = tmp_path / "edited"
    edited.mkdir()
    for name, text in read_policy_files(first.policy_dir).items():
        (edited / name).write_text(text + (GRANT + "\n" if name == "rules.csv" else ""), encoding="utf-8")

    broken = tmp_path / "broken"
    broken.mkdir()
    for name, text in read_policy_files(first.policy_dir).items():
        (broken / name).write_text(text + ("p, nobody, licence-approval, Person.phone, clear\n"
                                           if name == "rules.csv" else ""), encoding="utf-8")
    refused = deployment.command("policy", "publish", "--dir", str(broken), "--by", "officer-li")
    assert refused.returncode == 2 and "unknown department 'nobody'" in refused.stderr
    assert "nothing published" in refused.stderr

    published = deployment.command("policy", "publish", "--dir", str(edited), "--by", "officer-li")
    assert published.returncode == 0, published.stderr
    assert "announced to every worker" in published.stdout
    for host in (first, second):
        wait_until(lambda host=host: education(host, person) == person["whcddm"], PROPAGATION_SECONDS, host.name)

    version = files_version(read_policy_files(edited))
    wait_until(lambda: any(e["version"] == version for _, e in policy_entries(deployment)), 10, "the record entry")
    (entry,) = [e for _, e in policy_entries(deployment) if e["version"] == version]
    assert entry["publishedBy"] == "officer-li" and entry["via"] == "publish"

    again = deployment.command("policy", "publish", "--dir", str(edited), "--by", "officer-li")
    assert again.returncode == 0 and "already the published version" in again.stdout


def test_a_broken_policy_is_refused_by_every_host_and_reported(deployment: Deployment, dataset) -> None:
    person = dataset.persons[0]
    first, second = deployment.start_host("first"), deployment.start_host("second")
    live = first.readyz()["policy"]["version"]

    add_rule(first, "p, nobody, licence-approval, Person.phone, clear")
    wait_until(lambda: first.readyz()["policy"]["error"] is not None, PROPAGATION_SECONDS, "the local refusal")
    assert "unknown department 'nobody'" in first.readyz()["policy"]["error"]
    assert second.readyz()["policy"]["error"] is None, "a refused edit is not published"

    files = read_policy_files(second.policy_dir)
    files["rules.csv"] += GRANT + "\np, civil-affairs, curiosity, Person.name, clear\n"
    broken_version = files_version(files)
    # as a publisher with another catalog or a bug might
    assert on_publications(deployment, lambda publications, _: publications.publish(
        files, broken_version, "someone", "publish"))
    for host in (first, second):
        wait_until(lambda host=host: "unknown purpose 'curiosity'" in (host.readyz()["policy"]["error"] or ""),
                   PROPAGATION_SECONDS, f"{host.name} reporting the refused publication")
        assert host.readyz()["policy"]["version"] == live
        assert education(host, person) is None, "the refused policy's grant is not live"

    second.stop()
    second.start()
    assert education(second, person) is None, "a starting host serves the latest publication that loads"
    status = second.readyz()["policy"]
    assert status["version"] == live and status["source"] == "published"
    assert "unknown purpose 'curiosity'" in status["error"]
    assert not [e for _, e in policy_entries(deployment) if e["version"] == broken_version]


def test_a_malformed_publication_is_refused_and_the_next_good_one_still_arrives(deployment: Deployment,
                                                                               dataset) -> None:
    person = dataset.persons[0]
    first, second = deployment.start_host("first"), deployment.start_host("second")
    live = first.readyz()["policy"]["version"]
    files = read_policy_files(second.policy_dir)
    files["rules.csv"] += GRANT + "\n"

    async def write_malformed(publications: PolicyPublications, database: LogDatabase) -> None:
        head = await publications.head()
        async with database.engine.begin() as connection:  # as a half-written or foreign row
            await connection.execute(insert(policy_publications).values(
                revision=head.revision + 1, version="0123456789abcdef", files="not json", published_by="someone",
                via="publish", published_at=datetime.now(UTC)))

    on_publications(deployment, write_malformed)
    for host in (first, second):
        wait_until(lambda host=host: "malformed" in (host.readyz()["policy"]["error"] or ""),
                   PROPAGATION_SECONDS, f"{host.name} reporting the malformed publication")
        assert host.readyz()["policy"]["version"] == live and education(host, person) is None

    assert on_publications(deployment, lambda publications, _: publications.publish(
        files, files_version(files), "officer", "publish"))
    for host in (first, second):
        wait_until(lambda host=host: education(host, person) == person["whcddm"], PROPAGATION_SECONDS,
                   f"{host.name} adopting the next good publication")
        assert host.readyz()["policy"]["error"] is None


def test_nothing_written_to_redis_becomes_live(deployment: Deployment, dataset, redis_url: str,
                                               redis_prefix: str) -> None:
    """Redis holds no policy: whoever can write to it can at most make workers re-read the publications."""
    person = dataset.persons[0]
    host = deployment.start_host("first")
    live = host.readyz()["policy"]["version"]
    files = read_policy_files(host.policy_dir)
    files["rules.csv"] += GRANT + "\n"

    async def write() -> None:
        client = redis_client(redis_url)
        try:  # a well-formed policy where the old design kept it, and garbage on the channel
            await client.hset(f"{redis_prefix}:policy:published", mapping={
                "version": files_version(files), "revision": "99", "files": json.dumps(files), "by": "intruder",
                "via": "publish", "publishedAt": "2026-01-01T00:00:00Z", "previous": live, "previousFiles": ""})
            await client.set(f"{redis_prefix}:policy:recorded:99:{files_version(files)}", "garbage")
            for message in ("99", "not a revision", json.dumps(files)):
                await client.publish(channel(redis_prefix, "policy"), message)
        finally:
            await client.aclose()

    asyncio.run(write())
    time.sleep(1.5)  # three reloads
    assert education(host, person) is None
    assert host.readyz()["policy"] == {"version": live, "source": "published", "propagation": "connected",
                                       "error": None}


def test_a_restarted_host_takes_the_published_policy_over_its_own_files(deployment: Deployment, dataset) -> None:
    person = dataset.persons[0]
    first, second = deployment.start_host("first"), deployment.start_host("second")
    second.stop()
    add_rule(first, GRANT)
    wait_until(lambda: education(first, person) == person["whcddm"], PROPAGATION_SECONDS, "live on the edited host")
    second.start()
    assert education(second, person) == person["whcddm"], "the first answer already follows the published policy"
    assert second.readyz()["policy"]["source"] == "published"


def test_without_redis_each_host_keeps_to_its_own_files(sqlite_stores: Stores, licence_url: str, tmp_path: Path,
                                                       dataset) -> None:
    """The embedded default: no propagation, and /readyz says so."""
    deployment = Deployment(sqlite_stores, licence_url, tmp_path, None, "unused")
    try:
        person = dataset.persons[0]
        first, second = deployment.start_host("first"), deployment.start_host("second")
        add_rule(first, GRANT)
        wait_until(lambda: education(first, person) == person["whcddm"], PROPAGATION_SECONDS, "live on its host")
        time.sleep(1)
        assert education(second, person) is None
        assert second.readyz()["policy"]["propagation"] == "off" and second.readyz()["policy"]["source"] == "files"
        (entry,) = [e for _, e in policy_entries(deployment)]
        assert entry["via"] == "files" and entry["revision"] is None
    finally:
        deployment.stop()


def test_with_redis_down_edits_still_reach_every_host_and_a_starting_host_takes_them(
        private_deployment: Deployment, private_redis: PrivateRedis, dataset) -> None:
    person = dataset.persons[0]
    first, second = private_deployment.start_host("first"), private_deployment.start_host("second")
    private_redis.stop()
    for host in (first, second):
        wait_until(lambda host=host: host.readyz()["policy"]["propagation"] == "disconnected", 5, host.name)

    add_rule(first, GRANT)
    for host in (first, second):
        wait_until(lambda host=host: education(host, person) == person["whcddm"], PROPAGATION_SECONDS,
                   f"{host.name} polling the publications")
    third = private_deployment.start_host("third")  # its files are the shipped ones, without the grant
    assert education(third, person) == person["whcddm"], "a host starting without Redis takes the publication"
    version = files_version(read_policy_files(first.policy_dir))
    assert third.readyz()["policy"] == {"version": version, "source": "published", "propagation": "disconnected",
                                        "error": None}
    wait_until(lambda: any(e["version"] == version for _, e in policy_entries(private_deployment)), 10,
               "the record entry, claimed without Redis")

    private_redis.start()  # empty: nothing of the policy was there to lose
    for host in (first, second, third):
        wait_until(lambda host=host: host.readyz()["policy"]["propagation"] == "connected", 5, host.name)
        assert education(host, person) == person["whcddm"]
    assert len([e for _, e in policy_entries(private_deployment) if e["version"] == version]) == 1


def test_a_revocation_stays_in_force_when_redis_loses_its_data_and_a_stale_host_starts(
        private_deployment: Deployment, private_redis: PrivateRedis, dataset) -> None:
    person = dataset.persons[0]
    first, second = private_deployment.start_host("first"), private_deployment.start_host("second")
    assert phone(first, person) == person["lxdh"]
    remove_rule(first, PHONE_GRANT)
    for host in (first, second):
        wait_until(lambda host=host: phone(host, person) is None, PROPAGATION_SECONDS, f"{host.name} revoking")
    revoked = first.readyz()["policy"]["version"]

    private_redis.stop()
    private_redis.start()  # empty, as after a restart without persistence
    second.stop()
    second.start()  # its files still grant the phone
    stale = private_deployment.start_host("stale")  # the shipped files, which grant it too
    for host in (first, second, stale):
        wait_until(lambda host=host: host.readyz()["policy"]["propagation"] == "connected", 5, host.name)
    time.sleep(1.5)  # room for a wrong publication to spread
    for host in (first, second, stale):
        assert phone(host, person) is None, f"{host.name} brought the revoked grant back"
        assert host.readyz()["policy"]["version"] == revoked
    head = on_publications(private_deployment, lambda publications, _: publications.head())
    assert head.version == revoked and head.revision == 2, "no host published its stale files"
