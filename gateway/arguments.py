"""Key arguments checked before any department is asked: check digits, lengths, list sizes.

Which arguments are keys, and of which format, is the catalog's: each root field's argument, in the format
of the field it looks up."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import GraphQLError, GraphQLSchema
from graphql.execution.values import VariableValues, get_argument_values

from catalog import Catalog
from catalog.formats import FORMATS, InvalidIdentifier, Normalizer
from gateway.errors import ErrorCode, error
from gateway.selection import SelectedField

KeyArguments = Mapping[tuple[str, str], Normalizer]


def key_arguments(catalog: Catalog) -> KeyArguments:
    """(root field, argument) -> how its keys are checked, for every root whose key has a checked format."""
    found = {}
    for root in catalog.roots.values():
        normalize = FORMATS.get(catalog.resource(root.resource).fields[root.by].format or "")
        if normalize is not None:
            found[(root.name, root.argument)] = normalize
    return found


def check_key_arguments(schema: GraphQLSchema, keys: KeyArguments, roots: Sequence[SelectedField],
                        variables: VariableValues, max_keys: int, asked: set[str]) -> list[dict[str, Any]]:
    """One BAD_USER_INPUT (or TOO_MANY_KEYS) error per bad argument value; empty when every key is well formed.

    The normalised keys asked for are added to `asked` (the access record lists them as subjects).
    """
    query_type = schema.query_type
    assert query_type is not None  # the gateway's schema always has its Query type
    problems: list[dict[str, Any]] = []
    for field in roots:
        field_def = query_type.fields[field.name]
        try:
            arguments = get_argument_values(field_def, field.node, variables)
        except GraphQLError as exc:
            problems.append(error(exc.message, ErrorCode.BAD_USER_INPUT, list(field.path)))
            continue
        for argument, value in arguments.items():
            normalize = keys.get((field.name, argument))
            if normalize is not None:
                problems.extend(_check(field, argument, value, normalize, max_keys, asked))
    return problems


def _check(field: SelectedField, argument: str, value: Any, normalize: Normalizer, max_keys: int,
           asked: set[str]) -> list[dict[str, Any]]:
    path = list(field.path)
    if isinstance(value, list):
        if len(value) > max_keys:
            return [error(f"argument '{argument}' has {len(value)} keys; at most {max_keys} are allowed",
                          ErrorCode.TOO_MANY_KEYS, path, argument=argument, keys=len(value), limit=max_keys)]
        problems = []
        for index, item in enumerate(value):
            reason = _problem(normalize, item, asked)
            if reason is not None:
                problems.append(error(f"argument '{argument}'[{index}] {item!r}: {reason}", ErrorCode.BAD_USER_INPUT,
                                      path, argument=argument, index=index, reason=reason))
        return problems
    reason = _problem(normalize, value, asked)
    if reason is None:
        return []
    return [error(f"argument '{argument}' {value!r}: {reason}", ErrorCode.BAD_USER_INPUT, path,
                  argument=argument, reason=reason)]


def _problem(normalize: Normalizer, value: str, asked: set[str]) -> str | None:
    try:
        asked.add(normalize(value))
    except InvalidIdentifier as exc:
        return exc.reason
    return None
