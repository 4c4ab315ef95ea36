"""Reads the catalog's YAML files and refuses anything inconsistent, naming file and entry."""
from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from catalog import code_tables
from catalog.datum_loader import DATUMS_KEY, check_datums, read_carriage, read_datums, read_reveal
from catalog.entries import mapping, refuse_unknown_keys, required
from catalog.errors import CatalogError
from catalog.formats import FORMATS
from catalog.mask_kinds import MASK_KIND_SPECS
from catalog.model import (
    GRAPHQL_SCALARS,
    Catalog,
    CatalogField,
    CatalogRelation,
    CatalogRoot,
    Datum,
    Join,
    Resource,
    ShareClass,
    Source,
)

CATALOG_DIR = Path(__file__).parent
UPDATE_PERIODS = frozenset({"realtime", "daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly",
                            "irregular"})
RESOURCE_KEYS = frozenset({"resource", "title", "description", "provider", "update_period", "source", "key", "subject",
                           "fields", "relations", "roots"})
SOURCE_KEYS = frozenset({"connector", "table", "path"})
FIELD_KEYS = frozenset({"item", "column", "type", "share", "basis", "personal", "sensitive", "mask", "provider",
                        "nullable", "format", "description", "codes", "carries", "reveals"})
RELATION_KEYS = frozenset({"target", "join", "many", "fan_out", "max_per_parent", "switch", "cases", "union", "share",
                           "description"})
CASE_KEYS = frozenset({"target", "join"})
ROOT_KEYS = frozenset({"argument", "by", "many", "description"})
DEFAULT_FAN_OUT = 10
NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def load_catalog(departments: Collection[str], directory: Path = CATALOG_DIR) -> Catalog:
    """Every `*.yaml` of `directory`: one resource each, and at most one file of `datums`."""
    resources: dict[str, Resource] = {}
    datums: dict[str, Datum] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = _read_yaml(path)
        if DATUMS_KEY in raw:
            if datums:
                raise CatalogError(f"{path.name}: the datums are already declared in another file")
            datums = read_datums(raw, path.name)
            continue
        resource = _read_resource(raw, path.name, departments)
        if resource.name in resources:
            raise CatalogError(f"{path.name}: resource {resource.name} is already described in "
                               f"{resources[resource.name].file}")
        resources[resource.name] = resource
    if not resources:
        raise CatalogError(f"{directory}: no catalog files (*.yaml)")
    _check_relations(resources)
    _check_roots(resources)
    return Catalog(resources, check_datums(datums, resources))


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise CatalogError(f"{path.name}: expected a mapping at the top level")
    return raw


def _read_resource(raw: dict[str, Any], where: str, departments: Collection[str]) -> Resource:
    refuse_unknown_keys(raw, RESOURCE_KEYS, where)
    name = required(raw, "resource", where)
    provider = required(raw, "provider", where)
    _check_department(provider, departments, f"{where}: provider")
    period = required(raw, "update_period", where)
    if period not in UPDATE_PERIODS:
        raise CatalogError(f"{where}: update_period {period!r} is not one of {sorted(UPDATE_PERIODS)}")
    source = _source(raw.get("source"), where)
    fields = {
        field_name: _read_field(name, field_name, entry or {}, provider, departments, f"{where}: {name}.{field_name}")
        for field_name, entry in (raw.get("fields") or {}).items()
    }
    key = required(raw, "key", where)
    if key not in fields:
        raise CatalogError(f"{where}: key {key!r} is not one of the fields")
    subject = raw.get("subject", key)
    if subject not in fields:
        raise CatalogError(f"{where}: subject {subject!r} is not one of the fields")
    relations = {
        rel_name: _read_relation(name, rel_name, entry or {}, f"{where}: {name}.{rel_name}")
        for rel_name, entry in mapping(raw.get("relations"), f"{where}: relations").items()
    }
    clash = fields.keys() & relations.keys()
    if clash:
        raise CatalogError(f"{where}: {sorted(clash)} declared both as field and relation")
    roots = {
        root_name: _read_root(name, root_name, entry or {}, key, f"{where}: roots.{root_name}")
        for root_name, entry in mapping(raw.get("roots"), f"{where}: roots").items()
    }
    return Resource(
        name=name,
        title=str(raw.get("title", name)),
        description=str(raw.get("description", "")),
        provider=provider,
        update_period=period,
        source=source,
        key=key,
        subject=subject,
        fields=fields,
        relations=relations,
        roots=roots,
        file=where,
    )


def _source(entry: Any, where: str) -> Source:
    source = mapping(entry, f"{where}: source")
    refuse_unknown_keys(source, SOURCE_KEYS, f"{where}: source")
    return Source(connector=required(source, "connector", f"{where}: source"), table=source.get("table"),
                  path=source.get("path"))


def _read_field(resource: str, name: str, entry: dict[str, Any], default_provider: str,
                departments: Collection[str], where: str) -> CatalogField:
    refuse_unknown_keys(entry, FIELD_KEYS, where)
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
        kind = MASK_KIND_SPECS.get(mask)
        if kind is None:
            raise CatalogError(f"{where}: unknown mask kind {mask!r}; known: {sorted(MASK_KIND_SPECS)}")
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
        item=required(entry, "item", where),
        column=required(entry, "column", where),
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
        carries=read_carriage(entry.get("carries"), f"{where}: carries"),
        reveals=read_reveal(entry.get("reveals"), f"{where}: reveals"),
    )


def _code_table(name: str | None, where: str) -> dict[str, str] | None:
    if name is None:
        return None
    table = getattr(code_tables, str(name), None)
    if not isinstance(table, dict):
        raise CatalogError(f"{where}: unknown code table {name!r} (see catalog/code_tables.py)")
    return table


