"""The layer in front of the endpoints that serve data or policy: who is calling, whether it is suspended, whether it
is within its rate limits (Starlette's authentication pattern: a middleware fills in the scope, endpoints read it).

The caller's roles are the ones the live policy's assignment (roles.csv) gives its department and system, whatever its
token claims. It answers nothing itself. What it found goes into the request's scope, and the endpoint refuses what
must be refused, inside the part of the request that reaches the access record: a refused caller's request has its
entry like any other. The order is the one the regulations' enforcement needs: the token, then a suspension, then the
rate limits (counted before the purpose is checked, so a request refused for its purpose still costs a count). A
request without a valid identity is counted against its client address instead, and over that limit refused with 429
rather than 401.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from access.identity.tokens import Caller, TokenVerifier, Unauthenticated
from access.policy.store import PolicyStore
from control.ratelimits.limiter import RateLimiter
from control.suspension.state import CallerSuspended, Suspensions
from gateway.client_address import ClientAddresses
from gateway.errors import ErrorCode, RequestRefused, error
from gateway.refusals import too_many_requests

SCOPE_KEY = "admission"


@dataclass(frozen=True)
class Admission:
    """What the layer found: the caller (None if the request carries no valid token) and, if the request is to be
    refused before anything else, why; and the client address it came from."""
    caller: Caller | None
    refusal: RequestRefused | None
    admitter: Admitter
    address: str

    @property
    def unidentified(self) -> RequestRefused | None:
        """The refusal of a request without a valid identity (401, or 429 over its address's limit), if it is one."""
        return self.refusal if self.caller is None else None

    def check(self) -> Caller:
        """The caller, or the refusal raised."""
        if self.refusal is not None:
            raise self.refusal.anew()
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
                 rate_limits: RateLimiter, addresses: ClientAddresses) -> None:
        self._verifier = verifier
        self._policies = policies
        self._suspensions = suspensions
        self._rate_limits = rate_limits
        self._addresses = addresses

    async def admit(self, scope: Scope, counted: bool, identity_required: bool) -> Admission:
        """`counted`: the caller's request counts against its rate limits; `identity_required`: a request without a
        valid identity is to be refused for it, and so counts against its client address."""
        address = self._addresses.of(scope)
        try:
            caller = self._identify(Headers(scope=scope))
        except RequestRefused as refused:
            exceeded = await self._rate_limits.check_address(address) if identity_required else None
            return Admission(None, refused if exceeded is None else too_many_requests(exceeded), self, address)
        try:
            self._suspensions.check(caller)
        except CallerSuspended as exc:
            suspension = exc.suspension
            return Admission(caller, RequestRefused.one(
                403, str(exc), ErrorCode.CALLER_SUSPENDED, suspended=suspension.target.scope,
                reason=suspension.reason, since=suspension.since.isoformat(timespec="seconds")), self, address)
        admitted = Admission(caller, None, self, address)
        return await self.count(admitted, 1) if counted else admitted

    def _identify(self, headers: Headers) -> Caller:
        authorization = headers.getlist("authorization")
        if len(authorization) > 1:  # which one a proxy or a client meant is not for the gateway to guess
            raise RequestRefused(400, [error(f"the request carries {len(authorization)} Authorization headers; send "
                                             "exactly one", ErrorCode.BAD_REQUEST)],
                                 {"www-authenticate": 'Bearer error="invalid_request"'})
        policy = self._policies.current
        try:
            verified = self._verifier.verify(authorization[0] if authorization else None, policy.departments)
            return replace(verified, roles=policy.assignment.of(verified.department, verified.system))
        except Unauthenticated as exc:
            raise RequestRefused(401, [error(str(exc), ErrorCode.UNAUTHENTICATED)],
                                 {"www-authenticate": "Bearer"}) from None

    async def count(self, admission: Admission, requests: int) -> Admission:
        assert admission.caller is not None
        for _ in range(requests):
            exceeded = await self._rate_limits.check(admission.caller.system, admission.caller.department)
            if exceeded is not None:
                return replace(admission, refusal=too_many_requests(exceeded))
        return admission


def _always(connection: HTTPConnection) -> bool:
    return True


class AdmissionMiddleware:
    """Admits every request to the paths given (each path's requests counted against the rate limits or not). A
    request without a valid identity is counted against its address only where `needs_identity` says it is refused
    for that (not GraphiQL's page, nor data with governance off)."""

    def __init__(self, app: ASGIApp, admitter: Admitter, counted: tuple[str, ...], uncounted: tuple[str, ...],
                 needs_identity: Callable[[HTTPConnection], bool] = _always) -> None:
        self.app = app
        self._admitter = admitter
        self._counted = counted
        self._uncounted = uncounted
        self._needs_identity = needs_identity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            counted = path in self._counted
            if counted or path.startswith(self._uncounted):
                scope[SCOPE_KEY] = await self._admitter.admit(scope, counted,
                                                              self._needs_identity(HTTPConnection(scope)))
        await self.app(scope, receive, send)
