"""Every gateway the federation benchmark starts is one the settings accept: those without governance or the access
record in benchmark mode, the governed one in production's."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.department_keys import write_department_keys
from benchmarks.federation import GATEWAY_FEATURES
from benchmarks.gateway_settings import gateway_settings, in_process
from benchmarks.stores import Stores

STORES = Stores("sqlite+aiosqlite:///p.db", "sqlite+aiosqlite:///e.db", "sqlite+aiosqlite:///l.db",
                "sqlite+aiosqlite:///a.db")


@pytest.mark.parametrize(("name", "features"), GATEWAY_FEATURES.items())
def test_each_benchmarked_gateway_starts_as_it_is_meant_to(name: str, features: tuple[bool, bool],
                                                          tmp_path: Path) -> None:
    governance, audit = features
    (tmp_path / "keys").mkdir()
    keys = write_department_keys(tmp_path / "keys")
    settings = in_process(gateway_settings(STORES, "http://127.0.0.1:1", "s" * 64, "k", tmp_path / name,
                                           governance=governance, audit=audit, department_keys=keys))
    assert settings.department_signing_key == keys.private
    assert (settings.governance, settings.audit) == features
    assert settings.benchmark_mode is not (governance and audit)
