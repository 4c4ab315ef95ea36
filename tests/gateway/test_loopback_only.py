"""Benchmark mode answers loopback connections only, however the server was started."""
from __future__ import annotations

import asyncio

import orjson
import pytest

from gateway.loopback_only import LoopbackOnly


def _answer(server: tuple[str, int] | None) -> tuple[int, bytes]:
    sent: list[dict] = []

    async def inner(scope: dict, receive: object, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"served"})

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": [], "server": server,
             "client": ("203.0.113.9", 40000)}
    asyncio.run(LoopbackOnly(inner)(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("server", [("127.0.0.1", 8000), ("127.8.0.1", 8000), ("::1", 8000)])
def test_a_connection_to_loopback_is_served(server: tuple[str, int]) -> None:
    assert _answer(server) == (200, b"served")


@pytest.mark.parametrize("server", [("10.0.0.5", 8000), ("192.0.2.7", 443), ("::", 8000), None])
def test_any_other_connection_is_refused_before_anything_runs(server: tuple[str, int] | None) -> None:
    status, body = _answer(server)
    assert status == 403
    assert orjson.loads(body)["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_fence_stands_in_benchmark_mode_only() -> None:
    from gateway.middleware import middleware
    from settings import Settings

    def fenced(settings: Settings) -> bool:
        return any(layer.cls is LoopbackOnly for layer in middleware(settings))

    assert fenced(Settings(governance=False, benchmark_mode=True))
    assert not fenced(Settings())
