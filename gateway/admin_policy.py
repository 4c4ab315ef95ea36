"""The security officers' policy page: a static shell, and JSON endpoints that open only to the systems the role
assignment (roles.csv) gives the role `security-officer`; a token claiming it opens nothing.

A browser cannot send an Authorization header when it first loads a page, so the page itself holds nothing:
its script asks the JSON endpoints below with the token the officer pastes (kept in sessionStorage).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from access.identity.tokens import Caller
from access.policy.assignment import SECURITY_OFFICER
from access.policy.registry import PolicyError
from access.policy.store import Policy, load_policy
from control.workbench import render
from control.workbench.diff import diff_policies
from control.workbench.explain import explain
from control.workbench.matrix import decision_matrix
from control.workbench.universe import UnknownName, as_roles, named_roles
from gateway.admission import admission_of
from gateway.errors import ErrorCode, RequestRefused, error
from gateway.runtime import Runtime

ADMIN_API = "/admin/policy/api/"
STATIC_DIR = Path(__file__).parent / "static"
PAGE = STATIC_DIR / "admin-policy.html"
RULES_FILE = Path("rules.csv")  # shown without the server's directory
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


class AdminPolicyRoutes:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/admin/policy", self.page),
            Route(ADMIN_API + "overview", self._guarded(self.overview)),
            Route(ADMIN_API + "matrix", self._guarded(self.matrix)),
            Route(ADMIN_API + "explain", self._guarded(self.explain)),
            Route(ADMIN_API + "diff", self._guarded(self.diff)),
            Mount("/admin/policy/static", StaticFiles(directory=STATIC_DIR)),
        ]

    async def page(self, request: Request) -> Response:
        return FileResponse(PAGE, headers={"content-security-policy": PAGE_POLICY})

    async def overview(self, request: Request, caller: Caller) -> dict[str, Any]:
        policy = self._runtime.policies.current
        return {
            "caller": {"system": caller.system, "department": caller.department, "roles": list(caller.roles)},
            "policy": {"version": policy.version, "error": self._runtime.policies.last_error},
            "departments": [{"code": code, "name": name} for code, name in policy.departments.items()],
            "purposes": [{"code": p.code, "name": p.name, "legalBasis": p.legal_basis}
                         for p in policy.purposes.values()],
        }

    async def matrix(self, request: Request, caller: Caller) -> dict[str, Any]:
        runtime = self._runtime
        policy = runtime.policies.current
        purpose = self._purpose(request)
        # A map not compiled yet (roles no system holds) is compiled by the thread asking, so off the event loop.
        matrix = await run_in_threadpool(decision_matrix, policy, runtime.catalog, purpose, _roles(request, policy),
                                         runtime.decisions.compiled)
        return {"version": policy.version, **render.matrix_json(matrix, runtime.catalog)}

    async def explain(self, request: Request, caller: Caller) -> dict[str, Any]:
        runtime = self._runtime
        policy = runtime.policies.current
        purpose = self._purpose(request)
        explanation = await run_in_threadpool(explain, policy, runtime.catalog, _param(request, "department"),
                                              _roles(request, policy), purpose, _param(request, "field"), RULES_FILE,
                                              runtime.decisions.lookup_budget)
        return {"version": policy.version, **render.explanation_json(explanation)}

    async def diff(self, request: Request, caller: Caller) -> dict[str, Any]:
        # Seconds of Casbin calls when groupings change: off the event loop (enforcing only reads the live enforcer).
        return await run_in_threadpool(self._live_against_disk)

    def _live_against_disk(self) -> dict[str, Any]:
        runtime = self._runtime
        live = runtime.policies.current
        try:
            disk = load_policy(runtime.settings.policy_dir, runtime.catalog)
        except PolicyError as exc:
            return {"live": live.version, "disk": None, "diskError": str(exc), "changes": []}
        changes = diff_policies(live, disk, runtime.catalog, runtime.decisions.lookup_budget)
        return {"live": live.version, "disk": disk.version, "diskError": None,
                "changes": [render.change_json(change) for change in changes]}

    def _purpose(self, request: Request) -> str:
        purpose = _param(request, "purpose")
        purposes = self._runtime.policies.current.purposes
        if purpose not in purposes:
            raise RequestRefused.one(400, f"unknown purpose {purpose!r}", ErrorCode.UNKNOWN_PURPOSE,
                                     purposes=sorted(purposes))
        return purpose

    def _officer(self, request: Request) -> Caller:
        caller = admission_of(request).check()
        if SECURITY_OFFICER not in caller.roles:
            raise RequestRefused.one(403, "the policy workbench is open only to callers with the role "
                                          f"'{SECURITY_OFFICER}'", ErrorCode.FORBIDDEN)
        return caller

    def _guarded(self, handler: Callable[[Request, Caller], Awaitable[dict[str, Any]]]
                 ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                body = await handler(request, self._officer(request))
            except RequestRefused as refused:
                return JSONResponse({"errors": refused.errors}, status_code=refused.status, headers=refused.headers)
            except UnknownName as exc:
                return JSONResponse({"errors": [error(str(exc), ErrorCode.BAD_REQUEST)]}, status_code=400)
            return JSONResponse(body)

        return endpoint


def _param(request: Request, name: str) -> str:
    value = request.query_params.get(name, "").strip()
    if not value:
        raise RequestRefused.one(400, f"give the '{name}' parameter", ErrorCode.BAD_REQUEST)
    return value


def _roles(request: Request, policy: Policy) -> tuple[str, ...]:
    """Only roles the rules name: any other role decides as none would, and each new one costs the engine."""
    roles = as_roles(request.query_params.getlist("role"))
    known = named_roles(policy.rules)
    for role in roles:
        if role not in known:
            raise UnknownName(f"unknown role {role[:64]!r}; the rules name: {', '.join(known) or 'none'}")
    return roles
