"""CPython 3.11 before 3.11.8 fails an AST built while another thread builds one (SystemError, python/cpython#106905).
A gateway keeps its parser, Casbin, under the engine's lock (access/decisions.py). The suite runs gateways in its own
process beside parsers of its own (pytest's assertion rewriting, hypothesis describing its strategies, strawberry
building each gateway's schema), so here every `ast.parse` takes one lock."""
from __future__ import annotations

import ast
import sys
import threading
from typing import Any

_LOCK = threading.RLock()
_parse = ast.parse


def _one_at_a_time(*args: Any, **kwargs: Any) -> Any:
    with _LOCK:
        return _parse(*args, **kwargs)


def install() -> None:
    if sys.version_info < (3, 11, 8):
        ast.parse = _one_at_a_time
