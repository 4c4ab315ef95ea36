"""The catalog's vocabulary: resources, their fields, relations and root fields, and share classes."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property


class ShareClass(str, Enum):
    UNCONDITIONAL = "UNCONDITIONAL"
    CONDITIONAL = "CONDITIONAL"
    NOT_SHARED = "NOT_SHARED"


GRAPHQL_SCALARS = frozenset({"String", "Int", "Float", "Boolean"})


@dataclass(frozen=True)
class DatumPart:
    """A part of a datum another field can reveal: positions of its value, or the parity of one position."""
    name: str
    positions: tuple[int, int] | None  # first and last, 1-based, inclusive
    parity_of: int | None


@dataclass(frozen=True)
class Datum:
    """What the law protects, declared once: a citizen's ID number, a person's name. Its authority is the field
    that is its one source (rule 7); every other field holding it is a carrier, decided no looser."""
    name: str
    item: str
    authority: str  # Type.field
    length: int | None  # characters of a fixed-width datum (its units are positions), else None (named parts)
    format: str | None  # the format that counts the candidates a partial view leaves, if any
    parts: Mapping[str, DatumPart]
    ladder: tuple[str, ...]  # mask kinds from loosest to strictest, the steps a tightening takes

    @property
    def units(self) -> frozenset[int | str]:
        """All there is of the datum: its positions, or its named parts."""
        if self.length is not None:
            return frozenset(range(1, self.length + 1))
        return frozenset(self.parts)


@dataclass(frozen=True)
class Carry:
    """A field holds `datum` of the subject whose key is in the row's `of` field."""
    datum: str
    of: str


@dataclass(frozen=True)
class Carriage:
    """Which datum a field carries: always (`switch` None, one case under None), or by the value of a row's
    `switch` field (a licence's holderCode is a citizen ID when holderCodeType is 111)."""
    switch: str | None
    cases: Mapping[str | None, Carry]


@dataclass(frozen=True)
class Reveal:
    """A field that gives away part of a datum of the same subject (a birth date: the ID's digits 7-14); `ladder`
    are the field's masks from loosest to strictest, the steps a tightening takes."""
    datum: str
    part: str
    ladder: tuple[str, ...]


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
    carries: Carriage | None = None
    reveals: Reveal | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.resource}.{self.name}"


@dataclass(frozen=True)
class Join:
    """One target of a relation: the rows of `target` whose `target_field` equals the parent's `parent_field`."""
    target: str
    parent_field: str
    target_field: str


@dataclass(frozen=True)
class CatalogRelation:
    resource: str
    name: str
    share: ShareClass
    description: str
    many: bool
    # The parent field whose value picks the join (a licence's holderCodeType), or None for a single join.
    switch: str | None
    joins: Mapping[str | None, Join]  # switch value -> join; {None: join} without a switch
    union: str | None  # the GraphQL union of the targets, when a switch leads to several resources
    fan_out: int  # rows per parent the cost estimate assumes for a list relation (about the 99th percentile)
    # The most rows one parent may have (1 for a single relation): more is an error, never a silent cut.
    max_per_parent: int

    @property
    def qualified_name(self) -> str:
        return f"{self.resource}.{self.name}"

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(join.target for join in self.joins.values()))

    @property
    def target(self) -> str:
        """The GraphQL type of one related object: the union, or the single target resource."""
        return self.union or self.targets[0]


@dataclass(frozen=True)
class CatalogRoot:
    """A root field of the Query type: rows of `resource` looked up by `by`, from the argument `argument`."""
    name: str
    resource: str
    argument: str
    by: str
    many: bool
    description: str


@dataclass(frozen=True)
class Source:
    """Where a resource's rows come from: a connector by name (its URL is a setting), a table or an HTTP path."""
    connector: str
    table: str | None
    path: str | None


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    provider: str
    update_period: str
    source: Source
    key: str
    subject: str  # the field naming whom a row is about (a person's or an entity's identifier)
    fields: dict[str, CatalogField]
    relations: dict[str, CatalogRelation]
    roots: dict[str, CatalogRoot]
    file: str

    @property
    def connector(self) -> str:
        return self.source.connector

    @property
    def table(self) -> str | None:
        return self.source.table


@dataclass(frozen=True)
class Catalog:
    resources: dict[str, Resource]
    datums: dict[str, Datum] = field(default_factory=dict)

    def resource(self, name: str) -> Resource:
        return self.resources[name]

    @cached_property
    def governed(self) -> dict[str, CatalogField | CatalogRelation]:
        """Every governed `Type.field`: data fields and relations alike."""
        out: dict[str, CatalogField | CatalogRelation] = {}
        for resource in self.resources.values():
            out.update((entry.qualified_name, entry) for entry in resource.fields.values())
            out.update((relation.qualified_name, relation) for relation in resource.relations.values())
        return out

    @cached_property
    def relations(self) -> dict[str, CatalogRelation]:
        """Every relation by `Type.field`."""
        return {relation.qualified_name: relation for resource in self.resources.values()
                for relation in resource.relations.values()}

    @cached_property
    def roots(self) -> dict[str, CatalogRoot]:
        """Every root field of the Query type by name."""
        return {root.name: root for resource in self.resources.values() for root in resource.roots.values()}

    @cached_property
    def unions(self) -> dict[str, tuple[str, ...]]:
        """Each union a relation declares, with its member resources."""
        return {relation.union: relation.targets for relation in self.relations.values() if relation.union}

    @cached_property
    def carriers(self) -> dict[str, CatalogField]:
        """Every field that carries a datum, its authority included, by `Type.field`."""
        return {f.qualified_name: f for resource in self.resources.values() for f in resource.fields.values()
                if f.carries is not None}

    @cached_property
    def join_fields(self) -> dict[str, tuple[str, ...]]:
        """Per resource, the fields its relations join on or switch by, its key and its subject: the values a row
        keeps unmasked (out of the caller's sight) so that joins and the record work whatever the caller sees."""
        out: dict[str, dict[str, None]] = {name: {r.key: None, r.subject: None} for name, r in self.resources.items()}
        for relation in self.relations.values():
            kept = out[relation.resource]
            if relation.switch:
                kept[relation.switch] = None
            for join in relation.joins.values():
                kept[join.parent_field] = None
        return {name: tuple(fields) for name, fields in out.items()}
