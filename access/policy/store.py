"""The live policy: loaded whole or not at all, versioned by content, reloaded when its files change."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import casbin

from access.policy.assignment import RoleAssignment, parse_assignment
from access.policy.registry import PolicyError, Purpose, parse_departments, parse_purposes, read_policy_file
from access.policy.rules import RuleSet, parse_rules
from catalog import Catalog

log = logging.getLogger(__name__)
# Casbin logs every denied request at WARNING; a denial is an ordinary answer here.
logging.getLogger("casbin").setLevel(logging.ERROR)

POLICY_FILES = ("model.conf", "rules.csv", "purposes.csv", "departments.csv", "roles.csv")


@dataclass(frozen=True)
class Policy:
    version: str
    departments: dict[str, str]
    purposes: dict[str, Purpose]
    rules: RuleSet
    assignment: RoleAssignment
    enforcer: casbin.Enforcer
    directory: Path | None  # None: read from a publication (policy.published), not from a directory
    files: Mapping[str, str]  # POLICY_FILES' exact text


def _version(contents: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in POLICY_FILES:
        digest.update(name.encode() + b"\0")
        digest.update(contents[name])
    return digest.hexdigest()[:16]


def policy_version(directory: Path) -> str:
    return _version({name: (directory / name).read_bytes() if (directory / name).exists() else b"<missing>"
                     for name in POLICY_FILES})


def files_version(files: Mapping[str, str]) -> str:
    """The version of a policy given as its files' text: the same as `policy_version` of a directory holding them."""
    return _version({name: files[name].encode("utf-8") for name in POLICY_FILES})


def read_policy_files(directory: Path) -> dict[str, str]:
    return {name: read_policy_file(directory / name) for name in POLICY_FILES}


def parse_policy(files: Mapping[str, str], catalog: Catalog, directory: Path | None = None) -> Policy:
    """The policy the files' text states, checked whole: PolicyError naming the file and line if any part is wrong."""
    missing = [name for name in POLICY_FILES if not isinstance(files.get(name), str)]
    if missing:
        raise PolicyError(f"{missing[0]}: missing from the policy")
    departments = parse_departments(files["departments.csv"])
    purposes = parse_purposes(files["purposes.csv"])
    rules = parse_rules(files["rules.csv"], catalog, departments, purposes)
    assignment = parse_assignment(files["roles.csv"], departments, rules.roles)
    try:
        enforcer = casbin.Enforcer(casbin.Enforcer.new_model(text=files["model.conf"]))
    except Exception as exc:  # casbin raises bare exceptions of several kinds for a bad model
        raise PolicyError(f"model.conf: not a valid Casbin model ({exc})") from None
    if rules.rules:
        enforcer.add_named_policies("p", [rule.as_policy() for rule in rules.rules])
    if rules.groupings:
        enforcer.add_named_grouping_policies("g", [[g.member, g.group] for g in rules.groupings])
    texts = {name: files[name] for name in POLICY_FILES}
    return Policy(files_version(texts), departments, purposes, rules, assignment, enforcer, directory, texts)


def load_policy(directory: Path, catalog: Catalog) -> Policy:
    return parse_policy(read_policy_files(directory), catalog, directory)


PolicySource = Literal["files", "published"]


class PolicyStore:
    """Holds the last good policy; a broken edit is logged and reported, never made live.

    Without Redis the store reloads its own directory (`reload_if_changed`); with Redis, `policy.propagation`
    makes the published policy live and reports through `source`, `propagation` and `last_error`."""

    def __init__(self, directory: Path, catalog: Catalog,
                 on_live: Callable[[Policy], None] = lambda policy: None) -> None:
        """`on_live` is told of every policy made live (not of the one loaded here), on the event loop."""
        self.directory = directory
        self.catalog = catalog
        self.current = load_policy(directory, catalog)
        self._on_live = on_live
        self.source: PolicySource = "files"
        self.propagation: Literal["off", "connected", "disconnected"] = "off"
        self.last_error: str | None = None
        self._refused_version: str | None = None

    def status(self) -> dict[str, Any]:
        """The /readyz entry: live version, where it came from, whether Redis propagation is connected, last refusal."""
        return {"version": self.current.version, "source": self.source, "propagation": self.propagation,
                "error": self.last_error}

    def make_live(self, policy: Policy, source: PolicySource) -> None:
        if policy.version != self.current.version:
            log.info("policy version %s is live (was %s), from %s", policy.version, self.current.version, source)
        self.current, self.source = policy, source
        self._on_live(policy)

    def reload_if_changed(self) -> bool:
        try:
            version = policy_version(self.directory)
        except OSError as exc:
            self.last_error = f"policy files cannot be read: {exc.strerror}"
            return False
        if version == self.current.version:
            self.last_error = self._refused_version = None
            return False
        if version == self._refused_version:
            return False
        try:
            candidate = load_policy(self.directory, self.catalog)
        except PolicyError as exc:
            log.error("policy change refused, keeping version %s: %s", self.current.version, exc)
            self.last_error, self._refused_version = str(exc), version
            return False
        self.make_live(candidate, "files")
        self.last_error = self._refused_version = None
        return True
