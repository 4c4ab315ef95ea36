"""The connectors the settings describe: an HTTP department reached over plain HTTP beyond this host is warned of."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from catalog import Catalog
from connectors.registry import build_connectors
from settings import Settings


@pytest.mark.parametrize(("url", "warned"), [("http://licence.example.gov.cn:8001", True),
                                             ("https://licence.example.gov.cn", False),
                                             ("http://127.0.0.1:8001", False)])
def test_plain_http_beyond_this_host_is_warned_of(catalog: Catalog, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                  url: str, warned: bool) -> None:
    with caplog.at_level(logging.WARNING, logger="connectors.registry"):
        connectors = build_connectors(Settings(licence_url=url, state_dir=tmp_path), catalog)
    asyncio.run(_close(connectors))
    said = [record.getMessage() for record in caplog.records if record.name == "connectors.registry"]
    assert bool(said) is warned
    if warned:
        assert "source licence is reached over plain HTTP" in said[0] and "use https://" in said[0]


async def _close(connectors: dict) -> None:
    for connector in connectors.values():
        await connector.close()
