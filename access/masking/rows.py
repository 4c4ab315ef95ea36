"""Masks whole rows in place as they enter the data plane from a department."""

from collections.abc import Callable, Collection, Mapping
from typing import Any

from access.masking.context import MaskContext
from access.masking.kinds import MASK_KINDS, MaskFunction

RowMasker = Callable[[dict[str, Any]], None]
CaseMasks = Mapping[str, tuple[str, Mapping[str, str]]]  # field -> (switch field, switch value -> mask kind)


def build_row_masker(masked: Mapping[str, str], denied: Collection[str], context: MaskContext,
                     cases: CaseMasks | None = None) -> RowMasker:
    """Return a function that sets denied fields to None and masks the others, reading the raw row.

    ``masked`` maps field name to mask-kind id; ``cases`` a field masked by what another field of the row holds,
    its other rows masked as ``masked`` says or left clear. An unknown id raises KeyError here, not per row.
    A field that is both denied and masked is denied.
    """
    cases = cases or {}
    kinds = {*masked.values(), *(kind for _, table in cases.values() for kind in table.values())}
    unknown = sorted(kind for kind in kinds if kind not in MASK_KINDS)
    if unknown:
        raise KeyError(f"unknown mask kind(s): {', '.join(unknown)}")
    denied_fields = tuple(denied)
    maskers = tuple((field, _by_case(cases[field], masked.get(field)) if field in cases else MASK_KINDS[kind].apply)
                    for field, kind in {**dict.fromkeys(cases, ""), **masked}.items() if field not in denied)

    def mask_row(row: dict[str, Any]) -> None:
        # Compute every masked value before writing any, so all masks see the row as it arrived.
        masked_values = [(field, apply(row.get(field), row, context)) for field, apply in maskers]
        for field in denied_fields:
            row[field] = None
        for field, value in masked_values:
            row[field] = value

    return mask_row


def _by_case(case: tuple[str, Mapping[str, str]], otherwise: str | None) -> MaskFunction:
    switch, table = case
    chosen: dict[Any, MaskFunction | None] = {value: MASK_KINDS[kind].apply for value, kind in table.items()}
    default = MASK_KINDS[otherwise].apply if otherwise else None

    def apply(value: Any, row: Mapping[str, Any], context: MaskContext) -> Any:
        mask = chosen.get(row.get(switch), default)
        return value if mask is None else mask(value, row, context)

    return apply
