"""Coherence of the synthetic dataset across the three registries."""

import datetime
from collections import Counter

import pytest

from catalog.code_tables import (
    CURRENCIES,
    EDUCATION_LEVELS,
    ENTITY_TYPES,
    ETHNICITIES,
    HOLDER_CODE_TYPES,
    INDUSTRIES,
    LICENCE_DEFINERS,
    LICENCE_STATUSES,
    LICENCE_TYPES,
    MARITAL_STATUSES,
    REGISTRATION_STATUSES,
)
from catalog.formats import (
    citizen_id_birth_date,
    citizen_id_gender_code,
    normalize_citizen_id,
    normalize_licence_id,
    normalize_uscc,
)
from departments.synthetic import generate_dataset
from departments.synthetic.dates import add_years, age_on
from departments.synthetic.regions import county_by_code
from tests.departments.conftest import AS_OF, SEED, SMALL_SIZES

USCC_CATEGORY_BY_TYPE = {"9600": "92", "9100": "93"}  # every other type is an enterprise, '91'


@pytest.fixture(scope="module")
def persons(small_dataset):
    return {person["gmsfhm"]: person for person in small_dataset.persons}


@pytest.fixture(scope="module")
def entities(small_dataset):
    return {entity["tyshxydm"]: entity for entity in small_dataset.entities}


def test_sizes_are_as_requested(small_dataset):
    assert len(small_dataset.persons) == SMALL_SIZES["persons"]
    assert len(small_dataset.entities) == SMALL_SIZES["entities"]
    assert len(small_dataset.licences) == SMALL_SIZES["licences"]


def test_same_seed_gives_identical_data_and_another_seed_differs(small_dataset):
    again = generate_dataset(**SMALL_SIZES, seed=SEED, as_of=AS_OF)
    other = generate_dataset(**SMALL_SIZES, seed=SEED + 1, as_of=AS_OF)
    assert again == small_dataset
    assert other.persons != small_dataset.persons
    assert other.entities != small_dataset.entities
    assert other.licences != small_dataset.licences


def test_identifiers_are_unique(small_dataset):
    for rows, key in ((small_dataset.persons, "gmsfhm"), (small_dataset.entities, "tyshxydm"),
                      (small_dataset.licences, "zzbs")):
        assert len({row[key] for row in rows}) == len(rows)


def test_citizen_ids_are_valid_and_agree_with_gender_and_birth_date(small_dataset):
    for person in small_dataset.persons:
        assert normalize_citizen_id(person["gmsfhm"]) == person["gmsfhm"]
        assert citizen_id_gender_code(person["gmsfhm"]) == person["xbdm"]
        assert citizen_id_birth_date(person["gmsfhm"]) == person["csrq"]


def test_area_codes_are_counties_in_force_and_the_assigning_one_existed_at_birth(small_dataset):
    counties = county_by_code()
    for person in small_dataset.persons:
        assert {person["csdssxdm"], person["hjdssxdm"], person["gmsfhm"][:6]} <= counties.keys()
        assert counties[person["gmsfhm"][:6]].since <= person["csrq"].year
        assert counties[person["csdssxdm"]].since <= person["csrq"].year
    moved = sum(person["hjdssxdm"] != person["gmsfhm"][:6] for person in small_dataset.persons)
    assert 0 < moved < 0.15 * len(small_dataset.persons)


def test_household_address_lies_in_the_household_county(small_dataset):
    counties = county_by_code()
    for person in small_dataset.persons:
        assert person["hjdz"].startswith(counties[person["hjdssxdm"]].full_name)
        assert person["hjdz"].endswith("号")
    elsewhere = sum(not person["xzz"].startswith(counties[person["hjdssxdm"]].full_name)
                    for person in small_dataset.persons)
    assert 0 < elsewhere < 0.3 * len(small_dataset.persons)


def test_person_codes_come_from_the_code_tables(small_dataset):
    for person in small_dataset.persons:
        assert person["xbdm"] in ("1", "2")
        assert person["mzdm"] in ETHNICITIES
        assert person["hyzkdm"] in MARITAL_STATUSES
        assert person["whcddm"] in EDUCATION_LEVELS
        assert len(person["lxdh"]) == 11 and person["lxdh"].isdigit()
    assert Counter(person["mzdm"] for person in small_dataset.persons).most_common(1)[0][0] == "01"


def test_marital_status_and_education_fit_age(small_dataset):
    for person in small_dataset.persons:
        age = age_on(person["csrq"], AS_OF)
        if age < 20:
            assert person["hyzkdm"] == "10"
        if age < 24:
            assert person["whcddm"] != "10"
        if age < 7:
            assert person["whcddm"] == "90"


def test_a_few_percent_have_a_former_name_different_from_their_name(small_dataset):
    former = [person for person in small_dataset.persons if person["cym"]]
    assert 0.01 < len(former) / len(small_dataset.persons) < 0.08
    assert all(person["cym"] != person["xm"] for person in former)


def test_deceased_people_have_a_past_death_date_after_birth(small_dataset):
    deceased = [person for person in small_dataset.persons if person["ryztdm"] == "9"]
    assert all(person["ryztdm"] == "0" and person["swrq"] is None
               for person in small_dataset.persons if person["ryztdm"] != "9")
    assert all(person["csrq"] <= person["swrq"] <= AS_OF for person in deceased)
    assert 0.01 < len(deceased) / len(small_dataset.persons) < 0.06


def test_legal_representatives_are_living_adults_of_the_population(small_dataset, persons):
    for entity in small_dataset.entities:
        representative = persons[entity["fddbrzjhm"]]
        assert representative["xm"] == entity["fddbr"]
        assert representative["ryztdm"] == "0"
        assert entity["clrq"] >= add_years(representative["csrq"], 18)
        assert entity["clrq"] <= AS_OF


