"""The root Query: the contract application developers write against, its data fields declared by the catalog."""
from __future__ import annotations

from typing import Any, Optional

import strawberry
from strawberry.schema.config import StrawberryConfig

from catalog import Catalog
from resolvers.roots import root_resolver
from schema.access_record import AccessRecord
from schema.types import build_types


def _getitem(obj: Any, name: str) -> Any:
    return obj[name]


def _access_record() -> dict[str, Any]:
    return {}


def build_schema(catalog: Catalog) -> strawberry.Schema:
    types = build_types(catalog)
    namespace: dict[str, Any] = {}
    for root in catalog.roots.values():
        target = types[root.resource]
        namespace[f"{root.name}_"] = strawberry.field(
            name=root.name, resolver=root_resolver(root), description=root.description,
            # A type built at run time from the catalog, which mypy cannot follow.
            graphql_type=list[Optional[target]] if root.many else Optional[target])  # type: ignore[valid-type]
    namespace["accessRecord"] = strawberry.field(
        resolver=_access_record, graphql_type=AccessRecord,
        description="The access record (role 'auditor' only): who accessed what, why, with proofs.")
    query = strawberry.type(type("Query", (), namespace),
                            description="Live reads across the department registries the catalog describes.")
    return strawberry.Schema(query=query, config=StrawberryConfig(default_resolver=_getitem, auto_camel_case=False))
