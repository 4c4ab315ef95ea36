"""Huitong servers as their own processes (uvicorn, settings from HUITONG_* variables), as hosts run them.

`Deployment` holds what the hosts share (departments, access-record database, state directory, Redis)
and starts hosts, each with a policy directory of its own (a copy of the shipped one)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis

from access.identity.minting import mint_token
from settings import ROOT
from tests.support.department_keys import suite_keys
from tests.support.gateway import JWT_SECRET, TOKEN_KEY, Stores

POLICY_DIR = ROOT / "policy"
START_SECONDS = 60


def copy_policy(target: Path) -> Path:
    shutil.copytree(POLICY_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "workbench"))
    return target


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


HUITONG = str(Path(sys.executable).parent / "huitong")  # installed by make install


@dataclass
class Host:
    name: str
    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def policy_dir(self) -> Path:
        return Path(self.env["HUITONG_POLICY_DIR"])

    def start(self) -> Host:
        with self.log_path.open("ab") as log:
            trusted = ",".join(json.loads(self.env.get("HUITONG_TRUSTED_PROXIES", "[]")))  # as `huitong serve` does
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "server:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning", "--forwarded-allow-ips", trusted],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"host {self.name} exited while starting:\n{self.log()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"host {self.name} did not start:\n{self.log()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def post(self, query: str, variables: dict | None = None, *, dept: str, purpose: str,
             system: str = "test-system") -> httpx.Response:
        """As `system` of `dept`, which holds the roles the host's assignment gives it."""
        token = mint_token(JWT_SECRET, system, dept)
        return httpx.post(self.url + "/graphql", json={"query": query, "variables": variables or {}},
                          headers={"authorization": f"Bearer {token}", "x-purpose": purpose}, timeout=30)

    def readyz(self) -> dict[str, Any]:
        return httpx.get(self.url + "/readyz", timeout=30).json()


@dataclass
class Deployment:
    """Hosts sharing departments, the access record (a SQLite file here), the state directory and Redis."""
    stores: Stores
    licence_url: str
    directory: Path
    redis_url: str | None
    redis_prefix: str
    extra: dict[str, str] = field(default_factory=dict)
    hosts: list[Host] = field(default_factory=list)

    @property
    def audit_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.directory}/access-log.db"

    @property
    def settings_env(self) -> dict[str, str]:
        """The HUITONG_* settings every host and every command of this deployment runs with."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("HUITONG_")}
        env.update({
            "HUITONG_POPULATION_URL": self.stores.population_url, "HUITONG_ENTITY_URL": self.stores.entity_url,
            "HUITONG_LICENCE_URL": self.licence_url, "HUITONG_AUDIT_URL": self.audit_url,
            "HUITONG_STATE_DIR": str(self.directory / "state"), "HUITONG_JWT_SECRET": JWT_SECRET,
            "HUITONG_TOKEN_KEY": TOKEN_KEY, "HUITONG_POLICY_DIR": str(POLICY_DIR),
            "HUITONG_REDIS_PREFIX": self.redis_prefix, "HUITONG_DEV_MODE": "false",
            "HUITONG_DEPARTMENT_SIGNING_KEY": str(suite_keys().private),
        })
        if self.redis_url is not None:
            env["HUITONG_REDIS_URL"] = self.redis_url
        env.update(self.extra)
        return env

    def start_host(self, name: str, edit_policy: Callable[[Path], object] = lambda directory: None) -> Host:
        """A host with its own copy of the policy directory, edited as given before it starts."""
        policy_dir = copy_policy(self.directory / f"policy-{name}")
        edit_policy(policy_dir)
        env = self.settings_env | {"HUITONG_POLICY_DIR": str(policy_dir)}
        host = Host(name, env, self.directory / f"{name}.log")
        self.hosts.append(host)
        return host.start()

    def command(self, *arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """`huitong <arguments>` with this deployment's settings, tables printed wide enough not to wrap."""
        return subprocess.run([HUITONG, *arguments], check=False, cwd=ROOT,
                              env=(env or self.settings_env) | {"COLUMNS": "250"},
                              capture_output=True, text=True, timeout=120)

    def stop(self) -> None:
        """Stop the hosts and remove this deployment's keys from Redis, if it is still up."""
        for host in self.hosts:
            host.stop()
        if self.redis_url is None:
            return
        client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=2)
        try:
            for key in client.scan_iter(match=f"{self.redis_prefix}:*"):
                client.delete(key)
        except redis.ConnectionError:
            pass
        finally:
            client.close()


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> float:
    """Polls `condition` until it holds, failing after `seconds`; the seconds it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"{what} not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started
