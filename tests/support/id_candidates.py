"""The attacker's side: every citizen ID number consistent with what an answer gave about one person.

Written independently of the product's own estimate, by enumeration, so that a test can tell whether an
answer narrows a masked ID to so few candidates that a day's lookups could try them all.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import islice

from stdnum.cn import ric

YEARS_BACK = 100
_BAND = re.compile(r"(\d{1,2})-(\d{1,2})|(\d{1,2})\+")  # an age band: 30-39, 80+


def _dates(birth: str | None, today: date) -> Iterator[date]:
    """Every birth date consistent with what the answer gave for it (a date, year-month, year or age band)."""
    first = date(today.year - YEARS_BACK, 1, 1)
    day = first
    while day <= today:
        text = day.isoformat()
        if birth is None or _date_matches(birth, day, text, today):
            yield day
        day += timedelta(days=1)


def _date_matches(birth: str, day: date, text: str, today: date) -> bool:
    band = _BAND.fullmatch(birth)
    if band is None:
        return text.startswith(birth)
    low = int(band[1] or band[3])
    high = int(band[2]) if band[2] else 200
    age = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
    return low <= age <= high


def fitting(masked: str | None, birth: str | None, gender: str | None, region: str | None,
            today: date) -> Iterator[str] | None:
    """Every ID that fits what an answer gave about one person, or None when the area code is unknown (thousands of
    them: more than any daily budget). `masked` is the answer's ID with `*` where hidden, or None when it gave nothing
    positional (a token, null); `region` an area code the answer gave, trusted as the ID's."""
    if masked is None or len(masked) != 18:
        masked = "*" * 18
    area = masked[:6]
    if "*" in area:
        if region is None or not _fits(area, region):
            return None
        area = region
    return _fitting(masked, area, birth, gender, today)


def _fitting(masked: str, area: str, birth: str | None, gender: str | None, today: date) -> Iterator[str]:
    sequences = [f"{n:03d}" for n in range(1000) if _fits(masked[14:17], f"{n:03d}")
                 and (gender is None or (n % 2 == 1) == (gender == "1"))]
    for day in _dates(birth, today):
        stamp = day.strftime("%Y%m%d")
        if not _fits(masked[6:14], stamp):
            continue
        for digits in sequences:
            body = area + stamp + digits
            check = ric.calc_check_digit(body + "0")
            if masked[17] in ("*", check):
                yield body + check


def candidates(masked: str | None, birth: str | None, gender: str | None, region: str | None,
               today: date, limit: int) -> int:
    """How many IDs fit (see `fitting`), counting stops past `limit`."""
    found = fitting(masked, birth, gender, region, today)
    if found is None:
        return limit + 1
    return sum(1 for _ in islice(found, limit + 1))


def _fits(pattern: str, value: str) -> bool:
    return len(pattern) == len(value) and all(p in ("*", v) for p, v in zip(pattern, value, strict=True))
