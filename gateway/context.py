"""What resolvers see as `info.context` for one request."""
from __future__ import annotations

from dataclasses import dataclass

from resolvers.loaders import Loaders


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    loaders: Loaders
    denied_relations: frozenset[str]
