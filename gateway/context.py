"""What resolvers see as `info.context` for one request."""
from __future__ import annotations

from dataclasses import dataclass

from resolvers.loaders import Loaders
from resolvers.prefetch import NamePath


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    loaders: Loaders
    relation_levels: dict[NamePath, set[str]]
    denied_relations: frozenset[str]
