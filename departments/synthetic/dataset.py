"""The coherent synthetic dataset of all three registries."""

import datetime
import random
from dataclasses import dataclass
from typing import Any

from faker import Faker

from departments.synthetic.addresses import Addresses
from departments.synthetic.authorities import Authorities
from departments.synthetic.entities import generate_entities
from departments.synthetic.licences import generate_licences
from departments.synthetic.people import generate_people


@dataclass(frozen=True)
class Dataset:
    persons: list[dict[str, Any]]  # rk_jbxx rows
    entities: list[dict[str, Any]]  # fr_jbxx rows
    licences: list[dict[str, Any]]  # dzzz_zzxx rows


def generate_dataset(
    persons: int = 20_000,
    entities: int = 3_000,
    licences: int = 30_000,
    seed: int = 20261122,
    as_of: datetime.date | None = None,
) -> Dataset:
    """Rows keyed by column name; the same seed and as_of (default: today) give identical data.

    Legal representatives are living adults of the population and every licence holder exists;
    see the modules of this package for the rules each registry follows.
    """
    as_of = as_of or datetime.date.today()
    rng = random.Random(seed)
    faker = Faker("zh_CN")
    faker.seed_instance(seed)
    addresses = Addresses(rng, faker)
    authorities = Authorities(rng)
    population = generate_people(persons, rng, faker, addresses, as_of)
    entity_rows = generate_entities(entities, rng, faker, population.rows, addresses, authorities, as_of)
    licence_rows = generate_licences(licences, rng, population, entity_rows, authorities, as_of)
    return Dataset(population.rows, entity_rows, licence_rows)
