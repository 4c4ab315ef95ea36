"""Every setting, read from HUITONG_* environment variables; defaults are the embedded set-up."""
from __future__ import annotations

import ipaddress
import logging
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, IPvAnyNetwork, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).parent
log = logging.getLogger(__name__)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUITONG_", frozen=True)

    population_url: str = f"sqlite+aiosqlite:///{ROOT}/data/population.db"
    entity_url: str = f"sqlite+aiosqlite:///{ROOT}/data/entity.db"
    licence_url: str = "http://127.0.0.1:8001"
    licence_store_url: str = f"sqlite+aiosqlite:///{ROOT}/data/licence.db"
    population_timeout: float = 2.0
    entity_timeout: float = 2.0
    licence_timeout: float = 3.0
    # Sources the catalog names beyond the three above: name -> URL, as a JSON object, with their timeout.
    sources: dict[str, str] = {}
    source_timeout: float = 2.0
    max_list_keys: int = 1000
    department_pool_size: int = 32

    # Department resilience (README "Department resilience"), the same for every department.
    # A read whose connection is refused or dropped is tried again, up to this many attempts in all,
    # within the department's timeout; backoff starts at the wait (seconds), doubling, plus jitter.
    department_retry_attempts: int = 3
    department_retry_wait: float = 0.05
    # A department's breaker opens after this many consecutive failed reads; after the recovery
    # time (seconds) one probe read goes through, and its success closes the breaker.
    department_breaker_threshold: int = 5
    department_breaker_recovery: float = 10.0
    # Connections opened beyond the pool size under load (closed after use), and how long (seconds)
    # a read waits for a free connection before the department answers SOURCE_UNAVAILABLE.
    department_pool_overflow: int = 32
    department_pool_timeout: float = 1.0

    # Query limits (README "Query limits"), checked before any department is asked; max_list_keys
    # above is the keys of every root field and alias of an operation together. The defaults leave room
    # for every query the README, tests and benchmark send, e.g. 1,000 persons joined with licences and
    # represented entities (cost about 43,000), and for GraphiQL's introspection (its depth is not counted).
    max_document_chars: int = 100_000
    max_tokens: int = 5_000  # lexical tokens; 1,000 keys written inline take about 1,000
    max_depth: int = 10  # nested fields; the deepest query in the tests has 4
    max_fields: int = 1_000  # fields selected once fragments are spread; the benchmark's joined query has 20
    max_aliases: int = 50  # as written; many keys go in one list argument, not in aliased fields
    max_directives: int = 50
    max_query_cost: int = 250_000  # see gateway/query_cost.py for the estimate
    # A fetch (one batch of at most max_list_keys keys to one department) reads at most max_fetch_rows rows;
    # the heaviest batch of the demo registries, 1,000 entities' licences, is about 3,500.
    max_fetch_rows: int = 5_000
    # Distinct subjects (people, entities) one request may read; the bound gateway/subject_bound.py computes
    # for the benchmark's 1,000 joined persons is 6,000 (1,000 keys and one fetch of their entities).
    max_subjects: int = 10_000
    # X-Purpose-Ref, matched whole; a value holding a citizen ID or a mobile number is refused whatever it says.
    purpose_ref_pattern: re.Pattern[str] = re.compile(r"[A-Za-z0-9_./-]{1,64}")

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

    # Department authentication (README "Department authentication"): the PEM private key (Ed25519 or P-256) the
    # gateway signs its service tokens to HTTP departments with (default: made on first start in the state
    # directory), the issuer they name, and the CA certificates (PEM) an https:// department's certificate must
    # chain to (default: httpx's, certifi's bundle).
    department_signing_key: Path | None = None
    department_token_issuer: str = "huitong"
    department_ca_bundle: Path | None = None

    # Identity (README "Identity"): the issuers file, else the development issuer with jwt_secret; every token
    # carries this audience and lives at most max_token_lifetime seconds.
    jwt_secret: str | None = None
    issuers_file: Path | None = None
    token_audience: str = "huitong"
    max_token_lifetime: int = Field(default=8 * 3600, ge=60)
    token_key: str | None = None
    governance: bool = True
    # Governance or the access record switched off serves data ungoverned or unrecorded: only to measure what they
    # cost, with benchmark_mode, which also confines the server to loopback connections.
    benchmark_mode: bool = False
    executor: Literal["compiled", "graphql-core"] = "compiled"
    dev_mode: bool = False  # GraphiQL, and "Did you mean ...?" in validation errors; `make serve` turns it on
    policy_reload_interval: float = 0.5

    # GraphQL over HTTP (README "Calling Huitong"). A body larger than max_body_bytes gets 413, counted
    # as it streams in. A JSON array of requests is refused unless allow_batching; then it holds at most
    # max_batch_operations. cors_origins: the browser origins allowed to call, as a JSON list
    # ('["https://app.example.gov.cn"]'); none by default, never "*".
    max_body_bytes: int = 1_000_000
    allow_batching: bool = False
    max_batch_operations: int = 10
    cors_origins: tuple[str, ...] = ()

    # Shared state between workers and hosts; None runs on in-process state alone.
    redis_url: str | None = None
    redis_prefix: str = "huitong"
    # How often (seconds) every worker re-reads the suspension list, whatever Redis does (README "Suspension").
    suspension_poll_seconds: float = 5.0

    # Rate limits (README "Rate limits"): the limits file; each Redis call's timeout (seconds),
    # and how often (seconds) a gateway counting per process asks Redis again.
    rate_limits_file: Path = ROOT / "policy" / "rate-limits.yaml"
    rate_limits_redis_timeout: float = 0.25
    rate_limits_retry_seconds: float = 5.0
    # The proxies (addresses or CIDR blocks, a JSON list) whose X-Forwarded-For names the client, as behind a load
    # balancer; `huitong serve` has uvicorn believe their X-Forwarded-Proto too. None by default: the peer is the
    # client.
    trusted_proxies: tuple[IPvAnyNetwork, ...] = ()
    # How often (seconds) each worker writes its counts of requests refused for want of a valid identity, one
    # access-record entry per client address (README "The access record").
    anonymous_record_seconds: float = 60.0

    @field_validator("purpose_ref_pattern", mode="before")
    @classmethod
    def _regular_expression(cls, pattern: Any) -> Any:
        if not isinstance(pattern, str):
            return pattern
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None

    @field_validator("cors_origins")
    @classmethod
    def _origins_only(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        for origin in origins:
            parts = urlsplit(origin)
            if "*" in origin or parts.scheme not in ("http", "https") or not parts.netloc or \
                    origin != f"{parts.scheme}://{parts.netloc}":
                raise ValueError(f"{origin!r} is not an origin like https://app.example.gov.cn")
        return origins

    @model_validator(mode="after")
    def _unsafe_only_for_a_benchmark(self) -> Settings:
        off = [name for name, on in (("HUITONG_GOVERNANCE", self.governance), ("HUITONG_AUDIT", self.audit)) if not on]
        if off and not self.benchmark_mode:
            raise ValueError(f"{' and '.join(name + '=false' for name in off)} would serve data ungoverned or "
                             "unrecorded: only to benchmark them, with HUITONG_BENCHMARK_MODE=true, on loopback")
        return self

    @property
    def source_urls(self) -> dict[str, str]:
        """The URL of every source by the name the catalog gives it."""
        return {"population": self.population_url, "entity": self.entity_url, "licence": self.licence_url,
                **self.sources}

    @property
    def source_timeouts(self) -> dict[str, float]:
        return {"population": self.population_timeout, "entity": self.entity_timeout,
                "licence": self.licence_timeout}

    @property
    def forwarded_allow_ips(self) -> list[str]:
        """uvicorn's `forwarded_allow_ips`: it believes X-Forwarded-For and -Proto from the trusted proxies alone."""
        return [str(network) for network in self.trusted_proxies]

    @property
    def access_log_url(self) -> str:
        return self.audit_url or f"sqlite+aiosqlite:///{self.state_dir}/access-log.db"



def loopback(host: str) -> bool:
    """Whether `host` (a name or an address to bind or to have been reached on) is this machine's loopback."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_once(path: Path, content: bytes) -> bytes:
    """Write `content` to a new 0600 file at `path` unless it exists; return what the file holds.

    The file appears whole or not at all (written aside, then linked into place), so several
    workers starting at once agree on one secret.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(aside, path)
        log.warning("created a new local secret at %s", path)
    except FileExistsError:
        pass
    finally:
        os.unlink(aside)
    return path.read_bytes()


def local_secret(state_dir: Path, name: str) -> str:
    """The secret stored in `state_dir/name`, created if missing."""
    return create_once(state_dir / name, secrets.token_urlsafe(48).encode()).decode().strip()
