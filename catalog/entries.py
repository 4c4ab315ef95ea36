"""Reading one YAML entry of the catalog: a mapping, its required attributes, nothing unknown."""
from __future__ import annotations

from typing import Any

from catalog.errors import CatalogError


def mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: expected a mapping")
    return value


def refuse_unknown_keys(entry: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise CatalogError(f"{where}: unknown attribute(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def required(entry: dict[str, Any], key: str, where: str) -> Any:
    value = entry.get(key)
    if value in (None, ""):
        raise CatalogError(f"{where}: missing {key!r}")
    return value
