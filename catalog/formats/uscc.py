"""GB 32100-2015 unified social credit code (统一社会信用代码).

stdnum.cn.uscc is used for the mod-31 check character only: its validate rejects the legal
registration-department codes A, N and Y (standards.md §3.3).
"""

from functools import lru_cache

from stdnum.cn import uscc

from catalog.formats.errors import InvalidIdentifier
from catalog.formats.org_code import normalize_org_code, org_code_check_char

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_DIGITS = "0123456789"
_REGISTRATION_DEPARTMENTS = _DIGITS + "ANY"
_LENGTH = 18

# (first position, last position, allowed characters, what the positions hold); positions are 1-based.
_LAYOUT = (
    (1, 1, _REGISTRATION_DEPARTMENTS, "registration department (0-9, A, N or Y)"),
    (2, 2, _DIGITS, "category (digit)"),
    (3, 8, _DIGITS, "region code (digit)"),
    (9, 18, USCC_ALPHABET, "organisation code or check (0-9 or A-Z without I, O, S, V, Z)"),
)


@lru_cache(maxsize=65_536)
def normalize_uscc(raw: str) -> str:
    """Return the canonical 18-character form, or raise InvalidIdentifier naming the failed check."""
    code = "".join(raw.split()).upper()
    if len(code) != _LENGTH:
        raise InvalidIdentifier(f"must be {_LENGTH} characters, got {len(code)}")
    _check_layout(code)
    try:
        normalize_org_code(code[8:17])
    except InvalidIdentifier as error:
        raise InvalidIdentifier(f"organisation code (positions 9-17): {error.reason}") from None
    expected = uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise InvalidIdentifier(f"check character should be {expected!r}, got {code[17]!r}")
    return code


def make_uscc(registration_dept: str, category: str, region_code: str, org_body: str) -> str:
    """Build a valid code, appending the GB 11714 check character and then the mod-31 check character."""
    if len(registration_dept) != 1 or len(category) != 1 or len(region_code) != 6 or len(org_body) != 8:
        raise InvalidIdentifier(
            "parts must be 1 + 1 + 6 + 8 characters, got "
            f"{len(registration_dept)} + {len(category)} + {len(region_code)} + {len(org_body)}"
        )
    partial = (registration_dept + category + region_code + org_body).upper()
    _check_layout(partial)
    body = partial + org_code_check_char(partial[8:16])
    return normalize_uscc(body + uscc.calc_check_digit(body))


def _check_layout(code: str) -> None:
    for first, last, allowed, meaning in _LAYOUT:
        for position in range(first, min(last, len(code)) + 1):
            char = code[position - 1]
            if char not in allowed:
                raise InvalidIdentifier(f"character {char!r} at position {position} is not a valid {meaning}")
