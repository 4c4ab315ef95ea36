"""The rate-limits file loads whole or not at all; every mistake names the file and the entry."""
from __future__ import annotations

from pathlib import Path

import pytest

from access.policy.registry import load_departments
from control.ratelimits.config import ProbeBudgets, RateLimitConfigError, RateLimits, load_rate_limits
from settings import ROOT

DEPARTMENTS = ("civil-affairs", "public-security")
VALID = """\
system:
  default: 20/second; 600/minute
  overrides:
    civil-affairs/case-system: 1200/minute
department:
  default: 3000/minute
  overrides:
    public-security: 6000/minute
"""


def _load(tmp_path: Path, text: str) -> RateLimits:
    path = tmp_path / "rate-limits.yaml"
    path.write_text(text)
    return load_rate_limits(path, DEPARTMENTS)


def test_the_shipped_file_loads_with_a_limit_for_every_caller() -> None:
    policy = ROOT / "policy"
    limits = load_rate_limits(policy / "rate-limits.yaml", load_departments(policy / "departments.csv"))
    assert {limit.scope for limit in limits.applicable("any-system", "civil-affairs")} == {"system", "department"}
    assert limits.probes == ProbeBudgets(failed_keys_per_department=200, failed_keys_per_system_purpose=100,
                                         subjects_per_department=20_000, subjects_per_system_purpose=5_000,
                                         keys_per_operation=100)


def test_a_file_without_probes_gets_the_default_lookup_budget(tmp_path) -> None:
    assert _load(tmp_path, VALID).probes == ProbeBudgets()


def test_each_lookup_budget_named_replaces_its_default_alone(tmp_path) -> None:
    probes = _load(tmp_path, VALID + "probes:\n  failed-keys-per-department: 700\n  keys-per-operation: 3\n").probes
    assert probes == ProbeBudgets(failed_keys_per_department=700, keys_per_operation=3)
    assert probes.daily() == (("failed-keys-per-department", 700), ("failed-keys-per-system-purpose", 100),
                              ("subjects-per-department", 20_000), ("subjects-per-system-purpose", 5_000))


def test_overrides_replace_the_default_for_the_named_system_or_department(tmp_path) -> None:
    limits = _load(tmp_path, VALID)

    def as_text(system: str, dept: str) -> list[tuple[str, tuple[str, ...], str]]:
        return [(x.scope, x.key, str(x.item)) for x in limits.applicable(system, dept)]

    assert as_text("other", "civil-affairs") == [("system", ("civil-affairs", "other"), "20 per 1 second"),
                                                 ("system", ("civil-affairs", "other"), "600 per 1 minute"),
                                                 ("department", ("civil-affairs",), "3000 per 1 minute")]
    assert as_text("case-system", "civil-affairs")[0] == ("system", ("civil-affairs", "case-system"),
                                                          "1200 per 1 minute")
    # A system is one department's: the same name in another department keeps the default, with a count of its own.
    assert as_text("case-system", "public-security") == [
        ("system", ("public-security", "case-system"), "20 per 1 second"),
        ("system", ("public-security", "case-system"), "600 per 1 minute"),
        ("department", ("public-security",), "6000 per 1 minute")]


def test_the_limit_on_requests_that_fail_authentication_is_per_address_with_a_default(tmp_path) -> None:
    assert [str(x.item) for x in _load(tmp_path, VALID).for_address("203.0.113.9")] == ["60 per 1 minute"]
    limits = _load(tmp_path, VALID + "unauthenticated:\n  per-address: 10/second; 100/hour\n")
    assert [(x.scope, x.key, str(x.item)) for x in limits.for_address("203.0.113.9")] == [
        ("address", ("203.0.113.9",), "10 per 1 second"), ("address", ("203.0.113.9",), "100 per 1 hour")]


