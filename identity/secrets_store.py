"""Secrets the embedded default makes for itself on first start, kept under the state directory."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)


def local_secret(state_dir: Path, name: str) -> str:
    """The secret stored in `state_dir/name`, created (mode 600) if missing."""
    path = state_dir / name
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        log.warning("created a new local secret at %s", path)
    return path.read_text().strip()
