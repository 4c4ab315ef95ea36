"""The load test's mix of queries: each kind with its caller, its weight in the mix and the answer it expects.

A kind that expects an error (a denied field in lenient mode, a malformed ID) counts that error as
expected; any other status or error code is unexpected.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from access.identity.minting import mint_token
from benchmarks.queries import PERSON_QUERY, PERSONS_QUERY, request_body

TOKEN_TTL_S = 3600
JOINED_PERSONS = 100
ENTITIES_PER_REQUEST = 10
MALFORMED_ID = "110105194912310021"  # right length and characters, wrong check digit

ENTITIES_QUERY = """query Entities($u: [String!]!) {
  legalEntities(usccs: $u) { uscc name entityType status registeredCapital legalRepresentative { name idNumber } }
}"""
LICENCE_QUERY = """query Licence($l: String!) {
  licence(licenceId: $l) {
    licenceId typeName number holderName status
    holder { ... on Person { name } ... on LegalEntity { name } }
  }
}"""
MASKED_QUERY = "query Masked($id: String!) { person(idNumber: $id) { name phone } }"
DENIED_QUERY = "query Denied($id: String!) { person(idNumber: $id) { name religion } }"


@dataclass(frozen=True)
class Keys:
    """Keys the departments hold, drawn from at random for each request."""

    id_numbers: list[str]
    usccs: list[str]
    licence_ids: list[str]


@dataclass(frozen=True)
class Kind:
    name: str
    weight: int
    caller: tuple[str, str]  # department, purpose
    body: Callable[[random.Random, Keys], bytes]
    status: int = 200
    codes: frozenset[str] = frozenset()  # the error codes the answer is expected to carry, exactly

    def expected(self, status: int, answer: dict[str, Any]) -> bool:
        codes = {(problem.get("extensions") or {}).get("code") for problem in answer.get("errors") or []}
        return status == self.status and codes == self.codes


KINDS = (
    Kind("person", 35, ("civil-affairs", "social-assistance-review"),
         lambda rng, keys: request_body(PERSON_QUERY, {"id": rng.choice(keys.id_numbers)})),
    Kind(f"persons x{JOINED_PERSONS} joined", 10, ("civil-affairs", "social-assistance-review"),
         lambda rng, keys: request_body(PERSONS_QUERY, {"ids": rng.sample(keys.id_numbers, JOINED_PERSONS)})),
    Kind(f"entities x{ENTITIES_PER_REQUEST}", 15, ("market-regulation", "business-registration-approval"),
         lambda rng, keys: request_body(ENTITIES_QUERY, {"u": rng.sample(keys.usccs, ENTITIES_PER_REQUEST)})),
    Kind("licence + holder", 15, ("approval-bureau", "licence-approval"),
         lambda rng, keys: request_body(LICENCE_QUERY, {"l": rng.choice(keys.licence_ids)})),
    Kind("masked field", 10, ("civil-affairs", "social-assistance-review"),
         lambda rng, keys: request_body(MASKED_QUERY, {"id": rng.choice(keys.id_numbers)})),
    Kind("denied (lenient)", 10, ("civil-affairs", "social-assistance-review"),
         lambda rng, keys: request_body(DENIED_QUERY, {"id": rng.choice(keys.id_numbers)}),
         codes=frozenset({"FORBIDDEN_FIELD"})),
    Kind("malformed ID", 5, ("civil-affairs", "social-assistance-review"),
         lambda rng, keys: request_body(PERSON_QUERY, {"id": MALFORMED_ID}),
         status=400, codes=frozenset({"BAD_USER_INPUT"})),
)


def caller_headers(jwt_secret: str) -> dict[tuple[str, str], dict[str, str]]:
    """(department, purpose) -> the headers of that caller, for every caller of the mix."""
    return {(department, purpose): {
        "content-type": "application/json", "x-purpose": purpose,
        "authorization": "Bearer " + mint_token(jwt_secret, "load-test", department, ttl_seconds=TOKEN_TTL_S)}
        for department, purpose in {kind.caller for kind in KINDS}}


def check_kind(kind: Kind, status: int, content: bytes) -> None:
    """Raises ValueError unless `kind` answers as expected and its data is there (before any timing)."""
    answer = orjson.loads(content)
    if not kind.expected(status, answer):
        raise ValueError(f"{kind.name}: HTTP {status}, answer {content[:300]!r}")
    if kind.status == 200 and not any(value for value in (answer.get("data") or {}).values()):
        raise ValueError(f"{kind.name}: no data came back: {content[:300]!r}")
    if kind.name == "masked field" and not answer["extensions"]["access"]["masked"]:
        raise ValueError(f"{kind.name}: nothing was masked: {content[:300]!r}")
