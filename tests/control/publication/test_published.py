"""The publications table on each backend the access record runs on: consecutive revisions even when
publishers race, one claim on each publication's access-record entry, and rows this code did not write refused."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from access.policy.registry import PolicyError
from control.publication.published import RECORD_CLAIM_SECONDS, PolicyPublications, policy_publications
from record.database import LogDatabase
from tests.support.servers import mariadb_database, postgres_database


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/access-log.db"
    else:
        with (postgres_database() if request.param == "postgresql" else mariadb_database()) as url:
            yield url


@pytest.fixture()
async def database(database_url: str) -> AsyncIterator[LogDatabase]:
    opened = LogDatabase(database_url)
    yield opened
    await opened.dispose()


@pytest.fixture()
async def publications(database: LogDatabase) -> PolicyPublications:
    table = PolicyPublications(database.engine)
    await table.create_table()
    return table


def files(rules: str) -> dict[str, str]:
    return {"rules.csv": rules, "model.conf": "[request_definition]\n"}


async def test_a_version_is_published_once_and_racing_publishers_get_consecutive_revisions(
        publications: PolicyPublications, monkeypatch: pytest.MonkeyPatch) -> None:
    assert await publications.head() is None
    assert await publications.publish(files("a"), "v1", "host:1", "bootstrap", only_if_empty=True) == 1
    assert await publications.publish(files("b"), "v2", "host:2", "bootstrap", only_if_empty=True) == 0
    assert await publications.publish(files("a"), "v1", "officer", "publish") == 0, "already the latest"

    seen_before_the_race = [await publications.head()]
    assert await publications.publish(files("b"), "v2", "host:2", "files") == 2
    read_head = publications.head

    async def head_read_before_the_other_publisher_committed():
        return seen_before_the_race.pop() if seen_before_the_race else await read_head()

    monkeypatch.setattr(publications, "head", head_read_before_the_other_publisher_committed)
    assert await publications.publish(files("c"), "v3", "host:3", "files") == 3, "it lost revision 2, read again"
    monkeypatch.undo()
    assert await publications.revisions() == [3, 2, 1]
    latest = await publications.read(3)
    assert await publications.head() == (3, latest.version)
    earlier = await publications.read(2)
    assert latest.previous == earlier.version and latest.previous_files == earlier.files
    assert (await publications.read(1)).previous is None and (await publications.read(1)).previous_files is None
    assert await publications.publish(files("a"), "v1", "officer", "publish") == 4, "an older version, again"


async def test_one_claim_on_the_entry_which_lapses_if_its_holder_fails(publications: PolicyPublications,
                                                                      database: LogDatabase) -> None:
    await publications.publish(files("a"), "v1", "officer", "publish")
    assert await publications.claim_record(1) is True
    assert await publications.claim_record(1) is False, "held by the first claimant"

    long_ago = datetime.now(UTC) - timedelta(seconds=RECORD_CLAIM_SECONDS + 1)
    async with database.engine.begin() as connection:
        await connection.execute(update(policy_publications).values(record_claimed_at=long_ago))
    assert await publications.claim_record(1) is True, "a lapsed claim is taken over"

    await publications.mark_recorded(1, 7)
    assert await publications.claim_record(1) is None, "the entry is written"


async def test_a_row_this_code_did_not_write_is_refused(publications: PolicyPublications,
                                                        database: LogDatabase) -> None:
    for revision, text in ((1, "not json"), (2, '{"rules.csv": 1}'), (3, '["rules.csv"]')):
        async with database.engine.begin() as connection:
            await connection.execute(insert(policy_publications).values(
                revision=revision, version="v", files=text, published_by="someone", via="publish",
                published_at=datetime.now(UTC)))
        with pytest.raises(PolicyError, match=f"revision {revision} is malformed"):
            await publications.read(revision)
