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
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str | bool | int) or item is None:
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                raise TypeError(f"canonical JSON has no form for the float {item!r}")
        elif isinstance(item, dict):
            for key in item:
                if not isinstance(key, str):
                    raise TypeError(f"canonical JSON object keys must be str, not {type(key).__name__} ({key!r})")
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
