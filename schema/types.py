"""The object types, built from the catalog: data fields from its entries, relations (and their unions) from its
relations, each resolved from the rows the resolvers prefetch."""
from __future__ import annotations

from typing import Annotated, Any, Optional, Union

import strawberry

from catalog import Catalog, CatalogField, Resource
from resolvers.rows import TYPE_KEY

PYTHON_TYPES: dict[str, type] = {"String": str, "Int": int, "Float": float, "Boolean": bool}

def _field_description(entry: CatalogField) -> str:
    text = f"{entry.item}. {entry.description} Share class {entry.share.value}"
    if entry.mask:
        text += f"; default mask {entry.mask}"
    text += "."
    if entry.codes:
        text += " Codes: " + ", ".join(f"{code} {name}" for code, name in entry.codes.items()) + "."
    return text


def _is_type_of(type_name: str) -> classmethod[Any, [Any, Any], bool]:
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
    """The GraphQL object types by name, and the unions the relations declare."""
    classes = {name: _bare_class(resource) for name, resource in catalog.resources.items()}
    targets: dict[str, Any] = dict(classes)
    for union, members in catalog.unions.items():
        targets[union] = Annotated[Union[tuple(classes[m] for m in members)], strawberry.union(union)]
    for resource in catalog.resources.values():
        cls = classes[resource.name]
        for relation in resource.relations.values():
            target = targets[relation.target]
            # A type built at run time from the catalog, which mypy cannot follow.
            graphql_type = Optional[list[target]] if relation.many else Optional[target]  # type: ignore[valid-type]
            cls.__annotations__[relation.name] = graphql_type
            setattr(cls, relation.name, strawberry.field(description=relation.description))
    for resource in catalog.resources.values():
        strawberry.type(classes[resource.name], description=f"{resource.title}. {resource.description}")
    return targets
