"""Reads refused for their size are shaped like any field error: one per field path, with their own code."""
from __future__ import annotations

from graphql import GraphQLError

from connectors.base import PER_FETCH, TooManyRows
from gateway.results import shape_execution_errors
from resolvers.rows import TooManySubjects


def at(path: list[str | int], original: Exception) -> GraphQLError:
    return GraphQLError(str(original), path=path, original_error=original)


def test_too_many_rows_is_one_error_per_field_path() -> None:
    rows = TooManyRows("data-bureau", 5000, PER_FETCH)
    shaped = shape_execution_errors([at(["persons", 0, "licences"], rows), at(["persons", 1, "licences"], rows)], "r")
    assert shaped == [{"message": "the data-bureau department has more than 5000 rows for one fetch of this field; "
                                  "none is served", "path": ["persons", "licences"],
                       "extensions": {"code": "TOO_MANY_ROWS", "department": "data-bureau", "limit": 5000,
                                      "per": "fetch"}}]


def test_too_many_subjects_is_one_error_per_field_path() -> None:
    subjects = TooManySubjects(10_000)
    shaped = shape_execution_errors([at(["a", 0, "representedEntities"], subjects),
                                     at(["a", 3, "representedEntities"], subjects)], "r")
    assert shaped == [{"message": "this field would take the request past 10000 subjects; none is served",
                       "path": ["a", "representedEntities"], "extensions": {"code": "TOO_MANY_SUBJECTS",
                                                                            "limit": 10_000}}]
