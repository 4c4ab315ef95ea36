"""GraphiQL's files as graphiql.lock.json pins them: each npm tarball by the registry's sha512 `dist.integrity`,
each file taken from it by a sha384 of its own (the page's subresource integrity).

Standard library only: the install step reads the pins before the project's dependencies are installed.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
LOCK = HERE / "graphiql.lock.json"
VENDOR = HERE / "vendor"  # git-ignored: written whole by fetch.py, read by the server
ALGORITHMS = ("sha256", "sha384", "sha512")


class PinError(ValueError):
    """The lock file is malformed."""


@dataclass(frozen=True)
class PinnedFile:
    member: str  # its path inside the tarball
    name: str  # the plain file name it is kept and served under
    integrity: str


@dataclass(frozen=True)
class PinnedPackage:
    name: str
    version: str
    integrity: str
    files: tuple[PinnedFile, ...]

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def tarball_url(self, registry: str) -> str:
        """Where an npm registry keeps the package's tarball (scoped or not)."""
        return f"{registry.rstrip('/')}/{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"


def integrity_of(data: bytes, algorithm: str) -> str:
    """The Subresource Integrity form of a digest, as npm's `dist.integrity` writes it: `sha512-<base64>`."""
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def matches(data: bytes, integrity: str) -> bool:
    return integrity_of(data, integrity.partition("-")[0]) == integrity


def read_pins(lock: Path = LOCK) -> tuple[PinnedPackage, ...]:
    try:
        packages = json.loads(lock.read_text(encoding="utf-8"))["packages"]
        pinned = tuple(PinnedPackage(p["name"], p["version"], _integrity(p["integrity"]),
                                     tuple(PinnedFile(f["member"], _plain_name(f["name"]), _integrity(f["integrity"]))
                                           for f in p["files"]))
                       for p in packages)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PinError(f"{lock.name} cannot be read: {exc}") from exc
    names = [f.name for package in pinned for f in package.files]
    if len(set(names)) != len(names):
        raise PinError(f"{lock.name} names a file twice")
    return pinned


def _integrity(value: str) -> str:
    algorithm, _, digest = value.partition("-")
    if algorithm not in ALGORITHMS or not digest:
        raise PinError(f"not an integrity of {', '.join(ALGORITHMS)}: {value!r}")
    return value


def _plain_name(name: str) -> str:
    if not name or name != Path(name).name or name.startswith("."):
        raise PinError(f"not a plain file name: {name!r}")
    return name
