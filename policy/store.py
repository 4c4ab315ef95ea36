"""The live policy: loaded whole or not at all, versioned by content, reloaded when its files change."""
from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import casbin

from catalog import Catalog
from policy.registry import PolicyError, Purpose, load_departments, load_purposes
from policy.rules import RuleSet, load_rules

log = logging.getLogger(__name__)
# Casbin logs every denied request at WARNING; a denial is an ordinary answer here.
logging.getLogger("casbin").setLevel(logging.ERROR)

POLICY_FILES = ("model.conf", "rules.csv", "purposes.csv", "departments.csv")


@dataclass(frozen=True)
class Policy:
    version: str
    departments: dict[str, str]
    purposes: dict[str, Purpose]
    rules: RuleSet
    enforcer: casbin.Enforcer
    directory: Path


def policy_version(directory: Path) -> str:
    digest = hashlib.sha256()
    for name in POLICY_FILES:
        path = directory / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()[:16]


def load_policy(directory: Path, catalog: Catalog) -> Policy:
    version = policy_version(directory)
    departments = load_departments(directory / "departments.csv")
    purposes = load_purposes(directory / "purposes.csv")
    rules = load_rules(directory / "rules.csv", catalog, departments, purposes)
    model_path = directory / "model.conf"
    try:
        enforcer = casbin.Enforcer(str(model_path))
    except Exception as exc:  # casbin raises bare exceptions of several kinds for a bad model
        raise PolicyError(f"model.conf: not a valid Casbin model ({exc})") from None
    if rules.rules:
        enforcer.add_named_policies("p", [rule.as_policy() for rule in rules.rules])
    if rules.groupings:
        enforcer.add_named_grouping_policies("g", [[g.member, g.group] for g in rules.groupings])
    return Policy(version, departments, purposes, rules, enforcer, directory)


class PolicyStore:
    """Holds the last good policy; a broken edit is logged and reported, never made live."""

    def __init__(self, directory: Path, catalog: Catalog) -> None:
        self._directory = directory
        self._catalog = catalog
        self.current = load_policy(directory, catalog)
        self.last_error: str | None = None
        self._refused_version: str | None = None

    def reload_if_changed(self) -> bool:
        try:
            version = policy_version(self._directory)
        except OSError as exc:
            self.last_error = f"policy files cannot be read: {exc.strerror}"
            return False
        if version == self.current.version:
            self.last_error = self._refused_version = None
            return False
        if version == self._refused_version:
            return False
        try:
            candidate = load_policy(self._directory, self._catalog)
        except PolicyError as exc:
            log.error("policy change refused, keeping version %s: %s", self.current.version, exc)
            self.last_error, self._refused_version = str(exc), version
            return False
        log.info("policy version %s is live (was %s)", candidate.version, self.current.version)
        self.current = candidate
        self.last_error = self._refused_version = None
        return True

    async def watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            self.reload_if_changed()
