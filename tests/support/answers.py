"""What every answer must be, whatever was asked: no 5xx, JSON, coded errors, nothing internal."""
from __future__ import annotations

import builtins
import re
from collections.abc import Iterator
from typing import Any

import httpx

from gateway.errors import ErrorCode

ERROR_CODES = frozenset(code.value for code in ErrorCode)

# Text that only an internal detail would put in an answer: tracebacks, SQL, drivers, source paths, reprs.
LEAK_MARKERS = ("Traceback", 'File "', "SELECT ", "FROM population", "FROM entity", "FROM licence", "sqlalchemy",
                "asyncpg", "asyncmy", "aiosqlite", "pymysql", "redis.exceptions", "/work/", '.py"', ".py:",
                "site-packages", " object at 0x", "NoneType", "<coroutine")
LIBRARY_EXCEPTIONS = {"GraphQLError", "GraphQLSyntaxError", "SQLAlchemyError", "DBAPIError", "OperationalError",
                      "InterfaceError", "ProgrammingError", "InternalError", "IntegrityError", "ConnectError",
                      "ConnectTimeout", "ReadTimeout", "RemoteProtocolError", "HTTPError", "HTTPStatusError",
                      "RedisError", "CancelledError", "JSONDecodeError", "ValidationError", "PyJWTError",
                      "DecodeError", "InvalidTokenError", "SourceUnavailable", "RequestRefused", "PolicyError"}
EXCEPTION_NAMES = LIBRARY_EXCEPTIONS | {name for name, value in vars(builtins).items()
                                        if isinstance(value, type) and issubclass(value, BaseException)}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
INTERNAL_EXTENSIONS = ("exception", "stacktrace", "traceback")


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included, as decoded (no JSON escapes)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def leaks(answer: Any, sent: str) -> list[str]:
    """Internal details in the answer's strings; anything the caller sent itself (echoed back) does not count."""
    text = "\n".join(strings(answer))
    found = [marker for marker in LEAK_MARKERS if marker in text and marker not in sent]
    sent_words = set(WORD.findall(sent))
    found += sorted({word for word in WORD.findall(text) if word in EXCEPTION_NAMES and word not in sent_words})
    return found


def check_answer(response: httpx.Response, sent: str = "", allowed_statuses: frozenset[int] = frozenset()) -> Any:
    """Asserts the rules every answer keeps and returns its JSON body.

    `sent` is everything the request carried (document, variables, headers), so an echo of it is no leak.
    `allowed_statuses` names any 5xx a test expects (none by default).
    """
    assert response.status_code < 500 or response.status_code in allowed_statuses, \
        f"HTTP {response.status_code}: {response.text[:500]}"
    answer = response.json()
    assert isinstance(answer, dict), answer
    assert "errors" in answer or "data" in answer, answer
    if response.status_code != 200:
        assert answer.get("errors"), f"HTTP {response.status_code} without errors: {answer}"
    for problem in answer.get("errors") or []:
        assert isinstance(problem.get("message"), str), problem
        extensions = problem.get("extensions") or {}
        assert extensions.get("code") in ERROR_CODES, problem
        assert not any(key in extensions for key in INTERNAL_EXTENSIONS), problem
    leaked = leaks(answer, sent)
    assert not leaked, f"internal details {leaked} in {response.text[:1000]}"
    return answer
