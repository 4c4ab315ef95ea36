"""Live joined reads: every datum from its own department, order kept, nulls for unknown keys."""
from __future__ import annotations

from tests.support.gateway import Gateway

PERSON_FIELDS = "idNumber name formerName gender ethnicity birthDate birthplace householdRegion address " \
                "currentAddress maritalStatus education phone status deathDate"


def _as_public_security(gateway: Gateway, query: str, variables: dict, dept: str = "public-security",
                        purpose: str = "identity-verification") -> dict:
    response = gateway.post(query, variables, dept=dept, purpose=purpose)
    assert response.status_code == 200, response.text
    return response.json()


def test_person_fields_come_from_the_population_registry(gateway: Gateway, dataset) -> None:
    row = dataset.persons[3]
    body = _as_public_security(gateway, "query($id: String!) { person(idNumber: $id) { idNumber name formerName "
                                        "gender birthDate birthplace address householdRegion status } }",
                               {"id": row["gmsfhm"]})
    person = body["data"]["person"]
    assert person == {
        "idNumber": row["gmsfhm"], "name": row["xm"], "formerName": row["cym"], "gender": row["xbdm"],
        "birthDate": row["csrq"].isoformat(), "birthplace": row["csdssxdm"], "address": row["hjdz"],
        "householdRegion": row["hjdssxdm"], "status": row["ryztdm"],
    }


def test_persons_keeps_order_and_gives_null_for_unknown_keys(gateway: Gateway, dataset) -> None:
    known = [dataset.persons[10]["gmsfhm"], dataset.persons[2]["gmsfhm"]]
    unknown = "11010519491231002X"
    assert unknown not in {p["gmsfhm"] for p in dataset.persons}
    body = _as_public_security(gateway, "query($ids: [String!]!) { persons(idNumbers: $ids) { idNumber } }",
                               {"ids": [known[0], unknown, known[1]]})
    assert body["data"]["persons"] == [{"idNumber": known[0]}, None, {"idNumber": known[1]}]
    assert "errors" not in body


def test_lower_case_check_letter_is_normalised(gateway: Gateway, dataset) -> None:
    with_x = next(p for p in dataset.persons if p["gmsfhm"].endswith("X"))
    body = _as_public_security(gateway, "query($id: String!) { person(idNumber: $id) { idNumber } }",
                               {"id": with_x["gmsfhm"].lower()})
    assert body["data"]["person"] == {"idNumber": with_x["gmsfhm"]}


def test_entity_with_its_representative_and_licences(gateway: Gateway, dataset) -> None:
    entity = dataset.entities[0]
    representative = next(p for p in dataset.persons if p["gmsfhm"] == entity["fddbrzjhm"])
    expected_licences = sorted(lic["zzbs"] for lic in dataset.licences if lic["czztdm"] == entity["tyshxydm"])
    body = _as_public_security(gateway, """query($u: String!) { legalEntity(uscc: $u) {
        uscc name legalRepresentativeName registeredCapital establishedDate
        legalRepresentative { idNumber name } licences { licenceId holderCodeType } } }""",
                               {"u": entity["tyshxydm"]})
    found = body["data"]["legalEntity"]
    assert found["uscc"] == entity["tyshxydm"] and found["name"] == entity["mc"]
    assert found["legalRepresentativeName"] == representative["xm"]
    assert found["legalRepresentative"] == {"idNumber": representative["gmsfhm"], "name": representative["xm"]}
    assert found["establishedDate"] == entity["clrq"].isoformat()
    assert found["registeredCapital"] == (None if entity["zczb"] is None else float(entity["zczb"]))
    assert sorted(lic["licenceId"] for lic in found["licences"]) == expected_licences
    assert {lic["holderCodeType"] for lic in found["licences"]} == {"001"}


def test_licence_holder_name_is_the_copy_and_holder_name_the_source(gateway: Gateway, dataset) -> None:
    names = {p["gmsfhm"]: p["xm"] for p in dataset.persons}
    drifted = next(lic for lic in dataset.licences if lic["czztdmlx"] == "111" and lic["czzt"] != names[lic["czztdm"]])
    body = _as_public_security(gateway, """query($id: String!) { licence(licenceId: $id) {
        licenceId holderName holderCode holder { __typename ... on Person { name } } } }""",
                               {"id": drifted["zzbs"]}, dept="approval-bureau", purpose="licence-approval")
    licence = body["data"]["licence"]
    assert licence["holderName"] == drifted["czzt"]
    code = drifted["czztdm"]
    assert licence["holderCode"] == code[:6] + "*" * 8 + code[-4:]  # masked as the holder's own ID number is
    assert licence["holder"] == {"__typename": "Person", "name": names[drifted["czztdm"]]}


def test_entity_held_licence_resolves_to_a_legal_entity(gateway: Gateway, dataset) -> None:
    held = next(lic for lic in dataset.licences if lic["czztdmlx"] == "001")
    body = _as_public_security(gateway, """query($id: String!) { licence(licenceId: $id) {
        holder { __typename ... on LegalEntity { uscc } } } }""", {"id": held["zzbs"]})
    assert body["data"]["licence"]["holder"] == {"__typename": "LegalEntity", "uscc": held["czztdm"]}


def test_person_licences_and_represented_entities(gateway: Gateway, dataset) -> None:
    representative_id = dataset.entities[5]["fddbrzjhm"]
    expected_entities = sorted(e["tyshxydm"] for e in dataset.entities if e["fddbrzjhm"] == representative_id)
    expected_licences = sorted(lic["zzbs"] for lic in dataset.licences if lic["czztdm"] == representative_id)
    body = _as_public_security(gateway, """query($id: String!) { person(idNumber: $id) {
        licences { licenceId } representedEntities { uscc } } }""", {"id": representative_id})
    person = body["data"]["person"]
    assert sorted(e["uscc"] for e in person["representedEntities"]) == expected_entities
    assert sorted(lic["licenceId"] for lic in person["licences"]) == expected_licences


def test_schema_keeps_the_contract(gateway: Gateway) -> None:
    sdl = gateway.runtime.schema.as_str()
    for line in ("person(idNumber: String!): Person", "persons(idNumbers: [String!]!): [Person]!",
                 "legalEntity(uscc: String!): LegalEntity", "legalEntities(usccs: [String!]!): [LegalEntity]!",
                 "licence(licenceId: String!): Licence", "union Holder = Person | LegalEntity"):
        assert line in sdl
    for name in [*PERSON_FIELDS.split(), "licences", "representedEntities"]:
        assert f"  {name}: " in sdl
