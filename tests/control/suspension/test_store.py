"""The suspension list names a system by its department; the list kept before (a system by its name alone) is carried
over so that nobody suspended is let in by the change, on every database the record runs on."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from access.identity.tokens import Caller
from control.suspension.legacy import caller_suspensions
from control.suspension.state import CallerSuspended, Suspensions
from control.suspension.store import AlreadySuspended, Suspension, SuspensionStore, Target
from tests.support.servers import mariadb_database, postgres_database

DEPARTMENTS = ("civil-affairs", "market-regulation", "public-security")
SINCE = datetime(2026, 11, 3, 8, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/access-log.db"
    else:
        with (postgres_database() if request.param == "postgresql" else mariadb_database()) as url:
            yield url


@pytest.fixture()
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    made = create_async_engine(database_url)
    yield made
    await made.dispose()


async def _legacy_list(engine: AsyncEngine, *rows: tuple[str, str]) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(caller_suspensions.create)
        await connection.execute(insert(caller_suspensions), [
            {"scope": scope, "name": name, "reason": f"why {name}", "suspended_by": "officer-wang",
             "suspended_at": SINCE, "entry": seq} for seq, (scope, name) in enumerate(rows)])


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


def _rows(suspensions: list[Suspension]) -> list[tuple[str, str, str, int | None]]:
    return sorted((s.target.department, s.target.system or "-", s.reason, s.entry) for s in suspensions)


async def test_the_old_list_is_carried_over_once_a_system_suspended_in_every_department(engine: AsyncEngine) -> None:
    await _legacy_list(engine, ("system", "case-system"), ("department", "market-regulation"))
    store = SuspensionStore(engine)
    await store.create_table(DEPARTMENTS)
    carried = [("civil-affairs", "case-system", "why case-system", 0),
               ("market-regulation", "-", "why market-regulation", 1),
               ("market-regulation", "case-system", "why case-system", 0),
               ("public-security", "case-system", "why case-system", 0)]
    assert _rows(await store.all()) == carried
    assert "caller_suspensions" not in await _tables(engine)
    assert all(s.since == SINCE and s.by == "officer-wang" for s in await store.all())

    assert await store.remove(Target("civil-affairs", "case-system"))
    await store.create_table(DEPARTMENTS)  # the next start: nothing carried again, the lift holds
    assert _rows(await store.all()) == carried[1:]


async def test_processes_starting_together_carry_it_over_to_the_same_list(engine: AsyncEngine) -> None:
    await _legacy_list(engine, ("system", "case-system"), ("department", "market-regulation"))
    await asyncio.gather(*(SuspensionStore(engine).create_table(DEPARTMENTS) for _ in range(4)))
    assert len(await SuspensionStore(engine).all()) == 4


async def test_a_system_is_suspended_within_its_department_alone(engine: AsyncEngine) -> None:
    store = SuspensionStore(engine)
    await store.create_table(DEPARTMENTS)
    await store.add(Suspension(Target("civil-affairs", "x"), "misuse", "officer-wang", SINCE))
    await store.add(Suspension(Target("civil-affairs"), "audit", "officer-wang", SINCE))
    with pytest.raises(AlreadySuspended, match="system 'x' of civil-affairs is already suspended"):
        await store.add(Suspension(Target("civil-affairs", "x"), "again", "officer-wang", SINCE))

    enforced = Suspensions()
    enforced.replace(await store.all())
    with pytest.raises(CallerSuspended, match="system 'x' of civil-affairs is suspended"):
        enforced.check(Caller("x", "civil-affairs", ()))
    enforced.replace([s for s in await store.all() if s.target.system is not None])
    enforced.check(Caller("x", "market-regulation", ()))  # the same name in another department
    enforced.check(Caller("y", "civil-affairs", ()))
    assert enforced.status()["systems"] == 1 and enforced.status()["departments"] == 0
