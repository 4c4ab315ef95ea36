"""Age structure and age-dependent attributes of the synthetic population.

Shares are rounded from the 2020 census orders of magnitude; they only need to look plausible.
"""

import datetime
import random

from departments.synthetic.dates import add_years, random_date
from departments.synthetic.weighted import WeightedChoice

# (youngest age, oldest age) -> share of the population
_AGE_BAND = WeightedChoice({
    (0, 14): 17, (15, 24): 11, (25, 34): 15, (35, 44): 14,
    (45, 54): 17, (55, 64): 13, (65, 74): 9, (75, 95): 4,
})

# Minorities with a noticeable share by province (GB/T 3304 code, share); the rest is Han (01).
_MINORITIES_BY_PROVINCE = {
    "15": (("02", 0.17), ("11", 0.02), ("03", 0.01)),
    "21": (("11", 0.12), ("02", 0.01), ("10", 0.01)),
    "22": (("10", 0.04), ("11", 0.04)),
    "43": (("15", 0.04), ("06", 0.03), ("12", 0.01)),
    "45": (("08", 0.31), ("13", 0.03), ("32", 0.01)),
    "46": (("19", 0.15),),
    "51": (("07", 0.03), ("04", 0.02), ("33", 0.004)),
    "52": (("06", 0.11), ("09", 0.07), ("12", 0.04), ("15", 0.04)),
    "53": (("07", 0.11), ("16", 0.03), ("14", 0.03), ("18", 0.03)),
    "54": (("04", 0.86),),
    "62": (("03", 0.05), ("04", 0.02), ("26", 0.02)),
    "63": (("04", 0.24), ("03", 0.14), ("30", 0.04), ("35", 0.02)),
    "64": (("03", 0.36),),
    "65": (("05", 0.45), ("17", 0.07), ("03", 0.04), ("29", 0.01)),
}
_MINORITIES_ELSEWHERE = (("03", 0.01), ("11", 0.01), ("06", 0.003))

# Highest completed education of adults by birth cohort: (born from year, GB/T 4658 code -> weight)
_EDUCATION_BY_COHORT = (
    (1985, WeightedChoice({"10": 5, "20": 25, "30": 22, "40": 12, "60": 14, "70": 18, "80": 4})),
    (1965, WeightedChoice({"10": 2, "20": 10, "30": 13, "40": 10, "60": 18, "70": 33, "80": 12, "90": 2})),
    (0, WeightedChoice({"10": 0.5, "20": 4, "30": 5, "40": 5, "60": 15, "70": 30, "80": 30, "90": 10.5})),
)
_EDUCATION_AGED_16_TO_18 = WeightedChoice({"70": 30, "60": 45, "40": 25})
_EDUCATION_AGED_19_TO_22 = WeightedChoice({"70": 20, "60": 30, "40": 15, "30": 20, "20": 15})
_GRADUATE_MIN_AGE = 24

_LEGAL_MARRIAGE_AGE = {"1": 22, "2": 20}


def random_birth_date(rng: random.Random, as_of: datetime.date) -> datetime.date:
    youngest, oldest = _AGE_BAND(rng)
    earliest = add_years(as_of, -(oldest + 1)) + datetime.timedelta(days=1)
    return random_date(rng, earliest, add_years(as_of, -youngest))


def ethnicity(rng: random.Random, province_code: str) -> str:
    draw = rng.random()
    for code, share in _MINORITIES_BY_PROVINCE.get(province_code[:2], _MINORITIES_ELSEWHERE):
        if draw < share:
            return code
        draw -= share
    return "01"


def education(rng: random.Random, age: int, birth_year: int) -> str:
    if age < 7:
        return "90"
    if age < 13:
        return "80"
    if age < 16:
        return "70"
    if age < 19:
        return _EDUCATION_AGED_16_TO_18(rng)
    if age < 23:
        return _EDUCATION_AGED_19_TO_22(rng)
    code = next(mix for born_from, mix in _EDUCATION_BY_COHORT if birth_year >= born_from)(rng)
    return "20" if code == "10" and age < _GRADUATE_MIN_AGE else code


def religion(rng: random.Random) -> str | None:
    """Recorded for a minority only; the item is NOT_SHARED and exists to show that class."""
    if rng.random() >= 0.12:
        return None
    return rng.choices(("10", "20", "30", "40", "50", "90"), weights=(0.45, 0.15, 0.15, 0.05, 0.15, 0.05))[0]


def marital_status(rng: random.Random, age: int, gender_code: str) -> str:
    if age < _LEGAL_MARRIAGE_AGE[gender_code]:
        return "10"
    never_married = 0.75 if age < 25 else 0.45 if age < 30 else 0.2 if age < 35 else 0.08 if age < 40 else 0.04
    if rng.random() < never_married:
        return "10"
    widowed = 0.3 if age >= 75 else 0.15 if age >= 65 else 0.05 if age >= 55 else 0.01
    return rng.choices(
        ("30", "40", "22", "23", "90", "20", "21"),
        weights=(widowed, 0.05, 0.04, 0.005, 0.005, 0.55, 0.35),
    )[0]


def death_probability(age: int) -> float:
    """Chance that a registry entry of someone this old (if alive) is a deceased person; ~3% overall."""
    return 0.003 if age < 40 else 0.02 if age < 60 else 0.08 if age < 75 else 0.25
