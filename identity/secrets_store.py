"""Secrets the embedded default makes for itself on first start, kept under the state directory."""
from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def create_once(path: Path, content: bytes) -> bytes:
    """Write `content` to a new 0600 file at `path` unless it exists; return what the file holds.

    The file appears whole or not at all (written aside, then linked into place), so several
    workers starting at once agree on one secret.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(aside, path)
        log.warning("created a new local secret at %s", path)
    except FileExistsError:
        pass
    finally:
        os.unlink(aside)
    return path.read_bytes()


def local_secret(state_dir: Path, name: str) -> str:
    """The secret stored in `state_dir/name`, created if missing."""
    return create_once(state_dir / name, secrets.token_urlsafe(48).encode()).decode().strip()
