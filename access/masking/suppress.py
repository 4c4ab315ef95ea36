"""Suppression masks: keep a head and a tail, replace the middle with '*' (length preserved)."""

import re

MASK_CHAR = "*"

_FIXED_LINE = re.compile(r"(0[0-9]{2,3})-?([0-9]{7,8})")


def keep_ends(value: str, head: int, tail: int, min_hidden: int = 1) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters and hide the rest.

    When that would hide fewer than ``min_hidden`` characters, only the first character is kept,
    and if even that hides too few, everything is hidden.
    """
    length = len(value)
    if length - head - tail < min_hidden:
        head, tail = (1, 0) if length - 1 >= min_hidden else (0, 0)
    return value[:head] + MASK_CHAR * (length - head - tail) + value[length - tail :]


def mask_fixed_line(phone: str) -> str:
    """Keep the area code and the last 2 digits of a fixed-line number (R5)."""
    match = _FIXED_LINE.fullmatch(phone)
    if match is None:
        return keep_ends(phone, 4, 2)
    area_code, subscriber = match.groups()
    return f"{area_code}-{keep_ends(subscriber, 0, 2)}"


def mask_bank_card(card_number: str) -> str:
    """Drop spaces, keep the 6-digit BIN and the last 4 (R9)."""
    return keep_ends("".join(card_number.split()), 6, 4)


def mask_email(email: str) -> str:
    """Keep the first character of the local part and the whole domain (R12)."""
    local, at, domain = email.rpartition("@")
    if not at:
        return keep_ends(email, 1, 0)
    return keep_ends(local, 1, 0) + at + domain
