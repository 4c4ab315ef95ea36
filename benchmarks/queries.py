"""The benchmark's GraphQL documents and the caller that asks them.

civil-affairs asking for social-assistance-review sees the person fields below in clear (phone
would be masked) and every licence field masked: the policy's busiest path, masking included.
"""
from __future__ import annotations

from typing import Any

import orjson

from access.identity.minting import mint_token

DEPARTMENT = "civil-affairs"
PURPOSE = "social-assistance-review"
TOKEN_TTL_S = 3600

PERSON_QUERY = """query Person($id: String!) {
  person(idNumber: $id) { idNumber name gender birthDate address currentAddress maritalStatus status }
}"""

PERSONS_QUERY = """query Persons($ids: [String!]!) {
  persons(idNumbers: $ids) {
    idNumber name gender birthDate address status
    licences { licenceId typeName holderName status }
    representedEntities { uscc name status }
  }
}"""


def governed_headers(jwt_secret: str) -> dict[str, str]:
    token = mint_token(jwt_secret, "benchmark", DEPARTMENT, ttl_seconds=TOKEN_TTL_S)
    return {"authorization": f"Bearer {token}", "x-purpose": PURPOSE}


def request_body(query: str, variables: dict[str, Any]) -> bytes:
    return orjson.dumps({"query": query, "variables": variables})


def person_body(id_number: str) -> bytes:
    return request_body(PERSON_QUERY, {"id": id_number})


def persons_body(id_numbers: list[str]) -> bytes:
    return request_body(PERSONS_QUERY, {"ids": id_numbers})