@pytest.mark.parametrize(("text", "entry"), [
    ("system: {default: 600/minte}\ndepartment: {default: 1/second}\n", "system.default: '600/minte' is not a limit"),
    ("system: {default: 600}\ndepartment: {default: 1/second}\n", "system.default: 600 is not a limit"),
    ("system: {default: 0/minute}\ndepartment: {default: 1/second}\n", "system.default: '0/minute' must allow"),
    ("system: {default: 1/second}\ndepartment: {default: 1/second, overrides: {civil-afairs: 5/second}}\n",
     "department.overrides.civil-afairs: no such department"),
    ("system: {default: 1/second, overrides: {civil-affairs/a: 1/sec0nd}}\ndepartment: {default: 1/second}\n",
     "system.overrides.civil-affairs/a: '1/sec0nd' is not a limit"),
    ("system: {default: 1/second, overrides: {case-system: 1/second}}\ndepartment: {default: 1/second}\n",
     "system.overrides.case-system: name the system with its department, as department/system"),
    ("system: {default: 1/second, overrides: {tax-office/a: 1/second}}\ndepartment: {default: 1/second}\n",
     "system.overrides.tax-office/a: no such department 'tax-office'"),
    ("system: {default: 1/second, overrides: {'civil-affairs/a b': 1/second}}\ndepartment: {default: 1/second}\n",
     "system.overrides.civil-affairs/a b: a system's name is 1 to 128 letters"),
    (VALID + "unauthenticated: {per-address: 0/minute}\n", "unauthenticated.per-address: '0/minute' must allow"),
    (VALID + "unauthenticated: {per-system: 1/minute}\n", "unauthenticated: may hold 'per-address', nothing else"),
    (VALID + "unauthenticated: 5/minute\n", "unauthenticated: may hold 'per-address', nothing else"),
    ("system: {default: 1/second, overrides: [a]}\ndepartment: {default: 1/second}\n",
     "system.overrides: must map names to limits"),
    ("system: {overrides: {a: 1/second}}\ndepartment: {default: 1/second}\n", "system: must hold 'default'"),
    ("system: {default: 1/second, burst: 2/second}\ndepartment: {default: 1/second}\n",
     "system: must hold 'default' and may hold 'overrides', nothing else"),
    ("system: {default: 1/second}\n", "the file must hold exactly the entries system and department"),
    ("system: {default: 1/second}\ndepartment: {default: 1/second}\nsystems: {}\n", "exactly the entries"),
    ("system: {default: 1/second, overrides: {c/a: 1/second, c/a: 9/second}}\ndepartment: {default: 1/second}\n",
     "1: not valid YAML (the key 'c/a' appears twice)"),
    ("system:\n  default: 1/second\n default: 2/second\n", "3: not valid YAML"),
    (VALID + "probes: 100\n", "probes: must map budget names to numbers"),
    (VALID + "probes: {failed-keys: 100}\n", "probes.failed-keys: not a budget; the budgets are "
     "failed-keys-per-department, failed-keys-per-system-purpose, subjects-per-department, "
     "subjects-per-system-purpose, keys-per-operation"),
    (VALID + "probes: {keys-per-operation: 0}\n", "probes.keys-per-operation: 0 must be a whole number, at least 1"),
    (VALID + "probes: {subjects-per-department: 2.5}\n", "probes.subjects-per-department: 2.5 must be a whole"),
    (VALID + "probes: {failed-keys-per-department: '200'}\n", "probes.failed-keys-per-department: '200' must be"),
    (VALID + "probes: {failed-keys-per-department: true}\n", "probes.failed-keys-per-department: True must be"),
    (VALID + "probes: {failed-keys-per-department: 50}\n",
     "probes.failed-keys-per-system-purpose: 100 (its default) is more than failed-keys-per-department (50)"),
    (VALID + "probes: {subjects-per-system-purpose: 30000}\n",
     "probes.subjects-per-system-purpose: 30000 is more than subjects-per-department (20000)"),
    (VALID + "probes: {keys-per-operation: 5, keys-per-operation: 6}\n", "not valid YAML (the key "),
    (VALID + "probes: {keys-per-operation: 101}\n",
     "probes.keys-per-operation: 101 is more than failed-keys-per-system-purpose (100): an operation's keys"),
])
def test_a_mistake_names_the_file_and_the_entry(tmp_path, text: str, entry: str) -> None:
    path = tmp_path / "rate-limits.yaml"
    path.write_text(text)
    with pytest.raises(RateLimitConfigError) as raised:
        load_rate_limits(path, DEPARTMENTS)
    assert str(raised.value).startswith(str(path))
    assert entry in str(raised.value)


def test_a_missing_file_is_named(tmp_path) -> None:
    with pytest.raises(RateLimitConfigError, match=r"rate-limits\.yaml: cannot be read \(No such file"):
        load_rate_limits(tmp_path / "rate-limits.yaml", DEPARTMENTS)
