"""GB/T 36904-2018 electronic licence identifier (证照标识).

Form: 1.2.156.3005.2.<type code 21>.<issuer USCC 18>.<serial>.<version 3 digits>.<check>, where the
type code is the definer's USCC plus a 3-digit sequence and the check character is ISO 7064 MOD 37,36
over type + issuer + serial + version.
"""

import re
from functools import lru_cache

from stdnum.iso7064 import mod_37_36

from catalog.formats.errors import InvalidIdentifier
from catalog.formats.uscc import normalize_uscc

_PREFIX = "1.2.156.3005.2"
_PREFIX_PARTS = len(_PREFIX.split("."))
_PARTS_AFTER_PREFIX = 5
_TYPE_CODE = re.compile(r".{18}[0-9]{3}")
_SERIAL = re.compile(r"[0-9A-Z]+")
_VERSION = re.compile(r"[0-9]{3}")


@lru_cache(maxsize=65_536)
def normalize_licence_id(raw: str) -> str:
    """Return the canonical upper-case form, or raise InvalidIdentifier naming the failed part."""
    licence_id = "".join(raw.split()).upper()
    if not licence_id.startswith(_PREFIX + "."):
        raise InvalidIdentifier(f"must start with the e-licence root {_PREFIX}.")
    parts = licence_id.split(".")[_PREFIX_PARTS:]
    if len(parts) != _PARTS_AFTER_PREFIX:
        raise InvalidIdentifier(
            f"must have {_PARTS_AFTER_PREFIX} parts after {_PREFIX} "
            f"(type, issuer, serial, version, check), got {len(parts)}"
        )
    type_code, issuer, serial, version, check = parts
    _check_parts(type_code, issuer, serial, version)
    expected = mod_37_36.calc_check_digit(type_code + issuer + serial + version)
    if check != expected:
        raise InvalidIdentifier(f"check character should be {expected!r}, got {check!r}")
    return licence_id


def make_licence_id(type_code: str, issuer_uscc: str, serial: str, version: str = "001") -> str:
    """Build a valid identifier, appending the MOD 37,36 check character."""
    type_code, issuer_uscc, serial = type_code.upper(), issuer_uscc.upper(), serial.upper()
    _check_parts(type_code, issuer_uscc, serial, version)
    check = mod_37_36.calc_check_digit(type_code + issuer_uscc + serial + version)
    return normalize_licence_id(".".join((_PREFIX, type_code, issuer_uscc, serial, version, check)))


def _check_parts(type_code: str, issuer: str, serial: str, version: str) -> None:
    if not _TYPE_CODE.fullmatch(type_code):
        raise InvalidIdentifier(
            f"licence type code must be 21 characters (definer USCC + 3 digits), got {type_code!r}"
        )
    _check_uscc_part(type_code[:18], "licence type definer (first 18 characters of the type code)")
    _check_uscc_part(issuer, "issuer code")
    if not _SERIAL.fullmatch(serial):
        raise InvalidIdentifier(f"serial must be one or more of 0-9/A-Z, got {serial!r}")
    if not _VERSION.fullmatch(version):
        raise InvalidIdentifier(f"version must be 3 digits, got {version!r}")


def _check_uscc_part(code: str, part: str) -> None:
    try:
        normalize_uscc(code)
    except InvalidIdentifier as error:
        raise InvalidIdentifier(f"{part} is not a valid USCC: {error.reason}") from None
