"""The decision table: share class x department x purpose, against the demo policy."""
from __future__ import annotations

import itertools

import pytest

from access.decisions import AST_COLLISION, Effect, compile_decisions, decide
from access.policy.rules import Rule
from access.policy.store import load_policy
from catalog import ShareClass
from settings import ROOT

POLICY_DIR = ROOT / "policy"


@pytest.mark.parametrize(("department", "purpose", "field", "effect", "mask"), [
    ("civil-affairs", "social-assistance-review", "Person.maritalStatus", Effect.CLEAR, None),
    ("civil-affairs", "social-assistance-review", "Person.phone", Effect.MASK, "R4"),
    ("civil-affairs", "social-assistance-review", "Person.education", Effect.DENY, None),
    ("civil-affairs", "employment-service", "Person.education", Effect.CLEAR, None),
    ("civil-affairs", "employment-service", "Person.phone", Effect.DENY, None),
    ("human-resources", "employment-service", "Person.phone", Effect.CLEAR, None),
    ("market-regulation", "business-registration-approval", "Person.maritalStatus", Effect.DENY, None),
    ("market-regulation", "business-registration-approval", "Person.idNumber", Effect.MASK, "R1b"),
    ("market-regulation", "business-registration-approval", "LegalEntity.phone", Effect.CLEAR, None),
    ("approval-bureau", "business-registration-approval", "LegalEntity.legalRepresentativeIdNumber",
     Effect.MASK, "R1b"),
    ("approval-bureau", "licence-approval", "Person.birthDate", Effect.MASK, "R7c"),
    ("approval-bureau", "social-assistance-review", "Person.birthDate", Effect.DENY, None),
    ("human-resources", "identity-verification", "Person.idNumber", Effect.MASK, "R1b"),
    ("public-security", "identity-verification", "Person.idNumber", Effect.CLEAR, None),
    ("data-bureau", "data-quality-check", "Licence.holderCode", Effect.MASK, "R1b-holder"),
    ("data-bureau", "data-quality-check", "Person.religion", Effect.DENY, None),
    ("public-security", "identity-verification", "Person.religion", Effect.DENY, None),
    ("market-regulation", "licence-approval", "Person.gender", Effect.CLEAR, None),
    ("human-resources", "data-quality-check", "LegalEntity.name", Effect.CLEAR, None),
])
def test_demo_policy_decisions(policy, catalog, department, purpose, field, effect, mask) -> None:
    decision = compile_decisions(policy, catalog, department, (), purpose).decisions[field]
    assert (decision.effect, decision.mask) == (effect, mask)
    assert decision.reason


def _matches(rule: Rule, department: str, groups: dict[str, set[str]], purpose: str, field: str,
             share: ShareClass) -> bool:
    subject_ok = rule.subject in ("*", department) or department in groups.get(rule.subject, set())
    target_ok = rule.target in (field, share.value) or (rule.target.endswith(".*")
                                                        and field.startswith(rule.target[:-1]))
    if share is ShareClass.NOT_SHARED:
        target_ok = rule.target == field and bool(rule.basis)
    return subject_ok and rule.purpose in ("*", purpose) and target_ok


def test_every_cell_follows_the_share_class_rules(policy, catalog) -> None:
    """An oracle written from the rules' meaning, independent of Casbin's matcher."""
    groups: dict[str, set[str]] = {}
    for grouping in policy.rules.groupings:
        groups.setdefault(grouping.group, set()).add(grouping.member)
    seen = set()
    for department, purpose in itertools.product(policy.departments, policy.purposes):
        compiled = compile_decisions(policy, catalog, department, (), purpose)
        for field, entry in catalog.governed.items():
            effects = {r.effect for r in policy.rules.rules
                       if _matches(r, department, groups, purpose, field, entry.share)}
            expected = Effect.CLEAR if "clear" in effects or (effects and getattr(entry, "mask", None) is None) \
                else Effect.MASK if "mask" in effects else Effect.DENY
            assert compiled.decisions[field].effect is expected, (department, purpose, field)
            seen.add((entry.share, expected))
    assert (ShareClass.UNCONDITIONAL, Effect.CLEAR) in seen
    assert {(ShareClass.CONDITIONAL, e) for e in Effect} <= seen
    assert (ShareClass.NOT_SHARED, Effect.DENY) in seen
    assert (ShareClass.UNCONDITIONAL, Effect.DENY) not in seen


def test_roles_add_grants(policy, catalog, tmp_path) -> None:
    rules = (POLICY_DIR / "rules.csv").read_text(encoding="utf-8")
    rules += "p, role:case-officer, social-assistance-review, Person.education, clear\n"
    for name in ("model.conf", "purposes.csv", "departments.csv", "roles.csv"):
        (tmp_path / name).write_bytes((POLICY_DIR / name).read_bytes())
    (tmp_path / "rules.csv").write_text(rules, encoding="utf-8")
    extended = load_policy(tmp_path, catalog)
    field = "Person.education"
    social = compile_decisions(extended, catalog, "civil-affairs", (), "social-assistance-review")
    assert social.decisions[field].effect is Effect.DENY
    assert compile_decisions(extended, catalog, "civil-affairs", ("case-officer",),
                             "social-assistance-review").decisions[field].effect is Effect.CLEAR


def test_a_call_that_met_another_thread_s_parser_is_asked_again(policy, catalog, monkeypatch) -> None:
    """CPython 3.11.7 fails an AST built while another thread builds one; Casbin builds one per call."""
    enforce = policy.enforcer.enforce_ex
    collisions = iter([True, True])

    def colliding(*request: str) -> object:
        if next(collisions, False):
            raise SystemError(f"{AST_COLLISION} (before=42, after=202)")
        return enforce(*request)

    monkeypatch.setattr(policy.enforcer, "enforce_ex", colliding)
    assert decide(policy, catalog, "civil-affairs", (), "social-assistance-review", "Person.phone").mask == "R4"


@pytest.mark.parametrize("error", [SystemError("another fault"), SystemError(AST_COLLISION)])
def test_any_other_fault_or_a_third_collision_is_raised(policy, catalog, monkeypatch, error: SystemError) -> None:
    def failing(*request: str) -> object:
        raise error

    monkeypatch.setattr(policy.enforcer, "enforce_ex", failing)
    with pytest.raises(SystemError):
        decide(policy, catalog, "civil-affairs", (), "social-assistance-review", "Person.phone")
