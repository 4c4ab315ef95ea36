"""What resolvers see as `info.context` for one request."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.caller import Asking
from resolvers.loaders import Loaders
from resolvers.prefetch import NamePath

if TYPE_CHECKING:
    from gateway.runtime import Runtime


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    loaders: Loaders
    relation_levels: dict[NamePath, set[str]]
    denied_relations: frozenset[str]
    asking: Asking | None
    runtime: Runtime