def test_some_people_represent_several_entities(small_dataset):
    assert max(Counter(entity["fddbrzjhm"] for entity in small_dataset.entities).values()) > 1


def test_usccs_are_valid_and_encode_category_and_a_county(small_dataset):
    counties = county_by_code()
    for entity in small_dataset.entities:
        code = entity["tyshxydm"]
        assert normalize_uscc(code) == code
        assert code[:2] == USCC_CATEGORY_BY_TYPE.get(entity["ztlx"], "91")
        assert code[2:8] in counties
        assert entity["zs"].startswith(counties[code[2:8]].full_name)
        assert entity["djjg"].endswith("市场监督管理局")
    assert Counter(entity["tyshxydm"][:2] for entity in small_dataset.entities).most_common(1)[0][0] == "91"


def test_entity_codes_and_capital_fit_the_entity_type(small_dataset):
    for entity in small_dataset.entities:
        assert entity["ztlx"] in ENTITY_TYPES
        assert entity["hydm"] in INDUSTRIES
        assert entity["djzt"] in REGISTRATION_STATUSES
        assert (entity["zczb"] is None) == (entity["bz"] is None)
        if entity["zczb"] is not None:
            assert entity["zczb"] > 0 and entity["bz"] in CURRENCIES
        if entity["ztlx"] == "9100":
            assert entity["hydm"].startswith("A") and entity["mc"].endswith("专业合作社")
        if entity["ztlx"] not in ("9600", "4540"):
            assert entity["zczb"] is not None
    individual = [entity for entity in small_dataset.entities if entity["ztlx"] == "9600"]
    assert individual and sum(entity["zczb"] is None for entity in individual) > len(individual) / 2


def test_licence_ids_are_valid_and_built_from_the_row(small_dataset):
    for licence in small_dataset.licences:
        assert normalize_licence_id(licence["zzbs"]) == licence["zzbs"]
        type_code, issuer = licence["zzbs"].split(".")[5:7]
        assert type_code == licence["zzlxdm"] and issuer == licence["zzbfjgdm"]
        assert licence["zzlxmc"] == LICENCE_TYPES[licence["zzlxdm"]]
        assert licence["zzlxdm"][:18] in LICENCE_DEFINERS
        assert licence["zzbfjgdm"].startswith("11")
        assert licence["zzzt"] in LICENCE_STATUSES


def test_every_licence_holder_exists_under_its_registry_name(small_dataset, persons, entities):
    for licence in small_dataset.licences:
        assert licence["czztdmlx"] in HOLDER_CODE_TYPES
        if licence["czztdmlx"] == "111":
            holder = persons[licence["czztdm"]]
            assert licence["czzt"] in (holder["xm"], holder["cym"])
        else:
            assert licence["czzt"] == entities[licence["czztdm"]]["mc"]
    under_former_name = sum(licence["czzt"] != persons[licence["czztdm"]]["xm"]
                            for licence in small_dataset.licences if licence["czztdmlx"] == "111")
    assert under_former_name > 0


def test_every_entity_has_a_business_licence(small_dataset):
    business_licence = next(code for code, name in LICENCE_TYPES.items() if name == "营业执照")
    holders = {licence["czztdm"] for licence in small_dataset.licences if licence["zzlxdm"] == business_licence}
    assert holders == {entity["tyshxydm"] for entity in small_dataset.entities}


def test_about_two_thirds_of_licences_are_held_by_people(small_dataset):
    share = sum(licence["czztdmlx"] == "111" for licence in small_dataset.licences) / len(small_dataset.licences)
    assert 0.6 <= share <= 0.7


def test_licence_dates_are_coherent(small_dataset, persons, entities):
    for licence in small_dataset.licences:
        if licence["czztdmlx"] == "111":
            holder = persons[licence["czztdm"]]
            start, end = holder["csrq"], holder["swrq"] or AS_OF
        else:
            start, end = entities[licence["czztdm"]]["clrq"], AS_OF
        assert start <= licence["zzyxqqsrq"] <= licence["zzbfrq"] <= end
        assert licence["zzyxqjzrq"] is None or licence["zzyxqjzrq"] > licence["zzyxqqsrq"]
        if licence["zzzt"] == "1" and licence["zzyxqjzrq"] is not None:
            assert licence["zzyxqjzrq"] >= AS_OF


def test_licences_of_the_dead_are_no_longer_valid(small_dataset, persons):
    of_the_dead = [licence for licence in small_dataset.licences
                   if licence["czztdmlx"] == "111" and persons[licence["czztdm"]]["swrq"]]
    assert of_the_dead
    assert all(licence["zzzt"] in ("2", "5") for licence in of_the_dead)


def test_driving_licence_holders_are_adults_and_numbered_by_citizen_id(small_dataset, persons):
    driving_licence = next(code for code, name in LICENCE_TYPES.items() if name == "机动车驾驶证")
    driving = [licence for licence in small_dataset.licences if licence["zzlxdm"] == driving_licence]
    assert driving
    for licence in driving:
        assert licence["zzbh"] == licence["czztdm"]
        assert age_on(persons[licence["czztdm"]]["csrq"], licence["zzbfrq"]) >= 18


def test_fewer_licences_than_entities_is_refused():
    with pytest.raises(ValueError, match="business licence"):
        generate_dataset(persons=50, entities=10, licences=9, seed=SEED, as_of=AS_OF)


def test_default_seed_and_today_are_used_when_not_given():
    sizes = {"persons": 200, "entities": 20, "licences": 300}
    assert generate_dataset(**sizes) == generate_dataset(**sizes, seed=20261122, as_of=datetime.date.today())
