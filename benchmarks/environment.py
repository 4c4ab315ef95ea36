"""What a result depends on besides the code under test: the machine, its load, the source revision."""
from __future__ import annotations

import os
import platform
import subprocess

from settings import ROOT


def machine() -> str:
    return (f"{os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def source_revision() -> str:
    """The checked-out commit, and whether the working tree differs from it (read-only git calls)."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        changed = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"{commit}{' with uncommitted changes' if changed else ''}"


def _git(*arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=10).stdout.strip()
