"""`policy matrix`: department x field decisions, cell for cell what the engine decides."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from access.decisions import compile_decisions
from access.policy.store import load_policy
from control.workbench.matrix import cell_text, decision_matrix
from tests.control.workbench.support import POLICY_DIR, append, copy_policy, run_cli


def test_every_cell_is_the_engines_decision(policy, catalog) -> None:
    for purpose in policy.purposes:
        matrix = decision_matrix(policy, catalog, purpose)
        assert (matrix.departments, matrix.fields) == (tuple(policy.departments), tuple(catalog.governed))
        for department in policy.departments:
            engine = compile_decisions(policy, catalog, department, (), purpose)
            assert {f: matrix.cell(department, f) for f in catalog.governed} == engine.decisions


def test_csv_for_one_purpose(policy, catalog) -> None:
    result = run_cli("matrix", "--dir", str(POLICY_DIR), "--purpose", "employment-service", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["field"] for row in rows] == list(catalog.governed)
    effects = set()
    for department in policy.departments:
        engine = compile_decisions(policy, catalog, department, (), "employment-service").decisions
        for row in rows:
            assert row[department] == cell_text(engine[row["field"]])
            effects.add(row[department].split(":")[0])
    assert effects == {"CLEAR", "MASK", "DENY"}


def test_every_purpose_without_a_choice(policy) -> None:
    result = run_cli("matrix", "--dir", str(POLICY_DIR), "--format", "json")
    assert [m["purpose"] for m in json.loads(result.stdout)] == list(policy.purposes)


def test_markdown(policy, catalog) -> None:
    result = run_cli("matrix", "--dir", str(POLICY_DIR), "--purpose", "social-assistance-review",
                     "--format", "markdown")
    assert result.exit_code == 0
    assert "| field | share | " + " | ".join(policy.departments) + " |" in result.stdout
    phone = [compile_decisions(policy, catalog, d, (), "social-assistance-review").decisions["Person.phone"]
             for d in policy.departments]
    assert "| `Person.phone` | CONDITIONAL | " + " | ".join(cell_text(d) for d in phone) + " |" in result.stdout


def test_roles_change_the_matrix_as_they_change_the_engine(tmp_path: Path, catalog) -> None:
    directory = copy_policy(tmp_path / "policy")
    append(directory, "p, role:inspector, identity-verification, Person.phone, mask")
    policy = load_policy(directory, catalog)
    ask = ["matrix", "--dir", str(directory), "--purpose", "identity-verification", "--format", "json"]
    [alone] = json.loads(run_cli(*ask).stdout)
    [inspecting] = json.loads(run_cli(*ask, "--role", "inspector").stdout)
    assert inspecting["roles"] == ["inspector"]
    for matrix, roles in ((alone, ()), (inspecting, ("inspector",))):
        engine = compile_decisions(policy, catalog, "data-bureau", roles, "identity-verification").decisions
        assert {f: c["decision"] for f, c in matrix["cells"]["data-bureau"].items()} == \
            {f: d.effect.value for f, d in engine.items()}
    assert (alone["cells"]["data-bureau"]["Person.phone"]["decision"],
            inspecting["cells"]["data-bureau"]["Person.phone"]["decision"]) == ("DENY", "MASK")


def test_an_unknown_purpose_is_a_usage_error() -> None:
    result = run_cli("matrix", "--dir", str(POLICY_DIR), "--purpose", "curiosity")
    assert result.exit_code == 2
    assert "unknown purpose 'curiosity'" in result.output
