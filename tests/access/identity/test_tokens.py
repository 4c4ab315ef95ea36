"""Token verification: a remembered token is still refused once it expires."""
from __future__ import annotations

import time

import jwt
import pytest

from access.identity.tokens import TokenVerifier, Unauthenticated

SECRET = "unit-test-secret-long-enough-for-hs256-0123456789abcdef"
DEPARTMENTS = {"civil-affairs"}


def _token(exp: float) -> str:
    return jwt.encode({"sub": "s", "dept": "civil-affairs", "roles": ["b", "a", "a"], "exp": exp}, SECRET,
                      algorithm="HS256")


def test_remembered_token_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = TokenVerifier.with_secret(SECRET)
    token = _token(time.time() + 60)
    caller = verifier.verify(f"Bearer {token}", DEPARTMENTS)
    assert caller.roles == ("a", "b") and caller.department == "civil-affairs"
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


@pytest.mark.parametrize("system", ["case\nsystem", "case\x00system", "case system", "系统", "a" * 129, "",
                                    "case\x1b[31msystem", "case;system"])
def test_a_sub_outside_the_safe_characters_is_refused(system: str) -> None:
    token = jwt.encode({"sub": system, "dept": "civil-affairs", "exp": time.time() + 60}, SECRET, algorithm="HS256")
    with pytest.raises(Unauthenticated, match="'sub'"):
        TokenVerifier.with_secret(SECRET).verify(f"Bearer {token}", DEPARTMENTS)


@pytest.mark.parametrize("system", ["case-system", "a", "a" * 128, "urn:gov:case.system_2", "ops@civil/registry"])
def test_a_sub_of_safe_characters_is_admitted(system: str) -> None:
    token = jwt.encode({"sub": system, "dept": "civil-affairs", "exp": time.time() + 60}, SECRET, algorithm="HS256")
    assert TokenVerifier.with_secret(SECRET).verify(f"Bearer {token}", DEPARTMENTS).system == system
