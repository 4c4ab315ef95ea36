"""Entries of acts (policy changes, suspensions) share the log with request entries: they verify, are found by
kind, and stay out of the subject, caller and usage queries."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from access.policy.registry import load_departments
from access.policy.store import load_policy
from catalog import load_catalog
from control.publication.changes import PolicyChange, policy_entry
from control.suspension import acts
from control.suspension.store import SuspensionStore, Target
from record.checkpoints import CheckpointSigner
from record.database import RecordUnavailable
from record.store import AccessRecord, RecordConfig
from record.verify import verify_log
from settings import ROOT
from tests.record.conftest import ORIGIN, make_entry

POLICY_DIR = ROOT / "policy"
SUBJECT = "a" * 64


def _policy_change_entry() -> dict:
    catalog = load_catalog(load_departments(POLICY_DIR / "departments.csv"))
    policy = load_policy(POLICY_DIR, catalog)
    granted = "p, market-regulation, *, Person.education, clear\n"
    files = dict(policy.files) | {"rules.csv": policy.files["rules.csv"] + granted}
    previous = dict(policy.files) | {"rules.csv": "p, civil-affairs, *, Person.name, clear\n"}
    change = PolicyChange("v2", files, "v1", previous, "officer-li", "publish", "2026-01-01T00:00:00.000+00:00", 2)
    return policy_entry(change, catalog, "host:1")


async def test_act_entries_verify_and_stay_out_of_the_request_queries(access_log: AccessRecord, log_url: str,
                                                                     trusted: dict[str, Ed25519PublicKey]) -> None:
    store = SuspensionStore(access_log.engine)
    await store.create_table(["civil-affairs"])
    await access_log.append(make_entry(0, sub="system-a", dept="civil-affairs", subjects=[SUBJECT]))
    await acts.suspend(store, access_log, Target("civil-affairs", "system-a"), "misuse", "officer-wang")
    await acts.suspend(store, access_log, Target("civil-affairs"), "audit finding", "officer-wang")
    await access_log.append(_policy_change_entry())
    await acts.lift(store, access_log, Target("civil-affairs", "system-a"), "cleared", "officer-zhao")
    await access_log.append(make_entry(5, sub="system-a", dept="civil-affairs", subjects=[SUBJECT]))
    await access_log.checkpoint_now()

    report = await verify_log(log_url, trusted)
    assert report.ok and report.entries_checked == 6, report.first_problem
    suspension_acts = await access_log.entries_of_kind("suspension")
    assert [seq for seq, _ in suspension_acts] == [1, 2, 4]
    assert [(e["scope"], e.get("department"), e["name"]) for _, e in suspension_acts] == [
        ("system", "civil-affairs", "system-a"), ("department", None, "civil-affairs"),
        ("system", "civil-affairs", "system-a")]
    (_, policy), = await access_log.entries_of_kind("policy")
    assert policy["publishedBy"] == "officer-li" and policy["diff"]["lines"]["rules.csv"]

    now = datetime.now(UTC)
    window = now - timedelta(hours=1), now + timedelta(hours=1)
    assert [seq for seq, _ in await access_log.entries_for_subjects([SUBJECT])] == [0, 5]
    assert [seq for seq, _ in await access_log.entries_for_caller("system-a", None, *window)] == [0, 5]
    assert [seq for seq, _ in await access_log.entries_for_caller(None, "civil-affairs", *window)] == [0, 5]
    (usage,) = await access_log.usage(*window)
    assert usage["department"] == "civil-affairs" and usage["requests"] == 2
    assert [(s.target, s.entry) for s in await store.all()] == [(Target("civil-affairs"), 2)]


async def test_a_suspension_that_cannot_be_recorded_is_taken_back(log_url: str, signer: CheckpointSigner) -> None:
    access_log = await AccessRecord.open(RecordConfig(url=log_url, origin=ORIGIN), signer)
    store = SuspensionStore(access_log.engine)
    await store.create_table(["civil-affairs"])
    await acts.suspend(store, access_log, Target("civil-affairs", "system-b"), "misuse", "officer-wang")
    await access_log.close()  # appends now fail; reads reconnect
    with pytest.raises(RecordUnavailable):
        await acts.suspend(store, access_log, Target("civil-affairs", "system-a"), "misuse", "officer-wang")
    with pytest.raises(RecordUnavailable):
        await acts.lift(store, access_log, Target("civil-affairs", "system-b"), "cleared", "officer-zhao")
    assert [s.target.system for s in await store.all()] == ["system-b"], "nothing changed, and the safe side held"
    await access_log.engine.dispose()
