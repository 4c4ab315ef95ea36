"""The published policy: a table in the access record's database, one row per publication.

That database is the one every worker on every host already shares and must reach to serve at all,
and it outlives any restart of a server or of Redis; Redis only announces a new publication (on
the policy channel of `control.propagation.watcher`) so workers re-read the table at once. A row
holds the files' exact text, their version, the version it replaced, who published it and how, and
whether its access-record entry is written (`recorded`: NULL not yet, -1 claimed by the process
writing it, else the entry's position).

Revisions are consecutive: a publication takes the number after the latest row it read, so two
publishers racing collide on the primary key and the loser reads again.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal, NamedTuple

from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, insert, or_, select, update
from sqlalchemy.dialects import mysql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from access.policy.registry import PolicyError
from control.publication.changes import PolicyChange
from record.database import create_missing
from record.schema import NAME_LENGTH, UtcDateTime

Via = Literal["files", "publish", "bootstrap"]
RECORD_CLAIM_SECONDS = 60  # a claimant that dies leaves the entry to whoever claims after this
CLAIMED = -1
_ATTEMPTS = 3

metadata = MetaData()

policy_publications = Table(
    "policy_publications", metadata,
    Column("revision", BigInteger, primary_key=True, autoincrement=False),
    Column("version", String(64), nullable=False),
    Column("files", Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb"), nullable=False),  # JSON: name -> text
    Column("previous", String(64)),
    Column("published_by", String(NAME_LENGTH), nullable=False),
    Column("via", String(16), nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    Column("recorded", BigInteger),
    Column("record_claimed_at", UtcDateTime),
)


class Head(NamedTuple):
    revision: int
    version: str


class PolicyPublications:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create_table(self) -> None:
        await create_missing(self._engine, metadata)

    async def publish(self, files: Mapping[str, str], version: str, by: str, via: Via,
                      only_if_empty: bool = False) -> int:
        """The new revision, or 0 if `version` is already the latest publication (or anything is published, with
        `only_if_empty`). The caller has checked the files: every worker takes what is published here, if it loads."""
        text = json.dumps(dict(files), ensure_ascii=False, sort_keys=True)
        attempt = 0
        while True:
            attempt += 1
            head = await self.head()
            if head is not None and (only_if_empty or head.version == version):
                return 0
            revision = 1 if head is None else head.revision + 1
            try:
                async with self._engine.begin() as connection:
                    await connection.execute(insert(policy_publications).values(
                        revision=revision, version=version, files=text, previous=None if head is None else head.version,
                        published_by=by, via=via, published_at=datetime.now(UTC)))
                return revision
            except IntegrityError:  # another publisher took this revision: read again
                if attempt == _ATTEMPTS:
                    raise

    async def head(self) -> Head | None:
        """The latest publication's revision and version, or None when nothing is published."""
        table = policy_publications.c
        async with self._engine.connect() as connection:
            row = (await connection.execute(
                select(table.revision, table.version).order_by(table.revision.desc()).limit(1))).first()
        return None if row is None else Head(row.revision, row.version)

    async def revisions(self) -> list[int]:
        """Every revision, the latest first."""
        table = policy_publications.c
        async with self._engine.connect() as connection:
            return list((await connection.execute(select(table.revision).order_by(table.revision.desc()))).scalars())

    async def read(self, revision: int) -> PolicyChange:
        """The publication, with the files of the one before it (for the access record's diff); PolicyError when
        its row is not one this code wrote."""
        table = policy_publications.c
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(policy_publications).where(table.revision == revision))).one()
            before = (await connection.execute(select(table.files).where(table.revision < revision)
                                               .order_by(table.revision.desc()).limit(1))).scalar()
        files = _files(row.files)
        if files is None:
            raise PolicyError(f"published revision {revision} is malformed (its files are not a JSON map of names "
                              "to text)")
        return PolicyChange(version=row.version, files=files, previous=row.previous,
                            previous_files=None if before is None else _files(before), by=row.published_by,
                            via=row.via, published_at=row.published_at.isoformat(timespec="milliseconds"),
                            revision=revision)

    async def claim_record(self, revision: int) -> bool | None:
        """True: the caller writes the publication's access-record entry; None: it is written already; False:
        another process holds the claim (a claim older than RECORD_CLAIM_SECONDS may be taken over)."""
        table = policy_publications.c
        now = datetime.now(UTC)
        lapsed = (table.recorded == CLAIMED) & (table.record_claimed_at < now - timedelta(seconds=RECORD_CLAIM_SECONDS))
        async with self._engine.begin() as connection:
            claimed = await connection.execute(
                update(policy_publications).where(table.revision == revision, or_(table.recorded.is_(None), lapsed))
                .values(recorded=CLAIMED, record_claimed_at=now))
            if claimed.rowcount == 1:
                return True
            recorded = (await connection.execute(select(table.recorded).where(table.revision == revision))).scalar()
        return None if recorded is not None and recorded >= 0 else False

    async def mark_recorded(self, revision: int, seq: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(policy_publications).where(policy_publications.c.revision == revision)
                                     .values(recorded=seq))


def _files(text: str) -> dict[str, str] | None:
    try:
        files = json.loads(text)
    except ValueError:
        return None
    if isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return files
    return None
