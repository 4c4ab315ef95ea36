"""The licence service as its own process, started as `huitong licence-service` and as `make serve` starts it: it
will not start without the gateway's key, serves HTTPS with a certificate, and answers the gateway alone."""
from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import cli
from benchmarks.department_keys import DepartmentKeys, write_department_keys
from benchmarks.processes import free_port
from connectors.service_tokens import ServiceTokens
from connectors.signing_key import signing_key
from departments.loading import load_department
from settings import ROOT, Settings
from tests.support.certificates import self_signed
from tests.support.department_keys import GatewayAuth

HUITONG = str(Path(sys.executable).parent / "huitong")
QUERY = "/v1/licences/query"


@pytest.fixture(scope="module")
def store_url(small_dataset, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('licence') / 'licence.db'}"
    asyncio.run(load_department(url, "licence", small_dataset.licences))
    return url


@pytest.fixture(scope="module")
def body(small_dataset) -> dict:
    return {"by": "licenceId", "keys": [small_dataset.licences[0]["zzbs"]]}


@pytest.fixture()
def keys(tmp_path: Path) -> DepartmentKeys:
    return write_department_keys(tmp_path)


def _command(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([HUITONG, "licence-service", *arguments], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ, "COLUMNS": "200"})


def _wait_until_up(process: subprocess.Popen, url: str, **client: object) -> None:
    for _ in range(300):
        assert process.poll() is None, "the licence service exited"
        try:
            if httpx.get(url + "/healthz", timeout=1, **client).status_code == 200:  # type: ignore[arg-type]
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the licence service did not start")


@pytest.fixture()
def stopping() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(10)


def test_without_the_gateways_key_it_does_not_start(store_url: str) -> None:
    refused = _command("--database-url", store_url)
    assert refused.returncode == 2
    assert "--gateway-key" in refused.stderr


def test_with_a_key_it_cannot_trust_it_does_not_start_and_says_why(store_url: str, keys: DepartmentKeys) -> None:
    refused = _command("--database-url", store_url, "--gateway-key", str(keys.private))
    assert refused.returncode == 2
    assert "not a PEM public key" in refused.stderr


def test_over_https_it_serves_the_gateway_and_refuses_anyone_else(store_url: str, body: dict, keys: DepartmentKeys,
                                                                   tmp_path: Path, stopping: list) -> None:
    made, port = self_signed(tmp_path), free_port()
    stopping.append(subprocess.Popen(
        [HUITONG, "licence-service", "--database-url", store_url, "--gateway-key", str(keys.public),
         "--port", str(port), "--ssl-certfile", str(made.certificate), "--ssl-keyfile", str(made.key)], cwd=ROOT))
    url, trusting = f"https://127.0.0.1:{port}", ssl.create_default_context(cafile=made.certificate)
    _wait_until_up(stopping[0], url, verify=trusting)

    with httpx.Client(base_url=url, verify=trusting, timeout=10) as anyone:
        assert anyone.post(QUERY, json=body).status_code == 401
    with httpx.Client(base_url=url, verify=trusting, timeout=10, auth=GatewayAuth(keys.tokens())) as gateway:
        served = gateway.post(QUERY, json=body)
    assert served.status_code == 200 and [item["zzbs"] for item in served.json()["items"]] == body["keys"]


def test_make_serve_gives_the_embedded_service_the_gateways_key(store_url: str, body: dict, tmp_path: Path,
                                                                 stopping: list) -> None:
    settings = Settings(state_dir=tmp_path / "state", licence_store_url=store_url)
    process, url = cli._start_embedded_licence_service(settings)
    stopping.append(process)
    tokens = ServiceTokens(signing_key(settings), settings.department_token_issuer, "licence")  # the gateway's

    with httpx.Client(base_url=url, timeout=10) as anyone:
        assert anyone.post(QUERY, json=body).status_code == 401
    with httpx.Client(base_url=url, timeout=10, auth=GatewayAuth(tokens)) as gateway:
        served = gateway.post(QUERY, json=body)
    assert served.status_code == 200 and [item["zzbs"] for item in served.json()["items"]] == body["keys"]
