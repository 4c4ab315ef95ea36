"""Synthetic rows of the electronic-licence registry (dzzz_zzxx)."""

import datetime
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

from catalog.code_tables import LICENCE_TYPES
from catalog.formats import make_licence_id
from departments.synthetic.allocation import spread
from departments.synthetic.authorities import Authorities
from departments.synthetic.licence_series import BUSINESS_LICENCE, Series, Term, entity_series, person_series
from departments.synthetic.people import Population
from departments.synthetic.weighted import WeightedChoice

PERSON_SHARE = 0.65
_FORMER_NAME_ON_LICENCE = 0.3  # of licences of people who have a former name: about 1% of all
_CURRENT_STATUS = WeightedChoice({"1": 98.5, "2": 0.7, "3": 0.5, "4": 0.3})


def generate_licences(
    count: int,
    rng: random.Random,
    population: Population,
    entities: list[dict[str, Any]],
    authorities: Authorities,
    as_of: datetime.date,
) -> list[dict[str, Any]]:
    """Exactly `count` licences, about PERSON_SHARE person-held, one business licence per entity at least.

    When one side cannot hold its share coherently (too few people or entities), the other side
    takes the rest; ValueError if both together cannot.
    """
    if count < len(entities):
        raise ValueError(f"{count} licences cannot give each of {len(entities)} entities its business licence")
    people_series = [
        series
        for person in population.rows
        for series in person_series(rng, person, population.residence_county[person["gmsfhm"]], authorities, as_of)
    ]
    entities_series = [series for entity in entities for series in entity_series(rng, entity, authorities, as_of)]
    entity_counts, person_counts = _allocate(rng, entities_series, people_series, count)

    numbering = _Numbering()
    kept_per_series = [*zip(people_series, person_counts, strict=True),
                       *zip(entities_series, entity_counts, strict=True)]
    return [row for series, kept in kept_per_series for row in _latest_rows(rng, series, kept, numbering, as_of)]


def _allocate(
    rng: random.Random, entities_series: list[Series], people_series: list[Series], count: int
) -> tuple[list[int], list[int]]:
    entity_capacity = [len(series.terms) for series in entities_series]
    person_capacity = [len(series.terms) for series in people_series]
    business_licences = [1 if series.type_code == BUSINESS_LICENCE else 0 for series in entities_series]
    entity_counts = spread(rng, entity_capacity, count - round(count * PERSON_SHARE), minimum=business_licences)
    person_counts = spread(rng, person_capacity, count - sum(entity_counts))
    shortfall = count - sum(entity_counts) - sum(person_counts)
    if shortfall:
        entity_counts = spread(rng, entity_capacity, sum(entity_counts) + shortfall, minimum=entity_counts)
    placed = sum(entity_counts) + sum(person_counts)
    if placed < count:
        raise ValueError(f"only {placed} of {count} licences fit the holders' histories; add persons or entities")
    return entity_counts, person_counts


class _Numbering:
    """Serial numbers unique per licence type and issuer, which makes licence identifiers unique."""

    def __init__(self) -> None:
        self._issued: Counter[tuple[str, str]] = Counter()

    def next_serial(self, type_code: str, issuer_code: str, year: int) -> str:
        self._issued[type_code, issuer_code] += 1
        return f"{year}{self._issued[type_code, issuer_code]:07d}"


def _latest_rows(
    rng: random.Random, series: Series, kept: int, numbering: _Numbering, as_of: datetime.date
) -> Iterator[dict[str, Any]]:
    """Rows of the last `kept` terms; versions of one licence share its serial number."""
    shared_serial = None
    if series.versioned:
        shared_serial = numbering.next_serial(series.type_code, series.issuer.uscc, series.terms[0].issued.year)
    for index in range(len(series.terms) - kept, len(series.terms)):
        term = series.terms[index]
        serial = shared_serial or numbering.next_serial(series.type_code, series.issuer.uscc, term.issued.year)
        version = f"{index + 1:03d}" if series.versioned else "001"
        yield {
            "zzbs": make_licence_id(series.type_code, series.issuer.uscc, serial, version),
            "zzlxdm": series.type_code,
            "zzlxmc": LICENCE_TYPES[series.type_code],
            "zzbh": series.number,
            "czzt": _holder_name(rng, series),
            "czztdm": series.holder.code,
            "czztdmlx": series.holder.code_type,
            "zzbfjg": series.issuer.name,
            "zzbfjgdm": series.issuer.uscc,
            "zzbfrq": term.issued,
            "zzyxqqsrq": term.valid_from,
            "zzyxqjzrq": term.valid_to,
            "zzzt": _status(rng, series, index, term, as_of),
        }


def _status(rng: random.Random, series: Series, index: int, term: Term, as_of: datetime.date) -> str:
    if index < len(series.terms) - 1:
        return "2" if series.versioned else "5"  # replaced by the next version / ran out and was renewed
    if term.valid_to is not None and term.valid_to < (series.closed_on or as_of):
        return "5"
    if series.closed_status:
        return series.closed_status
    return _CURRENT_STATUS(rng)


def _holder_name(rng: random.Random, series: Series) -> str:
    former_name = series.holder.former_name
    if former_name and rng.random() < _FORMER_NAME_ON_LICENCE:
        return former_name
    return series.holder.name
