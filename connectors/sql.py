"""A department reached through SQLAlchemy (PostgreSQL, MariaDB/MySQL, SQLite): one SELECT ... IN ... LIMIT per
batch."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, column, select, table, text
from sqlalchemy.exc import DataError, DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from catalog import Resource
from connectors.base import ConnectionFailed, PoolExhausted, RequestRejected, Row, SourceUnavailable, at_most

log = logging.getLogger(__name__)


def _iso_date(value: date | str | None) -> str | None:
    """Typed drivers give dates; SQLite, read without column types, gives the ISO text it stores."""
    return value.isoformat() if isinstance(value, date) else value


def _to_float(value: Decimal | float | str | None) -> float | None:
    return None if value is None else float(value)


def _converter(field_type: str, value_format: str | None) -> Callable[[Any], Any] | None:
    if value_format == "date":
        return _iso_date
    if field_type == "Float":
        return _to_float
    return None


class SqlConnector:
    def __init__(self, resource: Resource, engine: AsyncEngine, department: str, timeout: float) -> None:
        self.department = department
        self.engine = engine
        self._timeout = timeout
        fields = list(resource.fields.values())
        source = table(resource.table or "", *(column(f.column) for f in fields))
        self._names = [f.name for f in fields]
        self._columns = {f.name: source.c[f.column] for f in fields}
        self._selects: dict[str, Any] = {}
        self._base = select(*(self._columns[name] for name in self._names))
        self._converters = [
            (f.name, conv) for f in fields if (conv := _converter(f.type, f.format)) is not None
        ]

    @classmethod
    def from_url(cls, resource: Resource, url: str, department: str, timeout: float, pool_size: int,
                 pool_overflow: int, pool_timeout: float) -> SqlConnector:
        # Reads only: autocommit spares the BEGIN and ROLLBACK round trips around every SELECT.
        options: dict[str, Any] = {"pool_pre_ping": False, "isolation_level": "AUTOCOMMIT",
                                   "pool_reset_on_return": None, "pool_timeout": pool_timeout}
        if not url.startswith("sqlite"):
            # Connections beyond pool_size are opened and closed per use: size the pool for the
            # concurrency a worker sees, or connecting dominates under load.
            options.update(pool_size=pool_size, max_overflow=pool_overflow, pool_recycle=1800)
        return cls(resource, create_async_engine(url, **options), department, timeout)

    def _select_by(self, by: str) -> Any:
        statement = self._selects.get(by)
        if statement is None:
            statement = self._base.where(self._columns[by].in_(bindparam("keys", expanding=True))).limit(
                bindparam("limit"))
            self._selects[by] = statement
        return statement

    async def fetch(self, by: str, keys: Sequence[str], limit: int) -> list[Row]:
        statement = self._select_by(by)
        try:
            async with asyncio.timeout(self._timeout):
                async with self.engine.connect() as connection:
                    result = await connection.execute(statement, {"keys": list(keys), "limit": limit + 1})
                    raw_rows = result.all()
        except TimeoutError:
            raise SourceUnavailable(self.department, "timed out") from None
        except (SQLAlchemyError, OSError, RuntimeError) as exc:
            log.warning("department %s failed: %r", self.department, exc)
            raise self._failure(exc) from None
        at_most(raw_rows, limit, self.department)
        names = self._names
        rows = [dict(zip(names, raw, strict=True)) for raw in raw_rows]
        for name, convert in self._converters:
            for row in rows:
                row[name] = convert(row[name])
        return rows

    def _failure(self, exc: SQLAlchemyError | OSError | RuntimeError) -> SourceUnavailable:
        """What the caller is told (no driver detail), and what kind of failure it is."""
        if isinstance(exc, PoolTimeout):
            return PoolExhausted(self.department, "no free connection")
        # uvloop reports a transport the server closed with RuntimeError, which asyncmy lets through.
        if isinstance(exc, OSError | RuntimeError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
            return ConnectionFailed(self.department, "unreachable")
        if isinstance(exc, DataError):
            return RequestRejected(self.department, "rejected the request")
        return SourceUnavailable(self.department, "failed")

    async def ping(self) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except TimeoutError:
            raise SourceUnavailable(self.department, "timed out") from None
        except (SQLAlchemyError, OSError, RuntimeError) as exc:
            log.warning("department %s failed its health check: %r", self.department, exc)
            raise self._failure(exc) from None

    async def close(self) -> None:
        await self.engine.dispose()
