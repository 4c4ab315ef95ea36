"""Reads the catalog's YAML files and refuses anything inconsistent, naming file and entry."""
from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from catalog.model import (
    FORMATS,
    GRAPHQL_SCALARS,
    Catalog,
    CatalogField,
    CatalogRelation,
    Resource,
    ShareClass,
)
from departments import code_tables
from masking import MASK_KINDS

CATALOG_DIR = Path(__file__).parent
UPDATE_PERIODS = frozenset({"realtime", "daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly", "irregular"})
RESOURCE_KEYS = frozenset({"resource", "title", "description", "provider", "update_period", "source", "key", "fields", "relations"})
FIELD_KEYS = frozenset({"item", "column", "type", "share", "basis", "personal", "sensitive", "mask", "provider",
                        "nullable", "format", "description", "codes"})
RELATION_KEYS = frozenset({"target", "share", "description"})
UNION_TARGETS = frozenset({"Holder"})


class CatalogError(Exception):
    """The catalog is inconsistent; the message names the file and the entry."""


def load_catalog(departments: Collection[str], directory: Path = CATALOG_DIR) -> Catalog:
    resources: dict[str, Resource] = {}
    for path in sorted(directory.glob("*.yaml")):
        resource = _read_resource(path, departments)
        if resource.name in resources:
            raise CatalogError(f"{path.name}: resource {resource.name} is already described in {resources[resource.name].file}")
        resources[resource.name] = resource
    if not resources:
        raise CatalogError(f"{directory}: no catalog files (*.yaml)")
    _check_relation_targets(resources)
    return Catalog(resources)


def _read_resource(path: Path, departments: Collection[str]) -> Resource:
    where = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: expected a mapping at the top level")
    _refuse_unknown_keys(raw, RESOURCE_KEYS, where)
    name = _required(raw, "resource", where)
    provider = _required(raw, "provider", where)
    _check_department(provider, departments, f"{where}: provider")
    period = _required(raw, "update_period", where)
    if period not in UPDATE_PERIODS:
        raise CatalogError(f"{where}: update_period {period!r} is not one of {sorted(UPDATE_PERIODS)}")
    source = raw.get("source") or {}
    fields = {
        field_name: _read_field(name, field_name, entry or {}, provider, departments, f"{where}: {name}.{field_name}")
        for field_name, entry in (raw.get("fields") or {}).items()
    }
    key = _required(raw, "key", where)
    if key not in fields:
        raise CatalogError(f"{where}: key {key!r} is not one of the fields")
    relations = {
        rel_name: _read_relation(name, rel_name, entry or {}, f"{where}: {name}.{rel_name}")
        for rel_name, entry in (raw.get("relations") or {}).items()
    }
    clash = fields.keys() & relations.keys()
    if clash:
        raise CatalogError(f"{where}: {sorted(clash)} declared both as field and relation")
    return Resource(
        name=name,
        title=str(raw.get("title", name)),
        description=str(raw.get("description", "")),
        provider=provider,
        update_period=period,
        connector=_required(source, "connector", f"{where}: source"),
        table=source.get("table"),
        key=key,
        fields=fields,
        relations=relations,
        file=where,
    )


def _read_field(resource: str, name: str, entry: dict[str, Any], default_provider: str,
                departments: Collection[str], where: str) -> CatalogField:
    _refuse_unknown_keys(entry, FIELD_KEYS, where)
    share = _share_class(entry, where)
    basis = entry.get("basis")
    if share is not ShareClass.UNCONDITIONAL and not basis:
        raise CatalogError(f"{where}: a {share.value} field needs a legal basis ('basis')")
    graphql_type = entry.get("type", "String")
    if graphql_type not in GRAPHQL_SCALARS:
        raise CatalogError(f"{where}: type {graphql_type!r} is not one of {sorted(GRAPHQL_SCALARS)}")
    value_format = entry.get("format")
    if value_format is not None and value_format not in FORMATS:
        raise CatalogError(f"{where}: format {value_format!r} is not one of {sorted(FORMATS)}")
    mask = entry.get("mask")
    if mask is not None:
        kind = MASK_KINDS.get(mask)
        if kind is None:
            raise CatalogError(f"{where}: unknown mask kind {mask!r}; known: {sorted(MASK_KINDS)}")
        if mask != "R13" and graphql_type not in kind.graphql_types:
            raise CatalogError(f"{where}: mask {mask} gives {sorted(kind.graphql_types)}, not valid for {graphql_type}")
    if share is not ShareClass.UNCONDITIONAL and mask is None:
        raise CatalogError(f"{where}: a {share.value} field needs a default mask kind ('mask')")
    nullable = bool(entry.get("nullable", True))
    if not nullable and share is not ShareClass.UNCONDITIONAL:
        raise CatalogError(f"{where}: only UNCONDITIONAL fields can be non-nullable (a policy may deny the others)")
    provider = entry.get("provider", default_provider)
    _check_department(provider, departments, f"{where}: provider")
    return CatalogField(
        resource=resource,
        name=name,
        item=_required(entry, "item", where),
        column=_required(entry, "column", where),
        type=graphql_type,
        share=share,
        basis=basis,
        personal=bool(entry.get("personal", False)),
        sensitive=bool(entry.get("sensitive", False)),
        mask=mask,
        provider=provider,
        nullable=nullable,
        format=value_format,
        description=str(entry.get("description", "")),
        codes=_code_table(entry.get("codes"), where),
    )


def _code_table(name: str | None, where: str) -> dict[str, str] | None:
    if name is None:
        return None
    table = getattr(code_tables, str(name), None)
    if not isinstance(table, dict):
        raise CatalogError(f"{where}: unknown code table {name!r} (see departments/code_tables.py)")
    return table


def _read_relation(resource: str, name: str, entry: dict[str, Any], where: str) -> CatalogRelation:
    _refuse_unknown_keys(entry, RELATION_KEYS, where)
    share = _share_class(entry, where)
    if share is not ShareClass.UNCONDITIONAL:
        raise CatalogError(f"{where}: relations are UNCONDITIONAL; govern the target's fields instead")
    return CatalogRelation(
        resource=resource,
        name=name,
        target=_required(entry, "target", where),
        share=share,
        description=str(entry.get("description", "")),
    )


def _check_relation_targets(resources: dict[str, Resource]) -> None:
    for resource in resources.values():
        for relation in resource.relations.values():
            if relation.target not in resources and relation.target not in UNION_TARGETS:
                raise CatalogError(f"{resource.file}: {relation.qualified_name}: unknown target {relation.target!r}")


def _share_class(entry: dict[str, Any], where: str) -> ShareClass:
    value = _required(entry, "share", where)
    try:
        return ShareClass(value)
    except ValueError:
        raise CatalogError(f"{where}: share {value!r} is not one of {[c.value for c in ShareClass]}") from None


def _check_department(code: str, departments: Collection[str], where: str) -> None:
    if code not in departments:
        raise CatalogError(f"{where}: unknown department {code!r}")


def _refuse_unknown_keys(entry: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise CatalogError(f"{where}: unknown attribute(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def _required(entry: dict[str, Any], key: str, where: str) -> Any:
    value = entry.get(key)
    if value in (None, ""):
        raise CatalogError(f"{where}: missing {key!r}")
    return value
