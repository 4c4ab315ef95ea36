"""Why the caller is asking: the purpose, case reference and access mode its request states in its headers."""
from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.datastructures import Headers

from access.identity.tokens import Caller
from access.policy.store import Policy
from gateway.errors import ErrorCode, RequestRefused
from gateway.purpose_ref import purpose_ref_problem

ACCESS_MODES = ("lenient", "strict")
HEADER_NAMES = {"x-purpose": "X-Purpose", "x-purpose-ref": "X-Purpose-Ref", "x-access-mode": "X-Access-Mode"}


@dataclass(frozen=True)
class Asking:
    caller: Caller
    purpose: str
    purpose_ref: str | None
    strict: bool


def state_purpose(caller: Caller, headers: Headers, policy: Policy, ref_pattern: re.Pattern[str]) -> Asking:
    """The caller with the purpose, case reference (a case number matching `ref_pattern`) and access mode its
    request states, each in one header."""
    purpose = (_single(headers, "x-purpose") or "").strip()
    if not purpose:
        raise RequestRefused.one(400, "state the purpose of this request in the X-Purpose header",
                                 ErrorCode.PURPOSE_REQUIRED, purposes=sorted(policy.purposes))
    if purpose not in policy.purposes:
        raise RequestRefused.one(400, f"unknown purpose {purpose!r}", ErrorCode.UNKNOWN_PURPOSE,
                                 purposes=sorted(policy.purposes))
    return Asking(caller, purpose, _purpose_ref(_single(headers, "x-purpose-ref"), ref_pattern),
                  _strict(_single(headers, "x-access-mode")))


def _single(headers: Headers, name: str) -> str | None:
    """The header's value; a request that gives it twice is refused rather than read by whichever comes first."""
    values = headers.getlist(name)
    if len(values) > 1:
        raise RequestRefused.one(400, f"the request carries {len(values)} {HEADER_NAMES[name]} headers; send one",
                                 ErrorCode.BAD_REQUEST)
    return values[0] if values else None


def _purpose_ref(value: str | None, pattern: re.Pattern[str]) -> str | None:
    if value is None:
        return None
    problem = purpose_ref_problem(value, pattern)
    if problem is not None:
        raise RequestRefused.one(400, f"X-Purpose-Ref must be the business case number: {problem}",
                                 ErrorCode.BAD_PURPOSE_REF, reason=problem)
    return value


def _strict(value: str | None) -> bool:
    mode = (value or "lenient").strip().lower()
    if mode not in ACCESS_MODES:
        raise RequestRefused.one(400, f"X-Access-Mode must be one of {', '.join(ACCESS_MODES)}", ErrorCode.BAD_REQUEST)
    return mode == "strict"
