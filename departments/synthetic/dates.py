"""Calendar helpers shared by the generators."""

import datetime
import random


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years of age on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def random_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A uniformly chosen day in [first, last]."""
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))
