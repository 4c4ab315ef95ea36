"""Everything a request needs that outlives it: catalog, schema, connectors, policy, caches, keys."""
from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from graphql import GraphQLSchema

from access.decisions import DecisionCache
from access.row_maskers import RowMaskerCache
from audit.recorder import Recorder
from catalog import Catalog
from connectors.resilience import ResilientConnector
from gateway.documents import DocumentCache
from identity.tokens import TokenVerifier
from policy.store import PolicyStore
from ratelimits.limiter import RateLimiter
from settings import Settings
from suspension.state import Suspensions


@dataclass
class Runtime:
    settings: Settings
    catalog: Catalog
    schema: strawberry.Schema
    connectors: dict[str, ResilientConnector]
    policies: PolicyStore
    verifier: TokenVerifier
    decisions: DecisionCache
    row_maskers: RowMaskerCache
    documents: DocumentCache
    rate_limits: RateLimiter
    recorder: Recorder | None = None
    suspensions: Suspensions = field(default_factory=Suspensions)

    @property
    def graphql_schema(self) -> GraphQLSchema:
        return self.schema._schema
