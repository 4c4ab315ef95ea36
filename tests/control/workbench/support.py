"""Shared by the workbench tests: a temp copy of the demo policy, appending lines, and running `cli policy …`."""
from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner, Result

from access.policy.store import POLICY_FILES
from settings import ROOT

POLICY_DIR = ROOT / "policy"


def copy_policy(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in POLICY_FILES:
        shutil.copy(POLICY_DIR / name, target / name)
    return target


def append(directory: Path, line: str, file: str = "rules.csv") -> int:
    """Appends a line; returns its line number."""
    path = directory / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def line_of(directory: Path, text: str) -> int:
    """The number of the line that reads exactly `text`, found independently of the loader."""
    lines = (directory / "rules.csv").read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


def run_cli(*args: str) -> Result:
    from cli import app

    return CliRunner().invoke(app, ["policy", *args])
