"""The workbench's outputs: rich text for a terminal; CSV, Markdown and JSON for review and tools."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from catalog import Catalog
from catalog.mask_kinds import MASK_KIND_SPECS
from control.workbench.check import CheckReport
from control.workbench.diff import Change
from control.workbench.explain import Explanation, RuleLine
from control.workbench.matrix import Matrix, cell_text

STYLES = {"CLEAR": "green", "MASK": "yellow", "DENY": "red", "error": "bold red", "warning": "yellow"}
ABSENT = "absent"


def _styled(value: str | None) -> Text:
    shown = value or ABSENT
    return Text(shown, style=STYLES.get(shown.split(":")[0], "dim"))


def finding_lines(report: CheckReport) -> list[Text]:
    lines = [Text.assemble((f.location, "bold"), ": ", (f.severity.value, STYLES[f.severity.value]),
                           f" [{f.code}] ", f.message) for f in report.findings]
    if not report.engine_checked and report.errors:
        lines.append(Text("The rules' interplay (never matching, overridden, redundant) is checked once the "
                          "policy loads.", style="dim"))
    summary = f"{report.errors} error(s), {report.warnings} warning(s)" if report.findings else "no findings"
    version = f"; policy version {report.version}" if report.version else ""
    lines.append(Text(f"{report.directory}: {summary}{version}", style="bold red" if report.errors else "bold green"))
    return lines


def report_json(report: CheckReport) -> dict[str, Any]:
    return {"directory": str(report.directory), "version": report.version, "engineChecked": report.engine_checked,
            "errors": report.errors, "warnings": report.warnings,
            "findings": [f.as_dict() for f in report.findings]}


def matrix_table(matrix: Matrix, catalog: Catalog) -> Table:
    roles = f" with roles {', '.join(matrix.roles)}" if matrix.roles else ""
    table = Table(title=f"purpose {matrix.purpose}{roles}")
    table.add_column("field", no_wrap=True)
    table.add_column("share")
    for department in matrix.departments:
        table.add_column(department)
    for field in matrix.fields:
        table.add_row(field, catalog.governed[field].share.value,
                      *(_styled(cell_text(matrix.cell(d, field))) for d in matrix.departments))
    return table


def matrices_csv(matrices: Sequence[Matrix], catalog: Catalog) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["purpose", "roles", "field", "share", *matrices[0].departments])
    for matrix in matrices:
        for field in matrix.fields:
            writer.writerow([matrix.purpose, " ".join(matrix.roles), field, catalog.governed[field].share.value,
                             *(cell_text(matrix.cell(d, field)) for d in matrix.departments)])
    return out.getvalue()


def matrices_markdown(matrices: Sequence[Matrix], catalog: Catalog) -> str:
    parts = []
    for matrix in matrices:
        roles = f" (roles: {', '.join(matrix.roles)})" if matrix.roles else ""
        parts.append(f"### {matrix.purpose}{roles}\n")
        parts.append("| field | share | " + " | ".join(matrix.departments) + " |")
        parts.append("| --- | --- |" + " :---: |" * len(matrix.departments))
        for field in matrix.fields:
            cells = " | ".join(cell_text(matrix.cell(d, field)) for d in matrix.departments)
            parts.append(f"| `{field}` | {catalog.governed[field].share.value} | {cells} |")
        parts.append("")
    return "\n".join(parts)


def matrix_json(matrix: Matrix, catalog: Catalog) -> dict[str, Any]:
    return {
        "purpose": matrix.purpose, "roles": list(matrix.roles), "departments": list(matrix.departments),
        "fields": [{"field": f, "share": catalog.governed[f].share.value} for f in matrix.fields],
        "cells": {d: {f: {"decision": matrix.cell(d, f).effect.value, "mask": matrix.cell(d, f).mask}
                      for f in matrix.fields} for d in matrix.departments},
    }


def change_json(change: Change) -> dict[str, Any]:
    return {"department": change.department, "roles": list(change.roles), "purpose": change.purpose,
            "field": change.field, "old": change.old, "new": change.new}


def changes_table(changes: Sequence[Change]) -> Table:
    table = Table(title=f"{len(changes)} decision(s) change")
    for column in ("department", "purpose", "field", "old", "new"):
        table.add_column(column)
    for change in changes:
        who = " ".join((change.department, *(f"role:{r}" for r in change.roles)))
        table.add_row(who, change.purpose, change.field, _styled(change.old), _styled(change.new))
    return table


def changes_csv(changes: Sequence[Change]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["department", "roles", "purpose", "field", "old", "new"])
    for c in changes:
        writer.writerow([c.department, " ".join(c.roles), c.purpose, c.field, c.old or ABSENT, c.new or ABSENT])
    return out.getvalue()


def explanation_json(explanation: Explanation) -> dict[str, Any]:
    decision, entry = explanation.decision, explanation.catalog
    return {
        "department": explanation.department, "roles": list(explanation.roles), "purpose": explanation.purpose,
        "purposeBasis": explanation.purpose_basis, "field": decision.field, "decision": decision.effect.value,
        "mask": decision.mask, "reason": decision.reason, "tightened": decision.tightened,
        "cases": [{"when": {case.switch: case.value}, "mask": case.mask, "reason": case.reason}
                  for case in decision.cases],
        "rules": [_line_json(r) for r in explanation.rules],
        "groupings": [_line_json(g) for g in explanation.groupings],
        "catalog": {"file": entry.file, "item": entry.item, "share": entry.share, "basis": entry.basis,
                    "mask": entry.mask, "maskDescription": entry.mask_description, "provider": entry.provider},
    }


def _line_json(line: RuleLine) -> dict[str, Any]:
    return {"file": str(line.file), "line": line.line, "location": line.location, "text": line.text}


def explanation_lines(explanation: Explanation) -> list[Text]:
    decision, entry = explanation.decision, explanation.catalog
    who = " ".join((explanation.department, *(f"role:{r}" for r in explanation.roles)))
    kind = MASK_KIND_SPECS.get(decision.mask) if decision.mask else None
    mask = f" ({kind.id}: {kind.description})" if kind else ""
    lines = [Text.assemble((decision.field, "bold"), f" for {who}, purpose {explanation.purpose}: ",
                           _styled(decision.effect.value), mask),
             Text(f"  reason:  {decision.reason}")]
    lines += [Text(f"  when {case.switch} = {case.value}: masked {case.mask}, {case.reason}")
              for case in decision.cases]
    lines += [Text.assemble("  rule:    ", (r.location, "bold"), f"  {r.text}") for r in explanation.rules]
    lines += [Text.assemble("  via:     ", (g.location, "bold"), f"  {g.text}") for g in explanation.groupings]
    if not explanation.rules:
        lines.append(Text("  rule:    none applies", style="dim"))
    lines.append(Text(f"  catalog: {entry.file}  {entry.field}" + (f" {entry.item}" if entry.item else "")
                      + f"  share {entry.share}" + (f"  basis {entry.basis}" if entry.basis else "")
                      + (f"  mask {entry.mask} ({entry.mask_description})" if entry.mask else "  no mask kind")
                      + f"  provider {entry.provider}"))
    lines.append(Text(f"  purpose: {explanation.purpose}  basis {explanation.purpose_basis}"))
    return lines
