"""Async engines for the department stores (SQLite, PostgreSQL, MariaDB/MySQL)."""

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

_MYSQL_BACKENDS = ("mysql", "mariadb")


def engine_url(database_url: str) -> URL:
    """The URL as given, except that MySQL/MariaDB connections default to utf8mb4.

    Names and addresses may hold characters outside the Basic Multilingual Plane (生僻字 such as 𠮷),
    which the servers' 3-byte utf8 connection charset would reject.
    """
    url = make_url(database_url)
    if url.get_backend_name() in _MYSQL_BACKENDS and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url


def create_engine(database_url: str) -> AsyncEngine:
    return create_async_engine(engine_url(database_url), pool_pre_ping=True)
