"""What resolvers see as `info.context` for one request."""
from __future__ import annotations

from dataclasses import dataclass

from catalog import Catalog
from record.store import AccessRecord
from resolvers.loaders import Loaders
from resolvers.prefetch import Prefetcher


@dataclass(frozen=True)
class ResolverContext:
    request_id: str
    catalog: Catalog
    loaders: Loaders
    prefetcher: Prefetcher
    record: AccessRecord | None  # read by the auditors' fields (the role is checked before execution)
