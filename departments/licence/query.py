"""The batch query of the licence service: request validation and the one SELECT it runs."""

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Select, bindparam, select

from departments.licence.tables import dzzz_zzxx

MAX_KEYS = 1000
KEY_COLUMNS = {"licenceId": dzzz_zzxx.c.zzbs, "holderCode": dzzz_zzxx.c.czztdm}

_STATEMENTS = {
    by: select(dzzz_zzxx).where(column.in_(bindparam("keys", expanding=True))).order_by(dzzz_zzxx.c.zzbs)
    for by, column in KEY_COLUMNS.items()
}


class BadQuery(ValueError):
    """The request body is not a valid batch query; the message says why, for the caller."""


@dataclass(frozen=True)
class BatchQuery:
    by: str
    keys: list[str]  # distinct, in request order

    @property
    def statement(self) -> Select[*tuple[Any, ...]]:
        """SELECT … WHERE <key column> IN (:keys); bind `keys` when executing."""
        return _STATEMENTS[self.by]


def parse_batch_query(body: bytes) -> BatchQuery:
    """Validate {"by": "licenceId" | "holderCode", "keys": [str, ...]} with at most MAX_KEYS keys."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadQuery("request body is not valid JSON") from None
    if not isinstance(document, dict):
        raise BadQuery('request body must be a JSON object {"by": ..., "keys": [...]}')
    by = document.get("by")
    if by not in KEY_COLUMNS:
        raise BadQuery(f'"by" must be one of {", ".join(map(repr, KEY_COLUMNS))}, got {by!r}')
    keys = document.get("keys")
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise BadQuery('"keys" must be a list of strings')
    if len(keys) > MAX_KEYS:
        raise BadQuery(f'"keys" holds {len(keys)} keys; at most {MAX_KEYS} are allowed per request')
    return BatchQuery(by, list(dict.fromkeys(keys)))
