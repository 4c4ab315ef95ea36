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
_LIMITED = {by: statement.limit(bindparam("limit")) for by, statement in _STATEMENTS.items()}


class BadQuery(ValueError):
    """The request body is not a valid batch query; the message says why, for the caller."""


@dataclass(frozen=True)
class BatchQuery:
    by: str
    keys: list[str]  # distinct, in request order
    limit: int | None  # the most rows to answer with

    @property
    def statement(self) -> Select[*tuple[Any, ...]]:
        """SELECT … WHERE <key column> IN (:keys) [LIMIT :limit]; bind `parameters` when executing."""
        return (_STATEMENTS if self.limit is None else _LIMITED)[self.by]

    @property
    def parameters(self) -> dict[str, Any]:
        return {"keys": self.keys} if self.limit is None else {"keys": self.keys, "limit": self.limit}


def parse_batch_query(body: bytes) -> BatchQuery:
    """Validate {"by": "licenceId" | "holderCode", "keys": [str, ...], "limit": n} with at most MAX_KEYS keys and
    an optional limit of at least 1."""
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
    limit = document.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise BadQuery('"limit" must be a whole number of at least 1')
    return BatchQuery(by, list(dict.fromkeys(keys)), limit)
