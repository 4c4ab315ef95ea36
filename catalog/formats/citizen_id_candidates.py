"""How many GB 11643 citizen ID numbers fit a partial view of one: the positions a caller is shown, and the
parity of positions it can infer (the gender code gives position 17's)."""
from __future__ import annotations

import datetime
from collections.abc import Collection
from functools import lru_cache

YEARS = 100  # birth dates considered: the last hundred years
COUNTY_CODES = 3_300  # GB/T 2260 county-level codes in use: the choices for an area code nothing narrows
AREA, BIRTH_DATE, SEQUENCE, CHECK = range(1, 7), range(7, 15), range(15, 18), 18
CHECK_CHARACTERS = 11  # 0-9 and X


def candidates_left(known: Collection[int], parity_known: Collection[int],
                    today: datetime.date | None = None) -> float:
    """The expected number of ID numbers consistent with what is known of one.

    The masked ID with a clear birth year leaves 33 (of 365 birth dates, one in 11 has the right check digit);
    without the year about 3,300; with the full birth date under a mask that keeps the sequence, less than one:

    >>> r1b = set(AREA) | set(SEQUENCE) | {CHECK}
    >>> day = datetime.date(2026, 12, 8)
    >>> round(candidates_left(r1b | {7, 8, 9, 10}, {17}, day))
    33
    >>> round(candidates_left(r1b, {17}, day), -2)
    3300.0
    >>> candidates_left(r1b | set(BIRTH_DATE), {17}, day) < 1
    True
    """
    known = frozenset(known)
    hidden_area = sum(1 for position in AREA if position not in known)
    area = min(10 ** hidden_area, COUNTY_CODES) if hidden_area else 1
    dates = _dates_left(frozenset(p for p in BIRTH_DATE if p in known), today or datetime.date.today())
    sequence = 1
    for position in SEQUENCE:
        if position not in known:
            sequence *= 5 if position in parity_known else 10
    left = float(area * dates * sequence)
    return left / CHECK_CHARACTERS if CHECK in known else left


@lru_cache(maxsize=256)
def _dates_left(known: frozenset[int], today: datetime.date) -> int:
    """Birth dates of the last hundred years that share a typical date's digits at the known positions (7-14)."""
    reference = _digits(datetime.date(today.year - YEARS // 2, 6, 15))
    offsets = [position - BIRTH_DATE.start for position in sorted(known)]
    return sum(1 for digits in _all_dates(today) if all(digits[i] == reference[i] for i in offsets))


@lru_cache(maxsize=4)
def _all_dates(today: datetime.date) -> tuple[str, ...]:
    first = datetime.date(today.year - YEARS, today.month, 1).toordinal()
    return tuple(_digits(datetime.date.fromordinal(day)) for day in range(first, today.toordinal() + 1))


def _digits(day: datetime.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
