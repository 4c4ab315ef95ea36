"""GB 11714 organisation code (组织机构代码): 8 body characters + 1 mod-11 check character.

python-stdnum has no GB 11714 module, so this check is implemented here.
"""

import re

from catalog.formats.errors import InvalidIdentifier

_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_BODY = re.compile(r"[0-9A-Z]{8}")


def org_code_check_char(body: str) -> str:
    """Return the GB 11714 check character ('0'-'9' or 'X') for an 8-character body."""
    if not _BODY.fullmatch(body):
        raise InvalidIdentifier(f"organisation code body must be 8 characters of 0-9/A-Z, got {body!r}")
    total = sum(int(char, 36) * weight for char, weight in zip(body, _WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize_org_code(raw: str) -> str:
    """Strip spaces and a '-' before the check character, upper-case, and verify the check character."""
    code = "".join(raw.split()).replace("-", "").upper()
    if len(code) != 9:
        raise InvalidIdentifier(f"must be 9 characters, got {len(code)}")
    expected = org_code_check_char(code[:8])
    if code[8] != expected:
        raise InvalidIdentifier(f"check character should be {expected!r}, got {code[8]!r}")
    return code
