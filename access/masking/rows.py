"""Masks whole rows in place as they enter the data plane from a department."""

from collections.abc import Callable, Collection, Mapping
from typing import Any

from access.masking.context import MaskContext
from access.masking.kinds import MASK_KINDS

RowMasker = Callable[[dict[str, Any]], None]


def build_row_masker(masked: Mapping[str, str], denied: Collection[str], context: MaskContext) -> RowMasker:
    """Return a function that sets denied fields to None and masks the others, reading the raw row.

    ``masked`` maps field name to mask-kind id; an unknown id raises KeyError here, not per row.
    A field that is both denied and masked is denied.
    """
    unknown = sorted({kind for kind in masked.values() if kind not in MASK_KINDS})
    if unknown:
        raise KeyError(f"unknown mask kind(s): {', '.join(unknown)}")
    denied_fields = tuple(denied)
    maskers = tuple((field, MASK_KINDS[kind].apply) for field, kind in masked.items() if field not in denied)

    def mask_row(row: dict[str, Any]) -> None:
        # Compute every masked value before writing any, so all masks see the row as it arrived.
        masked_values = [(field, apply(row.get(field), row, context)) for field, apply in maskers]
        for field in denied_fields:
            row[field] = None
        for field, value in masked_values:
            row[field] = value

    return mask_row
