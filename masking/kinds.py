"""The registry of mask kinds (standards.md §2.2) that catalogue policies refer to by id."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from masking.address import generalize_address
from masking.context import MaskContext
from masking.generalize import date_to_age_band, date_to_year, date_to_year_month, generalize_region_code
from masking.names import mask_name
from masking.pseudonym import pseudonym_token
from masking.suppress import keep_ends, mask_bank_card, mask_email, mask_fixed_line

MaskFunction = Callable[[Any, Mapping[str, Any], MaskContext], Any]

STRING_OUTPUT = frozenset({"String"})
# Only R2 tokens are unique per value, so only they may back a GraphQL ID (clients cache by ID).
UNIQUE_STRING_OUTPUT = frozenset({"String", "ID"})
ANY_OUTPUT = frozenset({"String", "ID", "Int", "Float", "Boolean"})

HOLDER_CODE_TYPE_FIELD = "holderCodeType"
CITIZEN_ID_HOLDER = "111"  # GA/T 517 居民身份证
LEGAL_ENTITY_HOLDER = "001"  # 统一社会信用代码


@dataclass(frozen=True)
class MaskKind:
    id: str
    description: str
    apply: MaskFunction  # (value, raw_row, context) -> masked value; None stays None
    graphql_types: frozenset[str]  # GraphQL scalar types the output is valid for


def _text_rule(rule: Callable[[str], str | None]) -> MaskFunction:
    def apply(value: Any, row: Mapping[str, Any], context: MaskContext) -> str | None:
        return None if value is None else rule(str(value))

    return apply


def _contextual_rule(rule: Callable[[str, MaskContext], str | None]) -> MaskFunction:
    def apply(value: Any, row: Mapping[str, Any], context: MaskContext) -> str | None:
        return None if value is None else rule(str(value), context)

    return apply


def _keep(head: int, tail: int, min_hidden: int = 1) -> MaskFunction:
    return _text_rule(lambda text: keep_ends(text, head, tail, min_hidden))


_citizen_id_strong = _keep(1, 1)
_citizen_id_partial = _keep(6, 4)
_HOLDER_CODE_MASKS = {CITIZEN_ID_HOLDER: _citizen_id_partial, LEGAL_ENTITY_HOLDER: _text_rule(str)}


def _mask_holder_code(value: Any, row: Mapping[str, Any], context: MaskContext) -> str | None:
    mask = _HOLDER_CODE_MASKS.get(row.get(HOLDER_CODE_TYPE_FIELD), _citizen_id_strong)
    return mask(value, row, context)


def _suppress(value: Any, row: Mapping[str, Any], context: MaskContext) -> None:
    return None


_KINDS = (
    MaskKind("R1a", "citizen ID: keep first 1 and last 1", _citizen_id_strong, STRING_OUTPUT),
    MaskKind("R1b", "citizen ID: keep area code (6) and last 4", _citizen_id_partial, STRING_OUTPUT),
    MaskKind("R1c", "citizen ID: keep first 1 and last 2", _keep(1, 2), STRING_OUTPUT),
    MaskKind(
        "R2",
        "keyed pseudonym: HMAC-SHA256 over consumer domain and normalised value, base32, 26 chars",
        _contextual_rule(pseudonym_token),
        UNIQUE_STRING_OUTPUT,
    ),
    MaskKind("R3", "personal name: keep surname (compound aware)", _text_rule(mask_name), STRING_OUTPUT),
    MaskKind("R4", "mobile number: keep first 3 and last 4", _keep(3, 4), STRING_OUTPUT),
    MaskKind("R5", "fixed-line number: keep area code and last 2", _text_rule(mask_fixed_line), STRING_OUTPUT),
    MaskKind("R6", "address: keep up to county level", _text_rule(generalize_address), STRING_OUTPUT),
    MaskKind("R7a", "date: year only", _text_rule(date_to_year), STRING_OUTPUT),
    MaskKind("R7b", "date: year and month", _text_rule(date_to_year_month), STRING_OUTPUT),
    MaskKind(
        "R7c",
        "birth date: 10-year age band, 80+ top-coded",
        _contextual_rule(lambda text, context: date_to_age_band(text, context.today)),
        STRING_OUTPUT,
    ),
    MaskKind("R8", "GB/T 2260 region code: truncate to prefecture", _text_rule(generalize_region_code), STRING_OUTPUT),
    MaskKind("R9", "bank card number: keep BIN (6) and last 4", _text_rule(mask_bank_card), STRING_OUTPUT),
    MaskKind("R10", "USCC: keep first 8 and last 2", _keep(8, 2), STRING_OUTPUT),
    MaskKind("R11", "licence number: keep first 3 and last 3, hide at least 4", _keep(3, 3, 4), STRING_OUTPUT),
    MaskKind("R12", "email: keep first character and domain", _text_rule(mask_email), STRING_OUTPUT),
    MaskKind("R13", "suppress: always null", _suppress, ANY_OUTPUT),
    MaskKind(
        "R1b-holder",
        "licence holder code: R1b for citizen ID holders (111), clear for USCC (001), R1a otherwise",
        _mask_holder_code,
        STRING_OUTPUT,
    ),
)

MASK_KINDS: Mapping[str, MaskKind] = MappingProxyType({kind.id: kind for kind in _KINDS})
