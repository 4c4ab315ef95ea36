"""One datum, one decision: rules that open a datum through a second field or a combination are tightened, by the
fewest steps, for the caller and purpose, whatever the query."""
from __future__ import annotations

from pathlib import Path

import pytest

from access.datums import govern_datums, kept
from access.decisions import Decision, Effect, compile_decisions, decide
from access.policy.store import Policy, load_policy
from catalog import Catalog
from settings import ROOT

POLICY_DIR = ROOT / "policy"
BUDGET = 200


def _policy(tmp_path: Path, catalog: Catalog, *lines: str) -> Policy:
    for name in ("model.conf", "purposes.csv", "departments.csv", "roles.csv"):
        (tmp_path / name).write_bytes((POLICY_DIR / name).read_bytes())
    rules = (POLICY_DIR / "rules.csv").read_text(encoding="utf-8") + "\n".join(lines) + "\n"
    (tmp_path / "rules.csv").write_text(rules, encoding="utf-8")
    return load_policy(tmp_path, catalog)


def _decisions(policy: Policy, catalog: Catalog, department: str, purpose: str) -> dict[str, Decision]:
    return compile_decisions(policy, catalog, department, (), purpose, BUDGET).decisions


def test_what_a_mask_keeps_of_a_datum(catalog: Catalog) -> None:
    citizen_id, name = catalog.datums["citizen-id"], catalog.datums["person-name"]

    def masked(kind: str) -> Decision:
        return Decision("X.y", Effect.MASK, kind, "", None)

    assert kept(masked("R1b"), citizen_id) == {1, 2, 3, 4, 5, 6, 15, 16, 17, 18}
    assert kept(masked("R1a"), citizen_id) < kept(masked("R1c"), citizen_id) < citizen_id.units
    assert kept(masked("R11"), citizen_id) < kept(masked("R1b"), citizen_id)
    assert kept(masked("R2"), citizen_id) == kept(Decision("X.y", Effect.DENY, None, "", None), citizen_id) == set()
    assert kept(masked("R3"), name) == {"surname"}
    assert kept(masked("R6"), citizen_id) == citizen_id.units  # a mask that does not say is taken to keep all
    assert kept(Decision("X.y", Effect.CLEAR, None, "", None), name) == {"surname", "given-name"}


def test_the_demo_policy_needs_no_tightening(policy: Policy, catalog: Catalog) -> None:
    for department in policy.departments:
        for purpose in policy.purposes:
            tightened = [d.field for d in _decisions(policy, catalog, department, purpose).values() if d.tightened]
            assert tightened == [], (department, purpose)


def test_a_representative_id_in_clear_beside_a_masked_id_is_masked_as_the_id(tmp_path, catalog) -> None:
    policy = _policy(tmp_path, catalog,
                     "p, market-regulation, business-registration-approval, LegalEntity.*, clear")
    by_rules = decide(policy, catalog, "market-regulation", (), "business-registration-approval",
                      "LegalEntity.legalRepresentativeIdNumber")
    assert by_rules.effect is Effect.CLEAR
    served = _decisions(policy, catalog, "market-regulation", "business-registration-approval")
    carrier = served["LegalEntity.legalRepresentativeIdNumber"]
    assert (carrier.effect, carrier.mask) == (Effect.MASK, served["Person.idNumber"].mask)
    assert carrier.tightened and "citizen-id" in carrier.tightened and carrier.rule == by_rules.rule


def test_a_carrier_of_a_denied_datum_is_denied(tmp_path, catalog) -> None:
    policy = _policy(tmp_path, catalog, "p, market-regulation, data-quality-check, LegalEntity.*, clear")
    served = _decisions(policy, catalog, "market-regulation", "data-quality-check")
    assert served["Person.name"].effect is Effect.DENY
    assert served["LegalEntity.legalRepresentativeName"].effect is Effect.DENY
    assert served["LegalEntity.legalRepresentativeIdNumber"].effect is Effect.DENY
    assert served["LegalEntity.phone"].effect is Effect.CLEAR  # not a carrier: untouched


def test_a_masked_name_is_not_given_whole_by_the_representative(tmp_path, catalog) -> None:
    policy = _policy(tmp_path, catalog,
                     "p, human-resources, identity-verification, LegalEntity.legalRepresentativeName, clear")
    served = _decisions(policy, catalog, "human-resources", "identity-verification")
    assert (served["LegalEntity.legalRepresentativeName"].effect,
            served["LegalEntity.legalRepresentativeName"].mask) == (Effect.MASK, "R3")


