"""Everything a request needs that outlives it: catalog, schema, connectors, policy, caches, keys."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import strawberry
from graphql import GraphQLSchema

from access.decision_cache import DecisionCache
from access.identity.tokens import TokenVerifier
from access.policy.store import PolicyStore
from access.row_maskers import RowMaskerCache
from catalog import Catalog
from connectors.resilience import ResilientConnector
from control.ratelimits.limiter import RateLimiter
from control.ratelimits.probes import ProbeCounter
from control.suspension.state import Suspensions
from gateway.anonymous_refusals import AnonymousRefusals
from gateway.arguments import KeyArguments, key_arguments
from gateway.documents import DocumentCache
from gateway.query_cost import fan_outs
from record.store import AccessRecord
from resolvers.loaders import FetchLimits
from settings import Settings


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
    probes: ProbeCounter
    anonymous_refusals: AnonymousRefusals
    record: AccessRecord | None = None
    suspensions: Suspensions = field(default_factory=Suspensions)

    @property
    def graphql_schema(self) -> GraphQLSchema:
        return self.schema._schema

    @cached_property
    def key_arguments(self) -> KeyArguments:
        return key_arguments(self.catalog)

    @cached_property
    def fan_out(self) -> dict[str, int]:
        return fan_outs(self.catalog)

    @cached_property
    def fetch_limits(self) -> FetchLimits:
        settings = self.settings
        return FetchLimits(settings.max_list_keys, settings.max_fetch_rows, settings.max_subjects)
