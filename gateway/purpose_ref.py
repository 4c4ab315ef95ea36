"""X-Purpose-Ref: the business case number kept in the access record, never a free-text place for personal data."""
from __future__ import annotations

import re

from catalog.formats import InvalidIdentifier, normalize_citizen_id

# A mainland mobile number anywhere in the value: a prefix ("case-", "+86") hides nothing.
MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Every 18-character run shaped like a citizen ID number, overlapping ones included.
CITIZEN_ID_SHAPED = re.compile(r"(?=([0-9]{17}[0-9Xx]))")


def purpose_ref_problem(value: str, pattern: re.Pattern[str]) -> str | None:
    """Why `value` is refused as a case reference, in words that never repeat it; None when it is one."""
    if pattern.fullmatch(value) is None:
        return f"it is not a case number matching {pattern.pattern}"
    if any(_is_citizen_id(run) for run in CITIZEN_ID_SHAPED.findall(value)):
        return "it holds a citizen ID number"
    if MOBILE.search(value):
        return "it holds a mobile phone number"
    return None


def _is_citizen_id(run: str) -> bool:
    try:
        normalize_citizen_id(run)
    except InvalidIdentifier:
        return False
    return True
