"""The access log's tables (SQLAlchemy Core) and their creation."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeDecorator

STATE_ROW = 1
TAG_LENGTH = 64  # hex HMAC-SHA256
NAME_LENGTH = 255  # indexed text must be a bounded VARCHAR on MariaDB


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant stored as UTC; SQLite keeps no offset, so every value is converted going in and
    marked UTC coming out, and comparisons in SQL compare like with like on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"the access log stores only timezone-aware times, not {value.isoformat()}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

access_log_state = Table(
    "access_log_state", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
)

access_log_entries = Table(
    "access_log_entries", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("logged_at", UtcDateTime, nullable=False, index=True),
    Column("caller_sub", String(NAME_LENGTH), index=True),
    Column("caller_dept", String(NAME_LENGTH), index=True),
    Column("body", Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")),
)

access_log_subjects = Table(
    "access_log_subjects", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("tag", String(TAG_LENGTH), primary_key=True),
    Index("ix_access_log_subjects_tag", "tag"),
)

# How far the subject index has caught up with the log: entries [0, indexed_size) are indexed.
access_log_subject_index = Table(
    "access_log_subject_index", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("indexed_size", BigInteger, nullable=False),
)

access_log_nodes = Table(
    "access_log_nodes", metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
)

access_log_checkpoints = Table(
    "access_log_checkpoints", metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("note", Text, nullable=False),
)

async def seed_state_rows(connection: AsyncConnection) -> None:
    """The single rows that hold the tree's size and how far the subject index reaches, where missing."""
    state = await connection.execute(select(access_log_state.c.size).where(access_log_state.c.id == STATE_ROW))
    if state.first() is None:
        await connection.execute(insert(access_log_state).values(id=STATE_ROW, size=0))
    indexed = await connection.execute(
        select(access_log_subject_index.c.indexed_size).where(access_log_subject_index.c.id == STATE_ROW))
    if indexed.first() is None:
        await connection.execute(insert(access_log_subject_index).values(id=STATE_ROW, indexed_size=0))
