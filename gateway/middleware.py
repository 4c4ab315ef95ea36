"""The layers around every route, outermost first: security headers, the fault barrier, in benchmark mode the
loopback fence, CORS."""
from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from gateway.fault_barrier import FaultBarrier
from gateway.loopback_only import LoopbackOnly
from gateway.security_headers import SecurityHeaders
from settings import Settings

REQUEST_HEADERS = ["authorization", "content-type", "accept", "x-purpose", "x-purpose-ref", "x-access-mode"]
EXPOSED_HEADERS = ["x-request-id", "retry-after"]


def middleware(settings: Settings) -> list[Middleware]:
    layers = [Middleware(SecurityHeaders), Middleware(FaultBarrier)]
    if settings.benchmark_mode:
        layers.append(Middleware(LoopbackOnly))
    if settings.cors_origins:  # with none allowed, a browser's same-origin rule is all that is needed
        # Tokens travel in the Authorization header, never in cookies: no credentialed CORS is needed.
        layers.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                 allow_methods=["GET", "POST"], allow_headers=REQUEST_HEADERS,
                                 expose_headers=EXPOSED_HEADERS, allow_credentials=False, max_age=600))
    return layers
