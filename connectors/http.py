"""A department reached over its HTTP JSON batch API (the electronic-licence registry)."""
from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Sequence

import httpx
import orjson

from catalog import Resource
from connectors.base import ConnectionFailed, PoolExhausted, RequestRejected, Row, SourceUnavailable, at_most
from connectors.service_tokens import ServiceTokens

log = logging.getLogger(__name__)

DEFAULT_QUERY_PATH = "/v1/query"
HEALTH_PATH = "/healthz"


class HttpBatchConnector:
    """POSTs {"by": field, "keys": [...], "limit": n} to the catalog's path once per batch; the service answers
    {"items": [row, ...]} with at most n rows. Every call carries the gateway's service token for the department;
    `verify` is the TLS context an https:// department's certificate is checked with (True: the default CAs)."""

    def __init__(self, resource: Resource, base_url: str, department: str, timeout: float, tokens: ServiceTokens,
                 pool_size: int = 20, pool_overflow: int = 0, pool_timeout: float | None = None,
                 client: httpx.AsyncClient | None = None, verify: ssl.SSLContext | bool = True) -> None:
        self.department = department
        self._timeout = timeout
        self._tokens = tokens
        self._client = client or httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout, pool=pool_timeout), verify=verify,
            limits=httpx.Limits(max_connections=pool_size + pool_overflow, max_keepalive_connections=pool_size),
        )
        self._columns = [(f.column, f.name) for f in resource.fields.values()]
        self._path = resource.source.path or DEFAULT_QUERY_PATH

    async def fetch(self, by: str, keys: Sequence[str], limit: int) -> list[Row]:
        body = orjson.dumps({"by": by, "keys": list(keys), "limit": limit + 1})
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._client.post(self._path, content=body, headers={
                    "content-type": "application/json", "authorization": self._tokens.authorization()})
        except TimeoutError:
            raise SourceUnavailable(self.department, "timed out") from None
        except httpx.HTTPError as exc:
            log.warning("department %s failed: %r", self.department, exc)
            raise self._failure(exc) from None
        if response.status_code != 200:
            log.warning("department %s answered %s: %s", self.department, response.status_code, response.text[:200])
            rejected = 400 <= response.status_code < 500
            raise (RequestRejected if rejected else SourceUnavailable)(
                self.department, f"answered HTTP {response.status_code}")
        columns = self._columns
        items = at_most(orjson.loads(response.content)["items"], limit, self.department)
        return [{name: item.get(column) for column, name in columns} for item in items]

    def _failure(self, exc: httpx.HTTPError) -> SourceUnavailable:
        if isinstance(exc, httpx.PoolTimeout):
            return PoolExhausted(self.department, "no free connection")
        if isinstance(exc, httpx.TimeoutException):
            return SourceUnavailable(self.department, "timed out")
        if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
            return ConnectionFailed(self.department, "unreachable")
        return SourceUnavailable(self.department, "failed")

    async def ping(self) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._client.get(HEALTH_PATH,
                                                  headers={"authorization": self._tokens.authorization()})
        except (TimeoutError, httpx.HTTPError):
            raise SourceUnavailable(self.department, "unreachable") from None
        if response.status_code != 200:
            raise SourceUnavailable(self.department, f"answered HTTP {response.status_code}")

    async def close(self) -> None:
        await self._client.aclose()
