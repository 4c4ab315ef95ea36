"""The root Query: the contract application developers write against."""
from __future__ import annotations

from typing import Any, Optional

import strawberry
from strawberry.schema.config import StrawberryConfig

from catalog import Catalog
from resolvers import roots
from schema.access_record import AccessRecord
from schema.types import build_types


def _getitem(obj: Any, name: str) -> Any:
    return obj[name]


def _access_record() -> dict[str, Any]:
    return {}


def build_schema(catalog: Catalog) -> strawberry.Schema:
    types = build_types(catalog)
    person, entity, licence = types["Person"], types["LegalEntity"], types["Licence"]

    @strawberry.type(description="Live reads across the population, legal-entity and licence registries.")
    class Query:
        person_ = strawberry.field(
            name="person", resolver=roots.person, graphql_type=Optional[person],
            description="One person by citizen ID number; null when there is none.")
        persons = strawberry.field(
            resolver=roots.persons, graphql_type=list[Optional[person]],
            description="Persons by citizen ID number, in the order asked, null where not found (at most 1,000).")
        legalEntity = strawberry.field(
            resolver=roots.legal_entity, graphql_type=Optional[entity],
            description="One legal entity by USCC; null when there is none.")
        legalEntities = strawberry.field(
            resolver=roots.legal_entities, graphql_type=list[Optional[entity]],
            description="Legal entities by USCC, in the order asked, null where not found (at most 1,000).")
        licence_ = strawberry.field(
            name="licence", resolver=roots.licence, graphql_type=Optional[licence],
            description="One electronic licence by its GB/T 36904 identifier; null when there is none.")
        accessRecord = strawberry.field(
            resolver=_access_record, graphql_type=AccessRecord,
            description="The access record (role 'auditor' only): who accessed what, why, with proofs.")

    return strawberry.Schema(
        query=Query,
        config=StrawberryConfig(default_resolver=_getitem, auto_camel_case=False),
    )
