"""Key arguments checked before any department is asked: how many there are in the whole operation, then check
digits and lengths. An error names the argument, the index and the reason, never the value (it may be a citizen
ID number).

Which arguments are keys, and of which format, is the catalog's: each root field's argument, in the format
of the field it looks up."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from graphql import GraphQLError, GraphQLSchema
from graphql.execution.values import VariableValues, get_argument_values

from catalog import Catalog
from catalog.formats import FORMATS, InvalidIdentifier, Normalizer
from gateway.errors import ErrorCode, RequestRefused, error
from gateway.selection import SelectedField

KeyArguments = Mapping[tuple[str, str], Normalizer | None]  # None: counted, with no format to check


class _Given(NamedTuple):
    field: SelectedField
    argument: str
    values: list[Any]  # a single key as a list of one
    listed: bool  # whether the argument is a list


def key_arguments(catalog: Catalog) -> KeyArguments:
    """(root field, argument) -> how its keys are checked, for every root field of the catalog."""
    return {(root.name, root.argument): FORMATS.get(catalog.resource(root.resource).fields[root.by].format or "")
            for root in catalog.roots.values()}


def check_key_arguments(schema: GraphQLSchema, keys: KeyArguments, roots: Sequence[SelectedField],
                        variables: VariableValues, max_keys: int, asked: set[str]) -> list[tuple[str, int]]:
    """Each root field given keys, by name, with how many (a single key is one), once there are at most
    `max_keys` in all, every alias and root field together, and each is well formed; else RequestRefused with
    TOO_MANY_KEYS, or one BAD_USER_INPUT per bad value.

    The normalised keys asked for are added to `asked` (the access record lists them as subjects).
    """
    given, problems = _given(schema, keys, roots, variables)
    total = sum(len(one.values) for one in given)
    if total > max_keys:
        problems.append(error(f"the operation gives {total} keys to its root fields; at most {max_keys} are allowed",
                              ErrorCode.TOO_MANY_KEYS, keys=total, limit=max_keys))
        raise RequestRefused(400, problems)
    for one in given:
        normalize = keys[(one.field.name, one.argument)]
        if normalize is not None:
            problems.extend(_check(one, normalize, asked))
    if problems:
        raise RequestRefused(400, problems)
    return [(one.field.name, len(one.values)) for one in given]


def _given(schema: GraphQLSchema, keys: KeyArguments, roots: Sequence[SelectedField],
           variables: VariableValues) -> tuple[list[_Given], list[dict[str, Any]]]:
    """Each key argument given, and errors of arguments that do not coerce. A root field selected twice under one
    response key (validation makes their arguments the same) is counted once."""
    query_type = schema.query_type
    assert query_type is not None  # the gateway's schema always has its Query type
    given: list[_Given] = []
    problems: list[dict[str, Any]] = []
    for field in {field.path: field for field in roots}.values():
        try:
            arguments = get_argument_values(query_type.fields[field.name], field.node, variables)
        except GraphQLError as exc:
            problems.append(error(exc.message, ErrorCode.BAD_USER_INPUT, list(field.path)))
            continue
        for argument, value in arguments.items():
            if (field.name, argument) in keys:
                listed = isinstance(value, list)
                given.append(_Given(field, argument, value if listed else [value], listed))
    return given, problems


def _check(given: _Given, normalize: Normalizer, asked: set[str]) -> list[dict[str, Any]]:
    argument = given.argument
    problems = []
    for index, value in enumerate(given.values):
        try:
            asked.add(normalize(value))
        except InvalidIdentifier as exc:
            where, at = (f"'{argument}'[{index}]", {"index": index}) if given.listed else (f"'{argument}'", {})
            problems.append(error(f"argument {where}: {exc.reason}", ErrorCode.BAD_USER_INPUT, list(given.field.path),
                                  argument=argument, reason=exc.reason, **at))
    return problems
