"""Traceability: entries by subject and by caller, and each department's use of shared data."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from record.store import AccessRecord
from tests.record.conftest import fetch, make_entry

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE, BOB = "a" * 64, "b" * 64


def _field(name: str, decision: str, share: str, provider: str) -> dict[str, str]:
    return {"field": name, "decision": decision, "share": share, "provider": provider}


async def test_entries_for_subjects_finds_every_access_to_them(access_log: AccessRecord) -> None:
    for number, subjects in enumerate([[ALICE], [BOB], [ALICE, BOB], []]):
        await access_log.append(make_entry(number, subjects=subjects))
    assert [seq for seq, _ in await access_log.entries_for_subjects([ALICE])] == [0, 2]
    assert [seq for seq, _ in await access_log.entries_for_subjects([ALICE, BOB])] == [0, 1, 2]
    assert [entry["requestId"] for _, entry in await access_log.entries_for_subjects([BOB])] == [
        "request-1", "request-2"]


async def test_entries_for_caller_filters_by_system_department_and_time(access_log: AccessRecord) -> None:
    callers = [("system-a", "civil-affairs", 0), ("system-b", "civil-affairs", 10), ("system-a", "tax", 20),
               ("system-a", "civil-affairs", 30)]
    for number, (sub, dept, minutes) in enumerate(callers):
        await access_log.append(make_entry(number, sub=sub, dept=dept, time=T0 + timedelta(minutes=minutes)))

    async def seqs(sub: str | None, dept: str | None, since: int, until: int) -> list[int]:
        found = await access_log.entries_for_caller(sub, dept, T0 + timedelta(minutes=since),
                                                    T0 + timedelta(minutes=until))
        return [seq for seq, _ in found]

    assert await seqs("system-a", None, 0, 60) == [0, 2, 3]
    assert await seqs(None, "civil-affairs", 0, 60) == [0, 1, 3]
    assert await seqs("system-a", "civil-affairs", 0, 60) == [0, 3]
    assert await seqs("system-a", None, 0, 30) == [0, 2], "the window excludes its end"
    china = timedelta(hours=8)
    found = await access_log.entries_for_caller("system-b", None, (T0 + china).astimezone(), T0 + timedelta(hours=1))
    assert found == [], "times compare as instants whatever their zone"


async def test_usage_counts_requests_records_and_served_fields_per_department(access_log: AccessRecord) -> None:
    name = _field("Person.name", "CLEAR", "UNCONDITIONAL", "public-security")
    religion = _field("Person.religion", "DENY", "NOT_SHARED", "public-security")
    marital = _field("Person.maritalStatus", "MASK", "CONDITIONAL", "civil-affairs")
    entries = [
        make_entry(0, dept="civil-affairs", subjects=[ALICE], fields=[name, religion], time=T0),
        make_entry(1, dept="civil-affairs", subjects=[ALICE, BOB], fields=[name, marital], time=T0,
                   purpose="pension-review"),
        make_entry(2, dept="tax", subjects=[BOB], fields=[name], time=T0),
        make_entry(3, sub=None, dept=None, subjects=[BOB], fields=[name], time=T0),
        make_entry(4, dept="tax", subjects=[ALICE], fields=[name], time=T0 + timedelta(days=1)),
    ]
    for entry in entries:
        await access_log.append(entry)
    assert await access_log.usage(T0, T0 + timedelta(hours=1)) == [
        {"department": "civil-affairs", "requests": 2, "records": 2,
         "fieldsByShareClass": {"UNCONDITIONAL": 2, "CONDITIONAL": 1},
         "byPurpose": {"social-assistance-review": 1, "pension-review": 1},
         "byProvider": {"public-security": 2, "civil-affairs": 1}},
        {"department": "tax", "requests": 1, "records": 1, "fieldsByShareClass": {"UNCONDITIONAL": 1},
         "byPurpose": {"social-assistance-review": 1}, "byProvider": {"public-security": 1}},
    ]


async def test_the_subject_index_is_built_after_the_append_and_caught_up_by_a_search(
        access_log: AccessRecord, log_url: str) -> None:
    for number in range(5):
        await access_log.append(make_entry(number, subjects=[ALICE]))
    assert await fetch(log_url, "SELECT COUNT(*) FROM access_log_subjects") == [(0,)]
    assert [seq for seq, _ in await access_log.entries_for_subjects([ALICE])] == [0, 1, 2, 3, 4]
    assert await fetch(log_url, "SELECT indexed_size FROM access_log_subject_index") == [(5,)]
