"""Fixtures of the multi-process tests: a licence service, a deployment of server processes, a Redis to kill."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.gateway import Stores, start_licence_service
from tests.support.gateway_process import Deployment
from tests.support.private_redis import PrivateRedis


@pytest.fixture()
def licence_url(sqlite_stores: Stores) -> Iterator[str]:
    _, server = start_licence_service(sqlite_stores.licence_store_url)
    yield server.url
    server.stop()


@pytest.fixture()
def deployment(sqlite_stores: Stores, licence_url: str, redis_url: str, redis_prefix: str,
               tmp_path: Path) -> Iterator[Deployment]:
    started = Deployment(sqlite_stores, licence_url, tmp_path, redis_url, redis_prefix)
    yield started
    started.stop()


@pytest.fixture()
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis().start()
    yield server
    server.stop()
