"""Every authenticated request leaves one entry; auditors trace a subject with proofs they can check offline."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from record.checkpoints import open_checkpoint, parse_verifier_key
from record.merkle import TreeHasher, verify_inclusion
from record.schema import access_log_entries
from tests.support.gateway import AUDITOR, Gateway, Stores, start_gateway
from tests.support.tcp_proxy import TcpProxy

PERSON = "query($id: String!) { person(idNumber: $id) { name maritalStatus licences { typeName } } }"
AUDIT = """query($id: String!) { accessRecord { subject(idNumber: $id) {
  seq time requestId system department purpose purposeRef status outcome entry
  fields { field decision } sources { department outcome }
  proof { leafIndex treeSize leafHash hashes checkpoint } } } }"""


def _entries(gateway: Gateway) -> int:
    async def count() -> int:
        engine = create_async_engine(gateway.runtime.settings.access_log_url)
        try:
            async with engine.connect() as connection:
                return (await connection.execute(select(func.count()).select_from(access_log_entries))).scalar_one()
        finally:
            await engine.dispose()

    return asyncio.run(count())


def test_every_authenticated_request_leaves_exactly_one_entry(gateway: Gateway, dataset) -> None:
    before = _entries(gateway)
    person = dataset.persons[0]["gmsfhm"]
    anonymous = gateway.post(PERSON, {"id": person}, token="not-a-token")
    assert anonymous.status_code == 401 and "accessRecord" not in anonymous.json()["extensions"]  # counted instead
    responses = [
        gateway.post(PERSON, {"id": person}),
        gateway.post(PERSON, {"id": person}, purpose=None),
        gateway.post(PERSON, {"id": "110105194912310021"}),
        gateway.post("{ person(", {}),
        gateway.post(PERSON, {"id": person}, dept="market-regulation", purpose="business-registration-approval",
                     headers={"x-access-mode": "strict"}),
        gateway.post(AUDIT, {"id": person}),
    ]
    assert [r.status_code for r in responses] == [200, 400, 400, 400, 403, 403]
    assert _entries(gateway) == before + len(responses)
    seqs = [r.json()["extensions"]["accessRecord"]["entry"] for r in responses]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def _verify_offline(gateway: Gateway, found: dict) -> None:
    name, key = parse_verifier_key(httpx.get(gateway.url + "/audit/public-key").json()["verifierKey"])
    proof = found["proof"]
    checkpoint = open_checkpoint(proof["checkpoint"], {name: key})
    hasher = TreeHasher(gateway.runtime.settings.audit_hash)
    leaf = hasher.leaf(found["entry"].encode())
    assert base64.b64decode(proof["leafHash"]) == leaf
    assert verify_inclusion(hasher, leaf, proof["leafIndex"], checkpoint.size,
                            [base64.b64decode(h) for h in proof["hashes"]], checkpoint.root)


def test_auditor_traces_a_person_with_checkable_proofs(gateway: Gateway, dataset) -> None:
    person = dataset.persons[7]
    served = gateway.post(PERSON, {"id": person["gmsfhm"]}, headers={"x-purpose-ref": "MZ-2026-31"})
    assert served.status_code == 200
    body = gateway.post(AUDIT, {"id": person["gmsfhm"]}, **AUDITOR).json()
    accesses = body["data"]["accessRecord"]["subject"]
    mine = next(a for a in accesses if a["requestId"] == served.json()["extensions"]["requestId"])
    assert mine["department"] == "civil-affairs" and mine["system"] == "test-system"
    assert mine["purpose"] == "social-assistance-review" and mine["purposeRef"] == "MZ-2026-31"
    assert {"field": "Person.maritalStatus", "decision": "CLEAR"} in mine["fields"]
    assert {"department": "public-security", "outcome": "ok"} in mine["sources"]
    assert person["gmsfhm"] not in mine["entry"] and person["xm"] not in mine["entry"]
    for access in accesses:
        _verify_offline(gateway, access)


def test_entries_hold_tags_and_digests_never_values(gateway: Gateway, dataset) -> None:
    person = dataset.persons[9]
    served = gateway.post(PERSON, {"id": person["gmsfhm"]})
    entry = gateway.post(AUDIT, {"id": person["gmsfhm"]}, **AUDITOR).json()
    found = next(a for a in entry["data"]["accessRecord"]["subject"]
                 if a["requestId"] == served.json()["extensions"]["requestId"])
    key = gateway.runtime.record.subject_key
    stored = orjson.loads(found["entry"])
    assert hmac.new(key, person["gmsfhm"].encode(), hashlib.sha256).hexdigest() in stored["subjects"]
    expected = hmac.new(key, b"huitong/served\x1f" + orjson.dumps(served.json()["data"], option=orjson.OPT_SORT_KEYS),
                        hashlib.sha256).hexdigest()
    assert stored["servedDigest"] == expected
    assert len(stored["salt"]) == 32


def test_access_record_is_for_auditors_only(gateway: Gateway, dataset) -> None:
    response = gateway.post(AUDIT, {"id": dataset.persons[0]["gmsfhm"]})
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN_FIELD"
    assert "data" not in response.json()


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"postgres@127.0.0.1:{proxy.port}"))


@pytest.fixture()
def audited_through_proxy(server_stores: Stores) -> Iterator[tuple[Gateway, TcpProxy]]:
    parts = urlsplit(server_stores.audit_url)
    proxy = TcpProxy((parts.hostname, parts.port)).start()
    gateway = start_gateway(replace(server_stores, audit_url=_through(proxy, server_stores.audit_url)))
    yield gateway, proxy
    gateway.stop()
    proxy.close()


def test_no_record_no_data(audited_through_proxy, dataset) -> None:
    gateway, proxy = audited_through_proxy
    person = dataset.persons[0]["gmsfhm"]
    assert gateway.post(PERSON, {"id": person}).status_code == 200
    proxy.set_mode("refuse")
    refused = gateway.post(PERSON, {"id": person})
    assert refused.status_code == 503
    body = refused.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["AUDIT_UNAVAILABLE"]
    assert dataset.persons[0]["xm"] not in refused.text
    proxy.set_mode("forward")
    assert gateway.post(PERSON, {"id": person}).status_code == 200
