"""Liveness and readiness: /healthz answers while the process is alive, /readyz says whether it can serve."""
from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse

from connectors.base import SourceUnavailable
from gateway.runtime import Runtime


class Health:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    async def alive(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "alive"})

    async def ready(self, request: Request) -> JSONResponse:
        """Every department pinged (past its breaker); the policy, its decision maps, suspensions and rate limits
        described."""
        runtime = self._runtime
        departments = await self._department_status()
        ready = all(d["status"] == "up" for d in departments.values())
        return JSONResponse({"ready": ready, "departments": departments, "policy": runtime.policies.status(),
                             "decisions": runtime.decisions.status(),  # still compiling is still ready
                             "suspensions": runtime.suspensions.status(),
                             "rateLimits": runtime.rate_limits.stores.status()},  # degraded is still ready
                            status_code=200 if ready else 503)

    async def _department_status(self) -> dict[str, dict[str, str | int]]:
        """Each department pinged directly (past its breaker), with its breaker's state beside it."""
        async def status(name: str) -> tuple[str, dict[str, str | int]]:
            connector = self._runtime.connectors[name]
            breaker: dict[str, str | int] = {"breaker": connector.breaker.state, "failures": connector.breaker.failures}
            try:
                await connector.ping()
            except SourceUnavailable as exc:
                return name, {"department": connector.department, "status": "down", "reason": exc.reason, **breaker}
            return name, {"department": connector.department, "status": "up", **breaker}

        return dict(await asyncio.gather(*(status(name) for name in self._runtime.connectors)))
