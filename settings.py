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

    policy_dir: Path = ROOT / "policy"
    catalog_dir: Path = ROOT / "catalog"
    state_dir: Path = ROOT / "var"

    jwt_secret: str | None = None
    jwt_public_key: Path | None = None
    token_key: str | None = None
    governance: bool = True
    executor: Literal["compiled", "graphql-core"] = "compiled"
    dev_mode: bool = True
    policy_reload_interval: float = 0.5
