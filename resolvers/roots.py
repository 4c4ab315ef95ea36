"""Root fields, as the catalog declares them: load the rows, then prefetch the selected relations level by level.

Arguments were validated before execution (by the HTTP face); here they are only put in canonical form.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from strawberry.types import Info

from catalog import Catalog
from catalog.formats import FORMATS
from catalog.model import CatalogRoot
from connectors.base import FetchFailed


def canonical_key(catalog: Catalog, root: CatalogRoot) -> Callable[[str], str]:
    """The root's keys in the form its department holds them (and its loader is asked)."""
    value_format = catalog.resource(root.resource).fields[root.by].format
    return FORMATS.get(value_format or "") or str


async def load_root(context: Any, name: str, key: str | list[str]) -> Any:
    """The root field's row (or rows, in the order asked) with their relations attached.

    A read that fails (a department down, too many rows or subjects) gives, for a list, one error per item so
    other root fields keep their data; for a single key, the error itself is raised.
    """
    catalog: Catalog = context.catalog
    root = catalog.roots[name]
    canonical = canonical_key(catalog, root)
    loader = context.loaders.one(root.resource, root.by)
    if root.many:
        try:
            rows = await loader.load_many([canonical(item) for item in key])
        except FetchFailed as exc:
            return [exc] * len(key)
    else:
        rows = [await loader.load(canonical(key))]  # type: ignore[arg-type]
    await context.prefetcher.prefetch(rows, (name,))
    return rows if root.many else rows[0]


def root_resolver(root: CatalogRoot) -> Callable[..., Coroutine[Any, Any, Any]]:
    """A resolver taking the root's one key argument by name, as strawberry reads it from the signature."""
    async def resolve(info: Info, **arguments: Any) -> Any:
        return await load_root(info.context, root.name, arguments[root.argument])

    keyword = inspect.Parameter.KEYWORD_ONLY
    resolve.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("info", keyword, annotation=Info),
        inspect.Parameter(root.argument, keyword, annotation=list[str] if root.many else str),
    ])
    resolve.__name__ = root.name
    return resolve
