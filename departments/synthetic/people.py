"""Synthetic rows of the population registry (rk_jbxx)."""

import datetime
import random
from dataclasses import dataclass
from typing import Any

from faker import Faker

from catalog.formats import make_citizen_id
from departments.synthetic import demographics
from departments.synthetic.addresses import Addresses
from departments.synthetic.dates import add_years, age_on, random_date
from departments.synthetic.regions import County, random_county

_MALE_SHARE = 0.512
_FORMER_NAME_SHARE = 0.04
_BORN_ELSEWHERE_SHARE = 0.02  # birthplace differs from the county that assigned the ID number
_MOVED_HOUSEHOLD_SHARE = 0.05  # household registration moved away from the assigning county
_LIVES_ELSEWHERE_SHARE = 0.15  # current residence outside the household county
_DEATHS_RECORDED_YEARS = 10


@dataclass(frozen=True)
class Population:
    rows: list[dict[str, Any]]
    residence_county: dict[str, County]  # gmsfhm -> county of the current address (xzz)


def generate_people(
    count: int, rng: random.Random, faker: Faker, addresses: Addresses, as_of: datetime.date
) -> Population:
    rows: list[dict[str, Any]] = []
    residence_county: dict[str, County] = {}
    issued_ids: set[str] = set()
    for _ in range(count):
        row, residence = _person(rng, faker, addresses, as_of, issued_ids)
        rows.append(row)
        residence_county[row["gmsfhm"]] = residence
    return Population(rows, residence_county)


def _person(
    rng: random.Random, faker: Faker, addresses: Addresses, as_of: datetime.date, issued_ids: set[str]
) -> tuple[dict[str, Any], County]:
    birth_date = demographics.random_birth_date(rng, as_of)
    gender_code = "1" if rng.random() < _MALE_SHARE else "2"
    assigning = random_county(rng, existing_in=birth_date.year)
    citizen_id = _unique_citizen_id(rng, assigning, birth_date, gender_code, issued_ids)
    birthplace = assigning
    if rng.random() < _BORN_ELSEWHERE_SHARE:
        birthplace = random_county(rng, existing_in=birth_date.year)
    household = random_county(rng) if rng.random() < _MOVED_HOUSEHOLD_SHARE else assigning
    residence = random_county(rng) if rng.random() < _LIVES_ELSEWHERE_SHARE else household

    surname = faker.last_name()
    name = surname + _given_name(faker, gender_code)
    former_name = None
    if rng.random() < _FORMER_NAME_SHARE:
        # A changed given name; the surname stays. A clash with the current name means no former name.
        former_name = surname + _given_name(faker, gender_code)

    age = age_on(birth_date, as_of)
    death_date = None
    if rng.random() < demographics.death_probability(age):
        recorded_from = max(birth_date, add_years(as_of, -_DEATHS_RECORDED_YEARS))
        death_date = random_date(rng, recorded_from, as_of)

    row = {
        "gmsfhm": citizen_id,
        "xm": name,
        "cym": former_name if former_name != name else None,
        "xbdm": gender_code,
        "mzdm": demographics.ethnicity(rng, household.code),
        "csrq": birth_date,
        "csdssxdm": birthplace.code,
        "hjdssxdm": household.code,
        "hjdz": addresses.street_address(household),
        "xzz": addresses.flat_address(residence),
        "hyzkdm": demographics.marital_status(rng, age, gender_code),
        "whcddm": demographics.education(rng, age, birth_date.year),
        "lxdh": faker.phone_number(),
        "ryztdm": "9" if death_date else "0",
        "swrq": death_date,
        "zjxydm": demographics.religion(rng),
    }
    return row, residence


def _unique_citizen_id(
    rng: random.Random, county: County, birth_date: datetime.date, gender_code: str, issued_ids: set[str]
) -> str:
    parity = 1 if gender_code == "1" else 0
    while True:
        citizen_id = make_citizen_id(county.code, birth_date, 2 * rng.randrange(500) + parity)
        if citizen_id not in issued_ids:
            issued_ids.add(citizen_id)
            return citizen_id


def _given_name(faker: Faker, gender_code: str) -> str:
    return faker.first_name_male() if gender_code == "1" else faker.first_name_female()

