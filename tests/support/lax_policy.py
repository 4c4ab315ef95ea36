"""The demo policy with the first wave's openings put back: second fields in clear beside a masked ID number or
name, and a clear birth date beside a masked ID number. The gateway must hold the datum all the same."""
from __future__ import annotations

import shutil
from pathlib import Path

from settings import ROOT

LAX_RULES = """
p, market-regulation, business-registration-approval, LegalEntity.*, clear
p, market-regulation, business-registration-approval, Licence.*, clear
p, market-regulation, data-quality-check, LegalEntity.*, clear
p, human-resources, identity-verification, LegalEntity.legalRepresentativeName, clear
p, human-resources, identity-verification, Person.birthDate, clear
p, approval-bureau, licence-approval, Person.birthDate, clear
p, approval-bureau, licence-approval, Licence.*, clear
"""


def lax_policy(directory: Path) -> Path:
    """A copy of the demo policy under `directory`, the openings appended; returns the copy."""
    target = directory / "policy"
    shutil.copytree(ROOT / "policy", target)
    with (target / "rules.csv").open("a", encoding="utf-8") as rules:
        rules.write(LAX_RULES)
    return target
