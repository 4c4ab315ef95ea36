"""GB 11643-1999 citizen identity number (公民身份号码), including HK/Macau/Taiwan residence permits.

stdnum.cn.ric is used for the check digit only: its validate/is_valid reject valid numbers whose
area code did not exist in the birth year and can raise KeyError (standards.md §3.3).
"""

import datetime
import logging
from functools import lru_cache

from stdnum.cn import ric

from catalog.formats.errors import InvalidIdentifier

logger = logging.getLogger(__name__)

_LENGTH = 18
_RESIDENCE_PERMIT_PREFIXES = ("81", "82", "83")


@lru_cache(maxsize=65_536)
def normalize_citizen_id(raw: str) -> str:
    """Return the canonical 18-character form, or raise InvalidIdentifier naming the failed check."""
    number = "".join(raw.split()).upper()
    if len(number) != _LENGTH:
        raise InvalidIdentifier(f"must be {_LENGTH} characters, got {len(number)}")
    for position, char in enumerate(number[:-1], start=1):
        if not ("0" <= char <= "9"):
            raise InvalidIdentifier(f"character {char!r} at position {position} must be a digit")
    if not ("0" <= number[-1] <= "9" or number[-1] == "X"):
        raise InvalidIdentifier(f"character {number[-1]!r} at position {_LENGTH} must be a digit or 'X'")
    expected = ric.calc_check_digit(number)  # takes all 18 characters and ignores the last
    if number[-1] != expected:
        raise InvalidIdentifier(f"check digit should be {expected!r}, got {number[-1]!r}")
    birth_date = _parse_birth_date(number)
    if birth_date > datetime.date.today():
        raise InvalidIdentifier(f"birth date {birth_date.isoformat()} is in the future")
    if not number.startswith(_RESIDENCE_PERMIT_PREFIXES):
        _warn_if_area_unknown(number[:6], number[6:10])
    return number


def make_citizen_id(area_code: str, birth_date: datetime.date, sequence: int) -> str:
    """Build a valid number from its parts; sequence is 0..999 (odd = male, even = female)."""
    if len(area_code) != 6 or not area_code.isascii() or not area_code.isdigit():
        raise InvalidIdentifier(f"area code must be 6 digits, got {area_code!r}")
    if not 0 <= sequence <= 999:
        raise InvalidIdentifier(f"sequence must be 0..999, got {sequence}")
    body = f"{area_code}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}{sequence:03d}"
    return normalize_citizen_id(body + ric.calc_check_digit(body + "0"))


def citizen_id_birth_date(citizen_id: str) -> datetime.date:
    """Birth date encoded in positions 7-14."""
    return _parse_birth_date(normalize_citizen_id(citizen_id))


def citizen_id_gender_code(citizen_id: str) -> str:
    """GB/T 2261.1 sex code from the 17th digit: "1" male (odd), "2" female (even)."""
    return "1" if int(normalize_citizen_id(citizen_id)[16]) % 2 else "2"


def _parse_birth_date(number: str) -> datetime.date:
    digits = number[6:14]
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidIdentifier(f"birth date {digits[:4]}-{digits[4:6]}-{digits[6:]} is not a date") from None


@lru_cache(maxsize=8192)
def _warn_if_area_unknown(area_code: str, birth_year: str) -> None:
    # Soft check: the area code is where the number was assigned, which stdnum's birth-year test
    # gets wrong for older people, and stdnum 2.2 raises KeyError for some codes. Never reject.
    # A lookup costs ~0.3 ms, so it is made once per (area code, birth year).
    try:
        ric.get_birth_place(f"{area_code}{birth_year}0101001" + "0")
    except Exception:
        logger.debug("citizen ID area code %s is unknown to stdnum for birth year %s", area_code, birth_year)
