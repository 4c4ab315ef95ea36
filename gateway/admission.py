"""The layer in front of the endpoints that serve data or policy: who is calling, whether it is suspended, whether it
is within its rate limits (Starlette's authentication pattern: a middleware fills in the scope, endpoints read it).

The caller's roles are the ones the live policy's assignment (roles.csv) gives its department and system, whatever its
token claims. The layer answers nothing itself. What it found goes into the request's scope, and the endpoint refuses
what must be refused, inside the part of the request that reaches the access record: a refused request has its entry
like any other. The order is the one the regulations' enforcement needs: the token, then a suspension, then the rate
limits (counted before the purpose is checked, so a request refused for its purpose still costs a count).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from access.identity.tokens import Caller, TokenVerifier, Unauthenticated
from access.policy.store import PolicyStore
from control.ratelimits.limiter import RateLimiter
from control.suspension.state import CallerSuspended, Suspensions
from gateway.errors import ErrorCode, RequestRefused, error
from gateway.refusals import too_many_requests

SCOPE_KEY = "admission"


@dataclass(frozen=True)
class Admission:
    """What the layer found: the caller (None if the request carries no valid token) and, if the request is to be
    refused before anything else, why."""
    caller: Caller | None
    refusal: RequestRefused | None
    admitter: Admitter

    def check(self) -> Caller:
        """The caller, or the refusal raised."""
        if self.refusal is not None:
            raise self.refusal
        assert self.caller is not None  # an admission without a caller always carries a refusal
        return self.caller

    async def for_batch(self, operations: int) -> Admission:
        """A batch of requests counts as that many against the rate limits; the first was counted on admission."""
        if self.refusal is not None or self.caller is None or operations <= 1:
            return self
        return await self.admitter.count(self, operations - 1)


def admission_of(connection: HTTPConnection) -> Admission:
    admission: Admission = connection.scope[SCOPE_KEY]
    return admission


class Admitter:
    def __init__(self, verifier: TokenVerifier, policies: PolicyStore, suspensions: Suspensions,
                 rate_limits: RateLimiter) -> None:
        self._verifier = verifier
        self._policies = policies
        self._suspensions = suspensions
        self._rate_limits = rate_limits

    async def admit(self, headers: Headers, counted: bool) -> Admission:
        policy = self._policies.current
        try:
            verified = self._verifier.verify(headers.get("authorization"), policy.departments)
        except Unauthenticated as exc:
            return Admission(None, RequestRefused(401, [error(str(exc), ErrorCode.UNAUTHENTICATED)],
                                                  {"www-authenticate": "Bearer"}), self)
        caller = replace(verified, roles=policy.assignment.of(verified.department, verified.system))
        try:
            self._suspensions.check(caller)
        except CallerSuspended as exc:
            suspension = exc.suspension
            return Admission(caller, RequestRefused.one(
                403, str(exc), ErrorCode.CALLER_SUSPENDED, suspended=suspension.scope, reason=suspension.reason,
                since=suspension.since.isoformat(timespec="seconds")), self)
        admitted = Admission(caller, None, self)
        return await self.count(admitted, 1) if counted else admitted

    async def count(self, admission: Admission, requests: int) -> Admission:
        assert admission.caller is not None
        for _ in range(requests):
            exceeded = await self._rate_limits.check(admission.caller.system, admission.caller.department)
            if exceeded is not None:
                return replace(admission, refusal=too_many_requests(exceeded))
        return admission


class AdmissionMiddleware:
    """Admits every request to the paths given (each path's requests counted against the rate limits or not)."""

    def __init__(self, app: ASGIApp, admitter: Admitter, counted: tuple[str, ...], uncounted: tuple[str, ...]) -> None:
        self.app = app
        self._admitter = admitter
        self._counted = counted
        self._uncounted = uncounted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            counted = path in self._counted
            if counted or path.startswith(self._uncounted):
                scope[SCOPE_KEY] = await self._admitter.admit(Headers(scope=scope), counted)
        await self.app(scope, receive, send)
