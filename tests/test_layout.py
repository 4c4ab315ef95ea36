"""The layout's arrows run one way (README "Layout"): a module imports only from the concerns its own may call."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from settings import ROOT

CODE = ("access", "catalog", "connectors", "control", "gateway", "record", "resolvers", "schema")
# Each concern, and what it may import besides itself (settings is every concern's).
ALLOWED: dict[str, set[str]] = {
    "catalog": set(),
    "connectors": {"catalog"},
    "record": {"catalog"},
    "access": {"catalog"},
    "resolvers": {"catalog", "connectors", "record"},
    "schema": {"catalog", "resolvers"},
    "control": {"access", "catalog", "record"},
    "gateway": {"access", "catalog", "connectors", "control", "record", "resolvers", "schema"},
    "server": set(CODE),
    "cli": {"access", "connectors", "control", "record"},  # connectors: the key departments check the gateway by
    "audit": {"cli"},  # the old entry point, for one release
    "departments": {"catalog"},  # the simulators depend on the code, never the reverse
    "benchmarks": {*CODE, "departments", "server"},  # an in-process twin of the gateway counts statements
}
TOP_LEVEL = {*CODE, "server", "cli", "audit", "departments", "benchmarks", "tests", "settings"}


def _modules() -> list[Path]:
    found = [ROOT / "server.py", ROOT / "cli.py", ROOT / "settings.py"]
    for folder in (*CODE, "audit", "departments", "benchmarks"):
        found += sorted((ROOT / folder).rglob("*.py"))
    return found


def _imported(path: Path) -> set[str]:
    """The top-level names of this project that the module imports, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & TOP_LEVEL


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_one_way(path: Path) -> None:
    concern = path.relative_to(ROOT).parts[0].removesuffix(".py")
    wrong = _imported(path) - ALLOWED.get(concern, set()) - {concern, "settings"}
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_the_policy_folder_holds_data_officers_edit_and_no_code() -> None:
    assert not list((ROOT / "policy").rglob("*.py"))
    assert {p.name for p in (ROOT / "policy").iterdir()} >= {"model.conf", "rules.csv", "purposes.csv",
                                                             "departments.csv", "roles.csv"}


def test_the_root_shows_the_designs_folders_and_a_handful_of_concerns() -> None:
    folders = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")} - {
        "var", "data", "test-artifacts", "__pycache__", "huitong.egg-info"}
    design = {"schema", "resolvers", "connectors", "policy", "tests", "departments", "benchmarks"}
    concerns = folders - design - {"audit"}  # audit/: the old `python -m audit`, for one release
    assert concerns == {"access", "catalog", "control", "gateway", "record"}, sorted(concerns)
