"""Whom Huitong trusts to say who is calling: each issuer (`iss`) with its keys and the departments it may assert.

As in X-Road, a member says only what its own credentials let it say: a department's identity provider signs for
that department, never for another. Keys come by `kid` from a JWKS (a file, or a URL read with PyJWT's PyJWKClient);
the embedded default has one development issuer instead, HS256 with the local secret, that may assert every
department.
"""
from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import jwt
import yaml
from jwt import PyJWKClient, PyJWKSet

DEVELOPMENT_ISSUER = "huitong-dev"
ASYMMETRIC_ALGORITHMS = ("RS256", "ES256", "EdDSA")
ISSUER_KEYS = frozenset({"iss", "jwks_url", "jwks_file", "departments", "citizens", "algorithms"})
JWKS_TIMEOUT_SECONDS = 2


class IssuersError(Exception):
    """The issuers file is wrong; the message names the file and the entry."""


class NoKey(Exception):
    """No key of the issuer verifies this token (unknown `kid`, or the JWKS cannot be read); safe to show."""


class KeySource(Protocol):
    def key_for(self, token: str) -> Any: ...


@dataclass(frozen=True)
class SharedSecret:
    secret: str

    def key_for(self, token: str) -> Any:
        return self.secret


class JwksFile:
    def __init__(self, path: Path) -> None:
        self._keys = PyJWKSet.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def key_for(self, token: str) -> Any:
        kid = jwt.get_unverified_header(token).get("kid")
        if not isinstance(kid, str):
            raise NoKey("the token names no key ('kid' in its header)")
        try:
            return self._keys[kid].key
        except KeyError:
            raise NoKey(f"the issuer has no key {kid!r}") from None


class JwksUrl:
    """Keys fetched on first use and when a `kid` is new, then kept (PyJWKClient's cache)."""

    def __init__(self, url: str) -> None:
        self._client = PyJWKClient(url, cache_keys=True, timeout=JWKS_TIMEOUT_SECONDS)

    def key_for(self, token: str) -> Any:
        try:
            return self._client.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientError as exc:
            raise NoKey(f"no key of the issuer verifies the token ({exc})") from None


@dataclass(frozen=True)
class Issuer:
    name: str  # the `iss` its tokens carry
    keys: KeySource
    algorithms: tuple[str, ...]
    departments: frozenset[str] | None  # None: every department (the development issuer only)
    citizens: bool = False  # an issuer of people's identities, asserting no department

    def may_assert(self, department: str) -> bool:
        return not self.citizens and (self.departments is None or department in self.departments)


def development_issuer(secret: str) -> Issuer:
    return Issuer(DEVELOPMENT_ISSUER, SharedSecret(secret), ("HS256",), None)


def load_issuers(path: Path, departments: Collection[str]) -> Mapping[str, Issuer]:
    """The issuers file (README "Identity"): refused whole, naming the entry, if anything is wrong."""
    where = path.name
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise IssuersError(f"{where}: cannot be read: {exc}") from None
    entries = document.get("issuers") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise IssuersError(f"{where}: expected 'issuers:', a list of issuers")
    issuers: dict[str, Issuer] = {}
    for index, entry in enumerate(entries):
        issuer = _issuer(entry, path, departments, f"{where}: issuers[{index}]")
        if issuer.name in issuers:
            raise IssuersError(f"{where}: issuers[{index}]: {issuer.name!r} is already listed")
        issuers[issuer.name] = issuer
    return issuers


def _issuer(entry: Any, path: Path, departments: Collection[str], where: str) -> Issuer:
    if not isinstance(entry, dict):
        raise IssuersError(f"{where}: expected a mapping")
    unknown = set(entry) - ISSUER_KEYS
    if unknown:
        raise IssuersError(f"{where}: unknown attribute(s) {sorted(unknown)}; allowed: {sorted(ISSUER_KEYS)}")
    name = entry.get("iss")
    if not isinstance(name, str) or not name or name == DEVELOPMENT_ISSUER:
        raise IssuersError(f"{where}: 'iss' names the issuer (not {DEVELOPMENT_ISSUER!r}, the development one)")
    algorithms = tuple(entry.get("algorithms") or ASYMMETRIC_ALGORITHMS)
    if not set(algorithms) <= set(ASYMMETRIC_ALGORITHMS):
        raise IssuersError(f"{where}: algorithms are public-key ones, of {list(ASYMMETRIC_ALGORITHMS)}")
    citizens = entry.get("citizens", False)
    asserted = entry.get("departments")
    if not isinstance(citizens, bool) or citizens == (asserted is not None):
        raise IssuersError(f"{where}: an issuer lists the 'departments' it may assert, or is 'citizens: true'")
    allowed = None
    if asserted is not None:
        if not isinstance(asserted, list) or not asserted or not all(d in departments for d in asserted):
            raise IssuersError(f"{where}: departments must be a list of codes from departments.csv")
        allowed = frozenset(asserted)
    return Issuer(name, _keys(entry, path, where), algorithms, allowed, citizens)


def _loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def _keys(entry: dict[str, Any], path: Path, where: str) -> KeySource:
    url, file = entry.get("jwks_url"), entry.get("jwks_file")
    if (url is None) == (file is None):
        raise IssuersError(f"{where}: give its keys as 'jwks_url' or 'jwks_file'")
    if url is not None:
        if not isinstance(url, str) or not (url.startswith("https://") or _loopback(url)):
            raise IssuersError(f"{where}: jwks_url must be an https:// URL (http:// only on loopback)")
        return JwksUrl(url)
    jwks = path.parent / str(file)
    try:
        return JwksFile(jwks)
    except (OSError, ValueError, jwt.PyJWTError) as exc:
        raise IssuersError(f"{where}: jwks_file {str(file)!r} is not a readable JWKS: {exc}") from None
