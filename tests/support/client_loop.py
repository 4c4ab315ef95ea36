"""A client that keeps asking a gateway from background threads while a test breaks things underneath."""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Self

import httpx

from tests.support.answers import check_answer, strings

REQUEST_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Request:
    kind: str
    query: str
    variables: dict[str, Any]
    headers: dict[str, str]


@dataclass(frozen=True)
class Answer:
    kind: str
    sent_at: float  # time.monotonic()
    seconds: float
    status: int
    body: dict[str, Any]

    @property
    def codes(self) -> set[str]:
        return {problem["extensions"]["code"] for problem in self.body.get("errors") or []}


@dataclass
class ClientLoop:
    """Sends `requests` round-robin from `threads` threads until stopped or `max_requests` were sent.

    Every answer is checked (no 5xx, coded errors, nothing internal); what breaks a rule, and any
    transport error, lands in `failures`, which a test asserts empty at the end.
    """

    url: str
    requests: list[Request]
    threads: int = 2
    max_requests: int = 20_000
    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._budget = itertools.count()
        self._workers = [threading.Thread(target=self._run, args=(offset,), daemon=True)
                         for offset in range(self.threads)]

    def __enter__(self) -> Self:
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopping.set()
        for worker in self._workers:
            worker.join(REQUEST_TIMEOUT_S + 5)

    def since(self, moment: float) -> list[Answer]:
        """The answers to requests sent at or after `moment` (time.monotonic())."""
        with self._lock:
            return [answer for answer in self.answers if answer.sent_at >= moment]

    def wait_for(self, count: int, after: float, timeout: float) -> list[Answer]:
        """Waits until `count` answers to requests sent after `after` are in; returns them."""
        deadline = time.monotonic() + timeout
        while len(found := self.since(after)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return found

    def _run(self, offset: int) -> None:
        with httpx.Client(base_url=self.url, timeout=REQUEST_TIMEOUT_S) as client:
            for request in itertools.islice(itertools.cycle(self.requests), offset, None, self.threads):
                if self._stopping.is_set() or next(self._budget) >= self.max_requests:
                    return
                self._ask(client, request)

    def _ask(self, client: httpx.Client, request: Request) -> None:
        sent_at = time.monotonic()
        try:
            response = client.post("/graphql", json={"query": request.query, "variables": request.variables},
                                   headers=request.headers)
            body = check_answer(response, "\n".join(strings(request.variables)))
        except (AssertionError, httpx.HTTPError, ValueError) as exc:
            with self._lock:
                self.failures.append(f"{request.kind}: {type(exc).__name__}: {str(exc)[:500]}")
            return
        with self._lock:
            self.answers.append(Answer(request.kind, sent_at, time.monotonic() - sent_at, response.status_code, body))
