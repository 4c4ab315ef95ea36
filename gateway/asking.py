"""Why the caller is asking: the purpose, case reference and access mode its request states in its headers."""
from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import Headers

from access.identity.tokens import Caller
from access.policy.store import Policy
from gateway.errors import ErrorCode, RequestRefused

MAX_PURPOSE_REF = 64
ACCESS_MODES = ("lenient", "strict")


@dataclass(frozen=True)
class Asking:
    caller: Caller
    purpose: str
    purpose_ref: str | None
    strict: bool


def state_purpose(caller: Caller, headers: Headers, policy: Policy) -> Asking:
    """The caller with the purpose, case reference and access mode its request states."""
    purpose = headers.get("x-purpose", "").strip()
    if not purpose:
        raise RequestRefused.one(400, "state the purpose of this request in the X-Purpose header",
                                 ErrorCode.PURPOSE_REQUIRED, purposes=sorted(policy.purposes))
    if purpose not in policy.purposes:
        raise RequestRefused.one(400, f"unknown purpose {purpose!r}", ErrorCode.UNKNOWN_PURPOSE,
                                 purposes=sorted(policy.purposes))
    return Asking(caller, purpose, _purpose_ref(headers.get("x-purpose-ref")), _strict(headers.get("x-access-mode")))


def _purpose_ref(value: str | None) -> str | None:
    if value is None:
        return None
    if not value or len(value) > MAX_PURPOSE_REF or not value.isprintable() or not value.isascii():
        raise RequestRefused.one(400, f"X-Purpose-Ref must be 1 to {MAX_PURPOSE_REF} printable ASCII characters",
                                 ErrorCode.BAD_PURPOSE_REF)
    return value


def _strict(value: str | None) -> bool:
    mode = (value or "lenient").strip().lower()
    if mode not in ACCESS_MODES:
        raise RequestRefused.one(400, f"X-Access-Mode must be one of {', '.join(ACCESS_MODES)}", ErrorCode.BAD_REQUEST)
    return mode == "strict"
