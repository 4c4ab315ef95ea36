"""The measured calls, and a check that each answers what it asks before it is timed."""
from __future__ import annotations

import itertools
from collections.abc import Callable

from benchmarks.client import BadAnswer, GraphQLClient
from benchmarks.queries import person_body, persons_body

Call = Callable[[], bytes]


def person_lookups(client: GraphQLClient, id_numbers: list[str]) -> Call:
    """Each call looks up the next person of `id_numbers`, round robin."""
    check_person(client, id_numbers[0])
    bodies = itertools.cycle([person_body(id_number) for id_number in id_numbers])
    return lambda: client.post(next(bodies))


def persons_lookup(client: GraphQLClient, id_numbers: list[str]) -> Call:
    """Each call asks persons(idNumbers) for all of `id_numbers`."""
    body = persons_body(id_numbers)
    check_persons(client, body, len(id_numbers))
    return lambda: client.post(body)


def check_person(client: GraphQLClient, id_number: str) -> None:
    person = client.data(person_body(id_number))["person"]
    if person is None or person["name"] is None:
        raise BadAnswer(f"person {id_number} came back empty: {person}")


def check_persons(client: GraphQLClient, body: bytes, expected: int) -> None:
    persons = client.data(body)["persons"]
    if len(persons) != expected or any(person is None for person in persons):
        raise BadAnswer(f"persons: expected {expected} persons, got {len(persons)} (or some null)")
    if expected >= 100 and not any(person["licences"] for person in persons):
        raise BadAnswer("persons: no licence came back for any person")
