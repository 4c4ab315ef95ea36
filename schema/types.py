"""The object types, built from the catalog: data fields from its entries, relations as prefetched lists."""
from __future__ import annotations

from typing import Annotated, Any, Optional, Union

import strawberry

from catalog import Catalog, CatalogField, Resource
from resolvers.prefetch import FETCHERS
from resolvers.rows import TYPE_KEY

PYTHON_TYPES: dict[str, type] = {"String": str, "Int": int, "Float": float, "Boolean": bool}

# Relations holding a list of their target; the others hold one (or null).
LIST_RELATIONS = frozenset({"Person.licences", "Person.representedEntities", "LegalEntity.licences"})


class SchemaMismatch(Exception):
    """The catalog and the joins implemented here disagree."""


def _field_description(entry: CatalogField) -> str:
    text = f"{entry.item}. {entry.description} Share class {entry.share.value}"
    if entry.mask:
        text += f"; default mask {entry.mask}"
    text += "."
    if entry.codes:
        text += " Codes: " + ", ".join(f"{code} {name}" for code, name in entry.codes.items()) + "."
    return text


def _is_type_of(type_name: str) -> classmethod:
    def is_type_of(cls: type, obj: Any, info: Any) -> bool:
        return isinstance(obj, dict) and obj.get(TYPE_KEY) == type_name

    return classmethod(is_type_of)


def _bare_class(resource: Resource) -> type:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations, "is_type_of": _is_type_of(resource.name)}
    for entry in resource.fields.values():
        python_type = PYTHON_TYPES[entry.type]
        annotations[entry.name] = Optional[python_type] if entry.nullable else python_type
        namespace[entry.name] = strawberry.field(description=_field_description(entry))
    return type(resource.name, (), namespace)


def build_types(catalog: Catalog) -> dict[str, Any]:
    """The GraphQL object types by name, plus the Holder union."""
    classes = {name: _bare_class(resource) for name, resource in catalog.resources.items()}
    targets: dict[str, Any] = dict(classes)
    person, entity = classes["Person"], classes["LegalEntity"]
    targets["Holder"] = Annotated[Union[person, entity], strawberry.union("Holder")]
    declared = {r.qualified_name for res in catalog.resources.values() for r in res.relations.values()}
    if declared != set(FETCHERS):
        raise SchemaMismatch(f"catalog relations {sorted(declared)} do not match the fetchers {sorted(FETCHERS)}")
    for resource in catalog.resources.values():
        cls = classes[resource.name]
        for relation in resource.relations.values():
            target = targets[relation.target]
            graphql_type = Optional[list[target]] if relation.qualified_name in LIST_RELATIONS else Optional[target]
            cls.__annotations__[relation.name] = graphql_type
            setattr(cls, relation.name, strawberry.field(description=relation.description))
    for resource in catalog.resources.values():
        strawberry.type(classes[resource.name], description=f"{resource.title}. {resource.description}")
    return targets
