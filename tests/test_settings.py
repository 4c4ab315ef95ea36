"""The settings' unsafe values are fenced: governance and the access record go off only for a benchmark, and the
default is production mode."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from settings import Settings


@pytest.mark.parametrize("switched_off", [{"governance": False}, {"audit": False},
                                          {"governance": False, "audit": False}])
def test_governance_or_the_record_off_without_the_benchmark_flag_is_refused(switched_off: dict[str, bool]) -> None:
    with pytest.raises(ValidationError, match="HUITONG_BENCHMARK_MODE=true"):
        Settings(**switched_off)


def test_the_benchmark_flag_lets_them_be_switched_off() -> None:
    settings = Settings(governance=False, audit=False, benchmark_mode=True)
    assert (settings.governance, settings.audit, settings.benchmark_mode) == (False, False, True)


def test_the_default_is_production_mode() -> None:
    settings = Settings()
    assert (settings.dev_mode, settings.benchmark_mode, settings.governance, settings.audit) == \
        (False, False, True, True)
