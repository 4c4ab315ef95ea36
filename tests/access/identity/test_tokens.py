"""Token verification: a remembered token is still refused once it expires; a `roles` claim counts for nothing."""
from __future__ import annotations

import time

import jwt
import pytest

from access.identity.tokens import TokenVerifier, Unauthenticated

SECRET = "unit-test-secret-long-enough-for-hs256-0123456789abcdef"
DEPARTMENTS = {"civil-affairs"}


def _token(exp: float, roles: object = ("b", "a")) -> str:
    return jwt.encode({"sub": "s", "dept": "civil-affairs", "roles": roles, "exp": exp}, SECRET, algorithm="HS256")


def test_remembered_token_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = TokenVerifier.with_secret(SECRET)
    token = _token(time.time() + 60)
    caller = verifier.verify(f"Bearer {token}", DEPARTMENTS)
    assert caller.roles == () and caller.department == "civil-affairs"
    assert verifier.verify(f"bearer  {token} ", DEPARTMENTS) == caller
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(f"Bearer {token}", DEPARTMENTS)


def test_a_remembered_token_is_rechecked_against_the_departments() -> None:
    verifier = TokenVerifier.with_secret(SECRET)
    token = _token(time.time() + 60)
    verifier.verify(f"Bearer {token}", DEPARTMENTS)
    with pytest.raises(Unauthenticated, match="not a known department"):
        verifier.verify(f"Bearer {token}", {"public-security"})


@pytest.mark.parametrize("claimed", [["auditor"], [f"duty-{n}" for n in range(300)], "auditor", {"x": 1}])
def test_a_roles_claim_is_ignored_whatever_it_holds(claimed: object) -> None:
    caller = TokenVerifier.with_secret(SECRET).verify(f"Bearer {_token(time.time() + 60, claimed)}", DEPARTMENTS)
    assert (caller.system, caller.department, caller.roles) == ("s", "civil-affairs", ())
