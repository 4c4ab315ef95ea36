"""The canonical JSON bytes of a log entry: what the Merkle leaves hash."""

import json
import math
from typing import Any


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 without escapes; tuples become lists.

    Raises TypeError for a non-str object key, a float that is not finite, or a value JSON
    cannot represent."""
    _refuse_non_canonical(value)
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


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