def test_a_licence_field_is_tightened_only_in_the_rows_of_person_holders(tmp_path, catalog) -> None:
    policy = _policy(tmp_path, catalog, "p, market-regulation, business-registration-approval, Licence.*, clear")
    served = _decisions(policy, catalog, "market-regulation", "business-registration-approval")
    id_mask = served["Person.idNumber"].mask
    for field in ("Licence.number", "Licence.holderCode"):
        decision = served[field]
        assert decision.effect is Effect.MASK and decision.mask is None  # other rows: clear, as the rule says
        assert [(c.switch, c.value, c.mask) for c in decision.cases] == [("holderCodeType", "111", id_mask)]
    assert served["Licence.holderName"].cases == ()  # the name is seen in clear: nothing to tighten
    assert served["Licence.typeName"].effect is Effect.CLEAR


def test_a_looser_own_mask_is_replaced_and_a_stricter_one_kept(tmp_path, catalog) -> None:
    masked_number = _decisions(load_policy(POLICY_DIR, catalog), catalog, "human-resources", "employment-service")
    assert masked_number["Licence.number"] == decide(load_policy(POLICY_DIR, catalog), catalog, "human-resources",
                                                     (), "employment-service", "Licence.number")  # R11 keeps less
    policy = _policy(tmp_path, catalog, "p, human-resources, employment-service, Person.idNumber, clear",
                     "p, data-bureau, data-quality-check, Person.idNumber, clear")
    assert _decisions(policy, catalog, "data-bureau", "data-quality-check")["Licence.holderCode"].cases == ()


def test_a_clear_birth_date_beside_a_masked_id_is_tightened_by_the_fewest_steps(tmp_path, catalog) -> None:
    policy = _policy(tmp_path, catalog, "p, approval-bureau, licence-approval, Person.birthDate, clear")
    served = _decisions(policy, catalog, "approval-bureau", "licence-approval")
    by_rules = {name: decide(policy, catalog, "approval-bureau", (), "licence-approval", name)
                for name in catalog.governed}
    changed = {name: (d.effect, d.mask) for name, d in served.items()
               if (d.effect, d.mask, d.cases) != (by_rules[name].effect, by_rules[name].mask, by_rules[name].cases)}
    assert changed["Person.idNumber"] == (Effect.MASK, "R1c")  # one step on the datum...
    assert changed["Person.birthDate"] == (Effect.MASK, "R7b")  # ...and one on the birth date: 272 candidates
    assert "rebuild the citizen-id datum" in served["Person.idNumber"].tightened
    assert served["LegalEntity.legalRepresentativeIdNumber"].mask == "R1c"  # the carrier follows the datum
    assert set(changed) == {"Person.idNumber", "Person.birthDate", "LegalEntity.legalRepresentativeIdNumber",
                            "Licence.number", "Licence.holderCode"}  # R11 and R1b keep more than R1c: person rows
    assert [c.mask for c in served["Licence.number"].cases] == ["R1c"]


def test_the_lookup_budget_decides_how_few_candidates_are_too_few(policy: Policy, catalog: Catalog) -> None:
    decisions = {name: decide(policy, catalog, "human-resources", (), "identity-verification", name)
                 for name in catalog.governed}
    decisions["Person.birthDate"] = Decision("Person.birthDate", Effect.MASK, "R7a", "", None)  # the year: 33 left
    assert govern_datums(decisions, catalog, 40)["Person.idNumber"].tightened is not None
    assert govern_datums(decisions, catalog, 30)["Person.idNumber"].tightened is None


def test_a_base_item_shared_unconditionally_is_never_taken_away(tmp_path, catalog) -> None:
    policy = _policy(tmp_path, catalog, "p, approval-bureau, licence-approval, Person.birthDate, clear")
    served = _decisions(policy, catalog, "approval-bureau", "licence-approval")
    assert served["Person.gender"].effect is Effect.CLEAR
    assert served["Person.householdRegion"].effect is Effect.CLEAR


@pytest.mark.parametrize("budget", [200, 5_000])
def test_a_bigger_lookup_budget_tightens_more(tmp_path, catalog, budget: int) -> None:
    served = _decisions(load_policy(POLICY_DIR, catalog), catalog, "human-resources", "identity-verification")
    tightened = compile_decisions(load_policy(POLICY_DIR, catalog), catalog, "human-resources", (),
                                  "identity-verification", budget).decisions["Person.idNumber"]
    assert served["Person.idNumber"].tightened is None
    assert (tightened.tightened is not None) is (budget > 331)  # R1b with an age band leaves 331
