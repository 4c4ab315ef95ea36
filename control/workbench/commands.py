"""`python -m cli policy …`: check, explain, diff and matrix for the security officers."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from access.decisions import DEFAULT_LOOKUP_BUDGET
from access.policy.registry import PolicyError, load_departments
from access.policy.store import Policy, load_policy
from catalog import Catalog, CatalogError, load_catalog
from control.ratelimits.config import RateLimitConfigError, load_rate_limits
from control.workbench import render
from control.workbench.check import check_policy
from control.workbench.diff import diff_policies
from control.workbench.explain import explain as explain_cell
from control.workbench.matrix import decision_matrix
from control.workbench.universe import UnknownName, as_roles
from settings import Settings

app = typer.Typer(help="The policy workbench: check, explain, diff and matrix over the engine's own decisions.",
                  no_args_is_help=True)

PolicyDir = Annotated[Path | None, typer.Option("--dir", help="the policy directory (default: HUITONG_POLICY_DIR, "
                                                                 "else policy/)")]
CatalogDir = Annotated[Path | None, typer.Option("--catalog-dir", help="the catalog directory (default: "
                                                                      "HUITONG_CATALOG_DIR, else catalog/)")]
Roles = Annotated[list[str] | None, typer.Option("--role", help="a role of the caller; repeat for several")]


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


class TableFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class MatrixFormat(str, Enum):
    table = "table"
    csv = "csv"
    markdown = "markdown"
    json = "json"


def _console() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _echo_json(value: object) -> None:
    typer.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def _shown(path: Path) -> Path:
    """Relative to the working directory when inside it, so findings read `policy/rules.csv:12`."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _policy_dir(given: Path | None) -> Path:
    return _shown(given or Settings().policy_dir)


def _catalog_dir(given: Path | None) -> Path:
    return _shown(given or Settings().catalog_dir)


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False).print(message, markup=False)
    return typer.Exit(1)


def _catalog(catalog_dir: Path, *policy_dirs: Path) -> Catalog:
    try:
        departments = {code for d in policy_dirs for code in load_departments(d / "departments.csv")}
        return load_catalog(departments, catalog_dir)
    except (PolicyError, CatalogError) as exc:
        raise _fail(f"cannot load the policy or catalog: {exc} (run 'policy check' for every finding)") from None


def _lookup_budget(directory: Path) -> int:
    """The daily failed-lookup budget of the policy directory's rate-limits.yaml, else the default: how many
    candidates a masked datum must leave (What a caller can learn)."""
    path = directory / "rate-limits.yaml"
    if not path.exists():
        return DEFAULT_LOOKUP_BUDGET
    try:
        return load_rate_limits(path, load_departments(directory / "departments.csv")).probes.failed_keys_per_department
    except (RateLimitConfigError, PolicyError) as exc:
        raise _fail(f"cannot load the lookup budget: {exc}") from None


def _policy(directory: Path, catalog: Catalog) -> Policy:
    try:
        return load_policy(directory, catalog)
    except PolicyError as exc:
        raise _fail(f"{directory}: the policy does not load: {exc} (run 'policy check' for every finding)") from None


@app.command()
def check(directory: PolicyDir = None, catalog_dir: CatalogDir = None,
          output: Annotated[CheckFormat, typer.Option("--format")] = CheckFormat.text,
          strict: Annotated[bool, typer.Option("--strict", help="warnings fail too")] = False) -> None:
    """Check model, rules and purposes against the catalog; exit 1 on any error (or warning with --strict)."""
    policy_dir = _policy_dir(directory)
    report = check_policy(policy_dir, _catalog_dir(catalog_dir), _lookup_budget(policy_dir))
    if output is CheckFormat.json:
        _echo_json(render.report_json(report))
    else:
        console = _console()
        for line in render.finding_lines(report):
            console.print(line)
    if report.failed(strict):
        raise typer.Exit(1)


@app.command()
def explain(department: Annotated[str, typer.Option("--dept", help="department code")],
            purpose: Annotated[str, typer.Option("--purpose", help="purpose code")],
            field: Annotated[str, typer.Option("--field", help="Type.field, e.g. Person.phone")],
            roles: Roles = None, directory: PolicyDir = None, catalog_dir: CatalogDir = None,
            output: Annotated[CheckFormat, typer.Option("--format")] = CheckFormat.text) -> None:
    """The decision for one field (CLEAR / MASK / DENY), the rule lines and the catalog entry behind it."""
    policy_dir = _policy_dir(directory)
    catalog = _catalog(_catalog_dir(catalog_dir), policy_dir)
    try:
        explanation = explain_cell(_policy(policy_dir, catalog), catalog, department, as_roles(roles or []), purpose,
                                   field, policy_dir / "rules.csv", _lookup_budget(policy_dir))
    except UnknownName as exc:
        raise typer.BadParameter(str(exc)) from None
    if output is CheckFormat.json:
        _echo_json(render.explanation_json(explanation))
        return
    console = _console()
    for line in render.explanation_lines(explanation):
        console.print(line)


@app.command()
def diff(old_dir: Annotated[Path, typer.Argument(help="the policy directory in force")],
         new_dir: Annotated[Path, typer.Argument(help="the policy directory to review")],
         catalog_dir: CatalogDir = None,
         output: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """Every (department, purpose, field) whose decision changes from OLD_DIR to NEW_DIR; exit 0 either way."""
    old_dir, new_dir = _shown(old_dir), _shown(new_dir)
    catalog = _catalog(_catalog_dir(catalog_dir), old_dir, new_dir)
    changes = diff_policies(_policy(old_dir, catalog), _policy(new_dir, catalog), catalog, _lookup_budget(new_dir))
    if output is TableFormat.json:
        _echo_json([render.change_json(change) for change in changes])
    elif output is TableFormat.csv:
        typer.echo(render.changes_csv(changes), nl=False)
    elif changes:
        _console().print(render.changes_table(changes))
    else:
        typer.echo(f"no decision changes from {old_dir} to {new_dir}")


@app.command()
def matrix(purpose: Annotated[str | None, typer.Option("--purpose", help="one purpose (default: each)")] = None,
           roles: Roles = None, directory: PolicyDir = None, catalog_dir: CatalogDir = None,
           output: Annotated[MatrixFormat, typer.Option("--format")] = MatrixFormat.table) -> None:
    """Department x field decisions (CLEAR / MASK:<kind> / DENY) for a purpose, or for each purpose."""
    policy_dir = _policy_dir(directory)
    catalog = _catalog(_catalog_dir(catalog_dir), policy_dir)
    policy = _policy(policy_dir, catalog)
    try:
        matrices = [decision_matrix(policy, catalog, p, as_roles(roles or []))
                    for p in ([purpose] if purpose else policy.purposes)]
    except UnknownName as exc:
        raise typer.BadParameter(str(exc)) from None
    if output is MatrixFormat.json:
        _echo_json([render.matrix_json(m, catalog) for m in matrices])
    elif output is MatrixFormat.csv:
        typer.echo(render.matrices_csv(matrices, catalog), nl=False)
    elif output is MatrixFormat.markdown:
        typer.echo(render.matrices_markdown(matrices, catalog), nl=False)
    else:
        console = _console()
        for m in matrices:
            console.print(render.matrix_table(m, catalog))
