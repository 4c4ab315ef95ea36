"""Every setting, read from HUITONG_* environment variables; defaults are the embedded set-up."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUITONG_", frozen=True)

    population_url: str = f"sqlite+aiosqlite:///{ROOT}/data/population.db"
    entity_url: str = f"sqlite+aiosqlite:///{ROOT}/data/entity.db"
    licence_url: str = "http://127.0.0.1:8001"
    licence_store_url: str = f"sqlite+aiosqlite:///{ROOT}/data/licence.db"
    population_timeout: float = 2.0
    entity_timeout: float = 2.0
    licence_timeout: float = 3.0
    max_list_keys: int = 1000
    department_pool_size: int = 32

    policy_dir: Path = ROOT / "policy"
    catalog_dir: Path = ROOT / "catalog"
    state_dir: Path = ROOT / "var"

    audit: bool = True
    audit_url: str | None = None  # default: a SQLite file in the state directory
    audit_hash: Literal["sha256", "sm3"] = "sha256"
    audit_origin: str = "huitong.local/access-log"
    audit_retention_days: int = 1096
    audit_checkpoint_seconds: float = 60
    audit_checkpoint_entries: int = 10_000

    jwt_secret: str | None = None
    jwt_public_key: Path | None = None
    token_key: str | None = None
    governance: bool = True
    executor: Literal["compiled", "graphql-core"] = "compiled"
    dev_mode: bool = True
    policy_reload_interval: float = 0.5

    # Shared state between workers and hosts; None runs on in-process state alone.
    redis_url: str | None = None
    redis_prefix: str = "huitong"

    @property
    def access_log_url(self) -> str:
        return self.audit_url or f"sqlite+aiosqlite:///{self.state_dir}/access-log.db"
