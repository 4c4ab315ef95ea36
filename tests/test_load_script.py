"""The load script (make load) runs end to end for a few seconds: every query kind ran, no unexpected error."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.mixed_workload import KINDS
from settings import ROOT


def test_load_script_runs_every_kind_without_unexpected_errors(tmp_path: Path) -> None:
    report = tmp_path / "load.json"
    run = subprocess.run([sys.executable, "-m", "benchmarks.load", "--duration", "3", "--connections", "4",
                          "--persons", "1000", "--report", str(report)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(report.read_text())
    assert figures["overall"]["unexpected"] == 0
    assert figures["overall"]["requests"] == sum(kind["requests"] for kind in figures["kinds"].values())
    for kind in KINDS:
        ran = figures["kinds"][kind.name]
        assert ran["requests"] > 0, kind.name
        assert ran["expected_errors"] == (ran["requests"] if kind.codes else 0), (kind.name, ran)
    assert "p99" in run.stdout and "unexpected errors 0" in run.stdout
