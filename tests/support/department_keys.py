"""The key pair of the suite's gateways: each test gateway signs its service tokens with the private key, each test
licence service trusts the public one."""
from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx

from benchmarks.department_keys import DepartmentKeys, write_department_keys
from connectors.service_tokens import ServiceTokens


@functools.cache
def suite_keys() -> DepartmentKeys:
    return write_department_keys(Path(tempfile.mkdtemp(prefix="huitong-gateway-key-")))


class GatewayAuth(httpx.Auth):
    """Sends each request with the gateway's service token, as the gateway's connector does."""

    def __init__(self, tokens: ServiceTokens) -> None:
        self._tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["authorization"] = self._tokens.authorization()
        yield request
