"""A policy change reaches every host within 2 s through Redis, and goes on the access record once.

The two hosts are two server processes with policy directories of their own: what one host's files
say reaches the other only through Redis."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.checkpoints import CheckpointSigner, load_or_create_signing_key
from audit.store import AccessLog, LogConfig
from audit.verify import verify_log
from policy.published import PublishedPolicy
from policy.store import files_version, read_policy_files
from propagation.redis_link import redis_client
from tests.support.gateway import Stores, start_licence_service
from tests.support.gateway_process import Deployment, Host
from tests.support.private_redis import PrivateRedis

QUERY = "query($id: String!) { person(idNumber: $id) { education } }"
GRANT = "p, market-regulation, licence-approval, Person.education, clear"
ASKER = {"dept": "market-regulation", "purpose": "licence-approval"}
PROPAGATION_SECONDS = 2.0


@pytest.fixture()
def deployment(sqlite_stores: Stores, redis_url: str, redis_prefix: str, tmp_path: Path) -> Iterator[Deployment]:
    _, licence_server = start_licence_service(sqlite_stores.licence_store_url)
    started = Deployment(sqlite_stores, licence_server.url, tmp_path, redis_url, redis_prefix)
    try:
        yield started
    finally:
        started.stop()
        licence_server.stop()


@pytest.fixture()
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis().start()
    yield server
    server.stop()


def education(host: Host, person: dict) -> str | None:
    body = host.post(QUERY, {"id": person["gmsfhm"]}, **ASKER).json()
    return body["data"]["person"]["education"]


def wait_until(condition, seconds: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"{what} not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def add_rule(host: Host, line: str) -> None:
    rules = host.policy_dir / "rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def policy_entries(deployment: Deployment) -> list[tuple[int, dict]]:
    async def read() -> list[tuple[int, dict]]:
        access_log = await AccessLog.open(LogConfig(url=deployment.audit_url, origin="huitong.local/access-log"),
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
    wait_until(lambda: education(second, person) == person["whcddm"], PROPAGATION_SECONDS - (time.monotonic() - changed),
               "live on the other host")
    assert GRANT not in (second.policy_dir / "rules.csv").read_text(encoding="utf-8"), "it came through Redis"

    after = files_version(read_policy_files(first.policy_dir))
    for host in (first, second):
        policy = host.readyz()["policy"]
        assert policy == {"version": after, "source": "redis", "propagation": "connected", "error": None}

    wait_until(lambda: any(e["version"] == after for _, e in policy_entries(deployment)), 10, "the record entry")
    time.sleep(1)  # room for a second, wrong entry
    entries = [entry for _, entry in policy_entries(deployment) if entry["version"] == after]
    assert len(entries) == 1, entries
    entry = entries[0]
    assert entry["previous"] == before and entry["via"] == "files" and entry["kind"] == "policy"
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
    refused = deployment.command("cli", "policy", "publish", "--dir", str(broken), "--by", "officer-li")
    assert refused.returncode == 2 and "unknown department 'nobody'" in refused.stderr
    assert "nothing published" in refused.stderr

    published = deployment.command("cli", "policy", "publish", "--dir", str(edited), "--by", "officer-li")
    assert published.returncode == 0, published.stderr
    for host in (first, second):
        wait_until(lambda host=host: education(host, person) == person["whcddm"], PROPAGATION_SECONDS, host.name)

    version = files_version(read_policy_files(edited))
    wait_until(lambda: any(e["version"] == version for _, e in policy_entries(deployment)), 10, "the record entry")
    (entry,) = [e for _, e in policy_entries(deployment) if e["version"] == version]
    assert entry["publishedBy"] == "officer-li" and entry["via"] == "publish"

    again = deployment.command("cli", "policy", "publish", "--dir", str(edited), "--by", "officer-li")
    assert again.returncode == 0 and "already the published version" in again.stdout


def test_a_broken_policy_is_refused_by_every_host_and_reported(deployment: Deployment, dataset,
                                                               redis_url: str, redis_prefix: str) -> None:
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

    async def publish_unchecked() -> int:  # as a publisher with another catalog or a bug might
        client = redis_client(redis_url)
        try:
            return await PublishedPolicy(client, redis_prefix).publish(files, broken_version, "someone", "publish")
        finally:
            await client.aclose()

    assert asyncio.run(publish_unchecked())
    for host in (first, second):
        wait_until(lambda host=host: "unknown purpose 'curiosity'" in (host.readyz()["policy"]["error"] or ""),
                   PROPAGATION_SECONDS, f"{host.name} reporting the refused publication")
        assert host.readyz()["policy"]["version"] == live
        assert education(host, person) is None, "the refused policy's grant is not live"
    assert not [e for _, e in policy_entries(deployment) if e["version"] == broken_version]


def test_a_malformed_publication_is_refused_and_the_next_good_one_still_arrives(
        deployment: Deployment, dataset, redis_url: str, redis_prefix: str) -> None:
    person = dataset.persons[0]
    first, second = deployment.start_host("first"), deployment.start_host("second")
    live = first.readyz()["policy"]["version"]
    files = read_policy_files(second.policy_dir)
    files["rules.csv"] += GRANT + "\n"

    async def write(*fields: str) -> None:
        client = redis_client(redis_url)
        try:
            await client.hset(f"{redis_prefix}:policy:published", mapping=dict(zip(fields[::2], fields[1::2])))
            await client.publish(PublishedPolicy(client, redis_prefix).channel, "x")
        finally:
            await client.aclose()

    async def publish_good() -> int:
        client = redis_client(redis_url)
        try:
            return await PublishedPolicy(client, redis_prefix).publish(files, files_version(files), "officer", "publish")
        finally:
            await client.aclose()

    asyncio.run(write("version", "0123456789abcdef", "files", "not json"))  # as a half-written or foreign hash
    for host in (first, second):
        wait_until(lambda host=host: "malformed" in (host.readyz()["policy"]["error"] or ""),
                   PROPAGATION_SECONDS, f"{host.name} reporting the malformed publication")
        assert host.readyz()["policy"]["version"] == live and education(host, person) is None

    assert asyncio.run(publish_good())
    for host in (first, second):
        wait_until(lambda host=host: education(host, person) == person["whcddm"], PROPAGATION_SECONDS,
                   f"{host.name} adopting the next good publication")
        assert host.readyz()["policy"]["error"] is None


def test_a_restarted_host_takes_the_published_policy_over_its_own_files(deployment: Deployment, dataset) -> None:
    person = dataset.persons[0]
    first, second = deployment.start_host("first"), deployment.start_host("second")
    second.stop()
    add_rule(first, GRANT)
    wait_until(lambda: education(first, person) == person["whcddm"], PROPAGATION_SECONDS, "live on the edited host")
    second.start()
    assert education(second, person) == person["whcddm"], "the first answer already follows the published policy"
    assert second.readyz()["policy"]["source"] == "redis"


def test_without_redis_each_host_keeps_to_its_own_files(sqlite_stores: Stores, tmp_path: Path, dataset) -> None:
    """The embedded default: no propagation, and /readyz says so."""
    _, licence_server = start_licence_service(sqlite_stores.licence_store_url)
    deployment = Deployment(sqlite_stores, licence_server.url, tmp_path, None, "unused")
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
        licence_server.stop()


def test_hosts_keep_their_policy_while_redis_is_down_and_catch_up_after(sqlite_stores: Stores, tmp_path: Path,
                                                                       dataset, private_redis) -> None:
    _, licence_server = start_licence_service(sqlite_stores.licence_store_url)
    deployment = Deployment(sqlite_stores, licence_server.url, tmp_path, private_redis.url, "huitong")
    try:
        person = dataset.persons[0]
        first, second = deployment.start_host("first"), deployment.start_host("second")
        live = first.readyz()["policy"]["version"]
        private_redis.stop()
        for host in (first, second):
            wait_until(lambda host=host: host.readyz()["policy"]["propagation"] == "disconnected", 5, host.name)
        add_rule(first, GRANT)
        time.sleep(1.5)
        assert education(first, person) is None, "an edit waits for Redis: no host runs a policy the others lack"
        assert first.readyz()["policy"]["version"] == live

        private_redis.start()  # empty: the edit is published again from the host that saw it
        for host in (first, second):
            wait_until(lambda host=host: education(host, person) == person["whcddm"], 5, f"{host.name} catching up")
            assert host.readyz()["policy"]["propagation"] == "connected"
        assert second.readyz()["policy"]["source"] == "redis"
    finally:
        deployment.stop()
        licence_server.stop()
