"""The settings of a benchmarked gateway, given alike to its own process and to the in-process twin."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from benchmarks.department_keys import DepartmentKeys
from benchmarks.stores import Stores
from settings import Settings

RATE_LIMITS = Path(__file__).parent / "rate-limits.yaml"


def gateway_settings(stores: Stores, licence_url: str, jwt_secret: str, token_key: str, state_dir: Path,
                     governance: bool, audit: bool, department_keys: DepartmentKeys) -> dict[str, str]:
    """Setting name -> value; everything the gateway writes goes under `state_dir`."""
    state_dir.mkdir(parents=True, exist_ok=True)
    return {
        "population_url": stores.population_url,
        "entity_url": stores.entity_url,
        "licence_url": licence_url,
        "jwt_secret": jwt_secret,
        "token_key": token_key,
        "state_dir": str(state_dir),
        "audit": "true" if audit else "false",
        "audit_url": stores.audit_url,
        "dev_mode": "false",
        "governance": "true" if governance else "false",
        "benchmark_mode": "false" if governance and audit else "true",  # switching either off needs it, on loopback
        "rate_limits_file": str(RATE_LIMITS),
        "department_signing_key": str(department_keys.private),
    }


def as_environment(settings: Mapping[str, str]) -> dict[str, str]:
    return {f"HUITONG_{name.upper()}": value for name, value in settings.items()}


def in_process(settings: Mapping[str, str]) -> Settings:
    """Settings as the environment would give them: a name this version does not know is ignored."""
    return Settings(**{name: value for name, value in settings.items() if name in Settings.model_fields})