def _read_relation(resource: str, name: str, entry: dict[str, Any], where: str) -> CatalogRelation:
    """`target` and `join: {parent_field: target_field}`, or a `switch` field with `cases` of them and the `union`
    they form; `many` for a list, with the `fan_out` the cost estimate assumes and the `max_per_parent` rows a
    parent may have."""
    refuse_unknown_keys(entry, RELATION_KEYS, where)
    share = _share_class(entry, where)
    if share is not ShareClass.UNCONDITIONAL:
        raise CatalogError(f"{where}: relations are UNCONDITIONAL; govern the target's fields instead")
    switch = entry.get("switch")
    if switch is None:
        if "cases" in entry or "union" in entry:
            raise CatalogError(f"{where}: 'cases' and 'union' go with a 'switch'")
        joins: dict[str | None, Join] = {None: _join(entry, where)}
        union = None
    else:
        if "target" in entry or "join" in entry:
            raise CatalogError(f"{where}: with a 'switch', each of the 'cases' names its target and join")
        cases = mapping(entry.get("cases"), f"{where}: cases")
        if not cases:
            raise CatalogError(f"{where}: a 'switch' needs 'cases'")
        joins = {}
        for value, case in cases.items():
            case_where = f"{where}: cases.{value}"
            refuse_unknown_keys(mapping(case, case_where), CASE_KEYS, case_where)
            joins[str(value)] = _join(case, case_where)
        union = required(entry, "union", where)
        if not NAME.fullmatch(str(union)):
            raise CatalogError(f"{where}: union {union!r} is not a GraphQL type name")
    many = entry.get("many", False)
    fan_out = entry.get("fan_out", DEFAULT_FAN_OUT)
    if not isinstance(many, bool):
        raise CatalogError(f"{where}: many must be true or false")
    if not _whole(fan_out):
        raise CatalogError(f"{where}: fan_out must be a whole number of at least 1")
    if many:
        max_per_parent = required(entry, "max_per_parent", where)
        if not _whole(max_per_parent) or max_per_parent < fan_out:
            raise CatalogError(f"{where}: max_per_parent must be a whole number, at least fan_out ({fan_out})")
    elif "max_per_parent" in entry:
        raise CatalogError(f"{where}: max_per_parent goes with many: true (a single relation has one row)")
    else:
        max_per_parent = 1
    return CatalogRelation(resource=resource, name=name, share=share, description=str(entry.get("description", "")),
                           many=many, switch=switch, joins=joins, union=union, fan_out=fan_out,
                           max_per_parent=max_per_parent)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _join(entry: dict[str, Any], where: str) -> Join:
    join = mapping(entry.get("join"), f"{where}: join")
    if len(join) != 1:
        raise CatalogError(f"{where}: join is one 'parent_field: target_field' pair")
    [(parent_field, target_field)] = join.items()
    return Join(str(required(entry, "target", where)), str(parent_field), str(target_field))


def _read_root(resource: str, name: str, entry: dict[str, Any], key: str, where: str) -> CatalogRoot:
    refuse_unknown_keys(entry, ROOT_KEYS, where)
    if not NAME.fullmatch(name):
        raise CatalogError(f"{where}: {name!r} is not a GraphQL field name")
    many = entry.get("many", False)
    if not isinstance(many, bool):
        raise CatalogError(f"{where}: many must be true or false")
    return CatalogRoot(name=name, resource=resource, argument=required(entry, "argument", where),
                       by=entry.get("by", key), many=many, description=str(entry.get("description", "")))


def _check_relations(resources: dict[str, Resource]) -> None:
    unions: dict[str, tuple[str, ...]] = {}
    for resource in resources.values():
        for relation in resource.relations.values():
            where = f"{resource.file}: {relation.qualified_name}"
            if relation.switch is not None and relation.switch not in resource.fields:
                raise CatalogError(f"{where}: switch {relation.switch!r} is not a field of {resource.name}")
            for join in relation.joins.values():
                target = resources.get(join.target)
                if target is None:
                    raise CatalogError(f"{where}: unknown target {join.target!r}")
                if join.parent_field not in resource.fields:
                    raise CatalogError(f"{where}: join field {join.parent_field!r} is not a field of {resource.name}")
                if join.target_field not in target.fields:
                    raise CatalogError(f"{where}: join field {join.target_field!r} is not a field of {target.name}")
            if relation.union is not None:
                if relation.union in resources:
                    raise CatalogError(f"{where}: union {relation.union!r} is also a resource's name")
                if unions.setdefault(relation.union, relation.targets) != relation.targets:
                    raise CatalogError(f"{where}: union {relation.union!r} is declared with other members elsewhere")


def _check_roots(resources: dict[str, Resource]) -> None:
    seen: dict[str, str] = {}
    for resource in resources.values():
        for root in resource.roots.values():
            where = f"{resource.file}: roots.{root.name}"
            if root.name in seen:
                raise CatalogError(f"{where}: root field {root.name!r} is already declared in {seen[root.name]}")
            seen[root.name] = resource.file
            if root.by not in resource.fields:
                raise CatalogError(f"{where}: by {root.by!r} is not a field of {resource.name}")


def _share_class(entry: dict[str, Any], where: str) -> ShareClass:
    value = required(entry, "share", where)
    try:
        return ShareClass(value)
    except ValueError:
        raise CatalogError(f"{where}: share {value!r} is not one of {[c.value for c in ShareClass]}") from None


def _check_department(code: str, departments: Collection[str], where: str) -> None:
    if code not in departments:
        raise CatalogError(f"{where}: unknown department {code!r}")
