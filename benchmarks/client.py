"""A keep-alive GraphQL client for sequential measurements; it checks answers only outside the timing."""
from __future__ import annotations

from typing import Any

import httpx
import orjson

REQUEST_TIMEOUT_S = 30.0


class BadAnswer(RuntimeError):
    """The gateway answered with an error status or GraphQL errors."""


class GraphQLClient:
    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self._client = httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S,
                                    headers={"content-type": "application/json", **headers})

    def post(self, body: bytes) -> bytes:
        """The raw answer; raises BadAnswer on any status but 200."""
        response = self._client.post("/graphql", content=body)
        if response.status_code != 200:
            raise BadAnswer(f"HTTP {response.status_code}: {response.text[:300]}")
        return response.content

    def data(self, body: bytes) -> dict[str, Any]:
        """The answer's data; raises BadAnswer when it carries errors."""
        answer = orjson.loads(self.post(body))
        if answer.get("errors"):
            raise BadAnswer(f"GraphQL errors: {answer['errors'][:2]}")
        return answer["data"]

    def close(self) -> None:
        self._client.close()
