"""An access log on each backend the record runs on in production or by default: PostgreSQL and SQLite."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from record.checkpoints import CheckpointSigner
from record.store import AccessRecord, RecordConfig
from tests.support.servers import postgres_database

ORIGIN = "huitong.test/access-log"


@pytest.fixture(params=["sqlite", "postgresql"])
def log_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one log."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/access-log.db"
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def signer() -> CheckpointSigner:
    return CheckpointSigner(ORIGIN, Ed25519PrivateKey.generate())


@pytest.fixture(scope="session")
def trusted(signer: CheckpointSigner) -> dict[str, Ed25519PublicKey]:
    return {signer.name: signer.public_key}


@pytest.fixture()
async def access_log(log_url: str, signer: CheckpointSigner) -> AsyncIterator[AccessRecord]:
    opened = await AccessRecord.open(RecordConfig(url=log_url, origin=ORIGIN), signer)
    yield opened
    await opened.close()


def make_entry(number: int, *, sub: str | None = "system-a", dept: str | None = "civil-affairs",
               subjects: Sequence[str] = (), time: datetime | None = None, purpose: str = "social-assistance-review",
               fields: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """An entry shaped as the gateway fills it."""
    caller = None if sub is None and dept is None else {"sub": sub, "dept": dept, "roles": ["clerk"]}
    return {
        "time": (time or datetime.now(UTC)).isoformat(timespec="milliseconds"),
        "requestId": f"request-{number}",
        "caller": caller,
        "purpose": purpose,
        "purposeRef": f"CASE-{number}",
        "operationName": "Person",
        "documentHash": "d" * 64,
        "policyVersion": "v1",
        "fields": list(fields),
        "sources": [{"department": "population", "outcome": "ok"}],
        "subjects": list(subjects),
        "status": 200,
        "outcome": "served",
        "durationMs": 1.25,
        "servedDigest": "e" * 64,
        "salt": f"{number:032x}",
    }


async def append_all(access_log: AccessRecord, count: int, **fields: Any) -> list[int]:
    return [await access_log.append(make_entry(number, **fields)) for number in range(count)]


async def execute(url: str, *statements: str, **parameters: Any) -> None:
    """Run SQL directly against the log's database, as someone bypassing the application would."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement), parameters)
    finally:
        await engine.dispose()


async def fetch(url: str, statement: str, **parameters: Any) -> list[tuple]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(statement), parameters)]
    finally:
        await engine.dispose()

