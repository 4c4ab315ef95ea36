"""The catalog's vocabulary: resources, their fields and relations, and share classes."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property


class ShareClass(str, Enum):
    UNCONDITIONAL = "UNCONDITIONAL"
    CONDITIONAL = "CONDITIONAL"
    NOT_SHARED = "NOT_SHARED"


GRAPHQL_SCALARS = frozenset({"String", "Int", "Float", "Boolean"})
FORMATS = frozenset({"date"})


@dataclass(frozen=True)
class CatalogField:
    resource: str
    name: str
    item: str
    column: str
    type: str
    share: ShareClass
    basis: str | None
    personal: bool
    sensitive: bool
    mask: str | None
    provider: str
    nullable: bool
    format: str | None
    description: str
    codes: dict[str, str] | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.resource}.{self.name}"


@dataclass(frozen=True)
class CatalogRelation:
    resource: str
    name: str
    target: str
    share: ShareClass
    description: str

    @property
    def qualified_name(self) -> str:
        return f"{self.resource}.{self.name}"


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    provider: str
    update_period: str
    connector: str
    table: str | None
    key: str
    fields: dict[str, CatalogField]
    relations: dict[str, CatalogRelation]
    file: str


@dataclass(frozen=True)
class Catalog:
    resources: dict[str, Resource]

    def resource(self, name: str) -> Resource:
        return self.resources[name]

    @cached_property
    def governed(self) -> dict[str, CatalogField | CatalogRelation]:
        """Every governed `Type.field`: data fields and relations alike."""
        out: dict[str, CatalogField | CatalogRelation] = {}
        for resource in self.resources.values():
            for entry in (*resource.fields.values(), *resource.relations.values()):
                out[entry.qualified_name] = entry
        return out
