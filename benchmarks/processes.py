"""The licence service and the gateway, each in its own process on a free loopback port."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.department_keys import DepartmentKeys
from benchmarks.gateway_settings import as_environment
from settings import ROOT

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Service:
    url: str
    pid: int


class ServiceFailed(RuntimeError):
    """A service did not become ready; the message carries the end of its log."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def licence_service(store_url: str, log_dir: Path, department_keys: DepartmentKeys) -> Iterator[Service]:
    """`python -m departments.licence` over `store_url`, trusting the gateway's key, once /healthz answers 200."""
    port = free_port()
    command = [sys.executable, "-m", "departments.licence", "--database-url", store_url,
               "--gateway-key", str(department_keys.public), "--host", HOST, "--port", str(port)]
    with _service("licence", command, os.environ, port, "/healthz", log_dir) as service:
        yield service


@contextmanager
def gateway(name: str, settings: Mapping[str, str], log_dir: Path) -> Iterator[Service]:
    """The gateway under one uvicorn worker, once /readyz answers 200."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "server:create_app", "--factory", "--host", HOST,
               "--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log"]
    with _service(name, command, {**os.environ, **as_environment(settings)}, port, "/readyz", log_dir) as service:
        yield service


@contextmanager
def _service(name: str, command: list[str], environment: Mapping[str, str], port: int, ready_path: str,
             log_dir: Path) -> Iterator[Service]:
    log_path = log_dir / f"{name}.log"
    url = f"http://{HOST}:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(environment), stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_ready(name, process, url + ready_path, log_path)
            yield Service(url, process.pid)
        finally:
            _stop(process)


def _wait_until_ready(name: str, process: subprocess.Popen, ready_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(ready_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    tail = log_path.read_text(errors="replace")[-2000:]
    raise ServiceFailed(f"{name} was not ready at {ready_url} within {START_TIMEOUT_S:.0f} s:\n{tail}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT_S)
