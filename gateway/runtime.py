"""Everything a request needs that outlives it: catalog, schema, connectors, policy, caches, keys."""
from __future__ import annotations

from dataclasses import dataclass

import strawberry
from graphql import GraphQLSchema

from access.decisions import DecisionCache
from access.row_maskers import RowMaskerCache
from audit.recorder import Recorder
from catalog import Catalog
from connectors.base import Connector
from gateway.documents import DocumentCache
from identity.tokens import TokenVerifier
from policy.store import PolicyStore
from settings import Settings


@dataclass
class Runtime:
    settings: Settings
    catalog: Catalog
    schema: strawberry.Schema
    connectors: dict[str, Connector]
    policies: PolicyStore
    verifier: TokenVerifier
    decisions: DecisionCache
    row_maskers: RowMaskerCache
    documents: DocumentCache
    recorder: Recorder | None = None

    @property
    def graphql_schema(self) -> GraphQLSchema:
        return self.schema._schema
