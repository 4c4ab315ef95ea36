"""The demo policy still serves each department's legitimate use: the README's example as written, and every field
a rule grants, served as the rule says (no datum had to be tightened to hold)."""
from __future__ import annotations

import json
import re
from itertools import product

from access.decisions import Effect, decide
from settings import ROOT
from tests.support.gateway import Gateway

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.search(r'DEPT=(?P<dept>[\w-]+)\).*?X-Purpose: (?P<purpose>[\w-]+)".*?-d \'(?P<body>\{.*?\})\'',
                    README, re.DOTALL)
ROOT_OF = {"Person": ("person", "idNumber"), "LegalEntity": ("legalEntity", "uscc"),
           "Licence": ("licence", "licenceId")}


def test_the_readme_example_answers_as_the_readme_says(gateway: Gateway, dataset) -> None:
    assert EXAMPLE is not None, "the README's curl example moved"
    entity = dataset.entities[0]
    query = json.loads(EXAMPLE["body"])["query"]
    query = re.sub(r'uscc: "\w+"', f'uscc: "{entity["tyshxydm"]}"', query)
    response = gateway.post(query, dept=EXAMPLE["dept"], purpose=EXAMPLE["purpose"])
    assert response.status_code == 200, response.text
    body = response.json()
    representative = body["data"]["legalEntity"]["legalRepresentative"]
    raw = entity["fddbrzjhm"]
    assert representative["name"] == entity["fddbr"]
    assert representative["idNumber"] == raw[:6] + "*" * 8 + raw[-4:]
    assert {"field": "Person.idNumber", "mask": "R1b"} in body["extensions"]["access"]["masked"]


def _key(dataset, resource: str) -> str:
    if resource == "Person":
        return next(p["gmsfhm"] for p in dataset.persons if p["swrq"] is None)
    if resource == "LegalEntity":
        return dataset.entities[0]["tyshxydm"]
    return next(lic["zzbs"] for lic in dataset.licences if lic["czztdmlx"] == "111")


def test_every_field_a_rule_grants_is_served_as_the_rule_says(gateway: Gateway, dataset) -> None:
    runtime = gateway.runtime
    policy, catalog = runtime.policies.current, runtime.catalog
    served_pairs = 0
    for department, purpose in product(sorted(policy.departments), sorted(policy.purposes)):
        served = runtime.decisions.compiled(policy, department, (), purpose).decisions
        for resource, (root, argument) in ROOT_OF.items():
            granted = [name for name, field in catalog.resource(resource).fields.items()
                       if decide(policy, catalog, department, (), purpose, f"{resource}.{name}").effect
                       is not Effect.DENY]
            for name in granted:
                by_rules = decide(policy, catalog, department, (), purpose, f"{resource}.{name}")
                assert served[f"{resource}.{name}"] == by_rules, (department, purpose, resource, name)
            response = gateway.post(f'query($k: String!) {{ {root}({argument}: $k) {{ {" ".join(granted)} }} }}',
                                    {"k": _key(dataset, resource)}, dept=department, purpose=purpose)
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            served_pairs += 1
    assert served_pairs == len(policy.departments) * len(policy.purposes) * len(ROOT_OF)
