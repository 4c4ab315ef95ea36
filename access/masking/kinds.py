"""How each mask kind of the catalog (`catalog.mask_kinds`) is computed; the two lists must name the same kinds."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from access.masking.address import generalize_address
from access.masking.context import MaskContext
from access.masking.generalize import date_to_age_band, date_to_year, date_to_year_month, generalize_region_code
from access.masking.names import mask_name
from access.masking.pseudonym import pseudonym_token
from access.masking.suppress import keep_ends, mask_bank_card, mask_email, mask_fixed_line
from catalog.mask_kinds import MASK_KIND_SPECS

MaskFunction = Callable[[Any, Mapping[str, Any], MaskContext], Any]
TextMask = Callable[[Any, Mapping[str, Any], MaskContext], str | None]

HOLDER_CODE_TYPE_FIELD = "holderCodeType"
CITIZEN_ID_HOLDER = "111"  # GA/T 517 居民身份证
LEGAL_ENTITY_HOLDER = "001"  # 统一社会信用代码


@dataclass(frozen=True)
class MaskKind:
    id: str
    description: str
    apply: MaskFunction  # (value, raw_row, context) -> masked value; None stays None
    graphql_types: frozenset[str]  # GraphQL scalar types the output is valid for


def _text_rule(rule: Callable[[str], str | None]) -> TextMask:
    def apply(value: Any, row: Mapping[str, Any], context: MaskContext) -> str | None:
        return None if value is None else rule(str(value))

    return apply


def _contextual_rule(rule: Callable[[str, MaskContext], str | None]) -> TextMask:
    def apply(value: Any, row: Mapping[str, Any], context: MaskContext) -> str | None:
        return None if value is None else rule(str(value), context)

    return apply


def _keep(head: int, tail: int, min_hidden: int = 1) -> TextMask:
    return _text_rule(lambda text: keep_ends(text, head, tail, min_hidden))


_citizen_id_strong = _keep(1, 1)
_citizen_id_partial = _keep(6, 4)
_HOLDER_CODE_MASKS: dict[str | None, TextMask] = {CITIZEN_ID_HOLDER: _citizen_id_partial,
                                                  LEGAL_ENTITY_HOLDER: _text_rule(str)}


def _mask_holder_code(value: Any, row: Mapping[str, Any], context: MaskContext) -> str | None:
    mask = _HOLDER_CODE_MASKS.get(row.get(HOLDER_CODE_TYPE_FIELD), _citizen_id_strong)
    return mask(value, row, context)


def _suppress(value: Any, row: Mapping[str, Any], context: MaskContext) -> None:
    return None


_FUNCTIONS: Mapping[str, MaskFunction] = {
    "R1a": _citizen_id_strong,
    "R1b": _citizen_id_partial,
    "R1c": _keep(1, 2),
    "R2": _contextual_rule(pseudonym_token),
    "R3": _text_rule(mask_name),
    "R4": _keep(3, 4),
    "R5": _text_rule(mask_fixed_line),
    "R6": _text_rule(generalize_address),
    "R7a": _text_rule(date_to_year),
    "R7b": _text_rule(date_to_year_month),
    "R7c": _contextual_rule(lambda text, context: date_to_age_band(text, context.today)),
    "R8": _text_rule(generalize_region_code),
    "R9": _text_rule(mask_bank_card),
    "R10": _keep(8, 2),
    "R11": _keep(3, 3, 4),
    "R12": _text_rule(mask_email),
    "R13": _suppress,
    "R1b-holder": _mask_holder_code,
}
if _FUNCTIONS.keys() != MASK_KIND_SPECS.keys():
    raise ImportError("mask kinds declared and implemented differ: "
                      f"{sorted(_FUNCTIONS.keys() ^ MASK_KIND_SPECS.keys())}")

MASK_KINDS: Mapping[str, MaskKind] = MappingProxyType({
    spec.id: MaskKind(spec.id, spec.description, _FUNCTIONS[spec.id], spec.graphql_types)
    for spec in MASK_KIND_SPECS.values()})
