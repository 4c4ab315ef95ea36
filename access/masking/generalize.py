"""Generalisation masks: dates to year / month / age band, region codes to a coarser level."""

import datetime
import re
from typing import Literal

_REGION_CODE = re.compile(r"[0-9]{6}")
_TOP_AGE = 80
_AGE_BAND_WIDTH = 10

RegionLevel = Literal["prefecture", "province"]


def date_to_year(text: str) -> str | None:
    """"1949-12-31" -> "1949" (R7a); None when the text is not an ISO date."""
    date = _parse_date(text)
    return None if date is None else f"{date.year:04d}"


def date_to_year_month(text: str) -> str | None:
    """"1990-07-15" -> "1990-07" (R7b); None when the text is not an ISO date."""
    date = _parse_date(text)
    return None if date is None else f"{date.year:04d}-{date.month:02d}"


def date_to_age_band(text: str, today: datetime.date) -> str | None:
    """Age on ``today`` in 10-year bands, top-coded at "80+" (R7c); None for unparseable or future dates."""
    birth = _parse_date(text)
    if birth is None:
        return None
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if age < 0:
        return None
    if age >= _TOP_AGE:
        return f"{_TOP_AGE}+"
    low = age // _AGE_BAND_WIDTH * _AGE_BAND_WIDTH
    return f"{low}-{low + _AGE_BAND_WIDTH - 1}"


def generalize_region_code(code: str, level: RegionLevel = "prefecture") -> str | None:
    """GB/T 2260 PPCCDD truncation: "110105" -> "110100" (prefecture) or "110000" (province) (R8)."""
    if not _REGION_CODE.fullmatch(code):
        return None
    return code[:4] + "00" if level == "prefecture" else code[:2] + "0000"


def _parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        return None
