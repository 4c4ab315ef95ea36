"""Street addresses inside a county; each county reuses a handful of streets, as real ones do."""

import random

from faker import Faker

from departments.synthetic.regions import County

_STREETS_PER_COUNTY = 8


class Addresses:
    def __init__(self, rng: random.Random, faker: Faker) -> None:
        self._rng = rng
        self._faker = faker
        self._streets: dict[str, list[str]] = {}

    def street_address(self, county: County) -> str:
        """Province, prefecture and county names, then street and number."""
        streets = self._streets.setdefault(county.code, [])
        if len(streets) < _STREETS_PER_COUNTY:
            streets.append(self._faker.street_name())
            street = streets[-1]
        else:
            street = self._rng.choice(streets)
        return f"{county.full_name}{street}{self._rng.randint(1, 999)}号"

    def flat_address(self, county: County) -> str:
        """A street address, mostly with building, unit and flat."""
        address = self.street_address(county)
        if self._rng.random() < 0.3:
            return address
        rng = self._rng
        return f"{address}{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"
