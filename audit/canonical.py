"""The canonical JSON bytes of a log entry: what the Merkle leaves hash."""

import math
from typing import Any

import orjson


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 without escapes; tuples become lists.

    Raises TypeError for a non-str object key, a float that is not finite, an integer beyond
    64 bits, or a value JSON cannot represent."""
    _refuse_non_canonical(value)
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:
        raise TypeError(str(exc)) from None


def _refuse_non_canonical(value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise TypeError(f"canonical JSON has no form for the float {value!r}")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"canonical JSON object keys must be str, not {type(key).__name__} ({key!r})")
            _refuse_non_canonical(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_non_canonical(item)
