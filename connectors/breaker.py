"""A circuit breaker: stop asking a department that keeps failing, and probe it now and then.

Hand-written rather than purgatory's: purgatory's half-open state lets every request through
until one of them fails (not a single probe), reports "opened" until a request arrives after the
recovery time, and times with the wall clock. This one is a plain in-process state machine.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

State = Literal["closed", "open", "half-open"]


class CircuitOpen(Exception):
    """The breaker refused a call without making it."""


class CircuitBreaker:
    """Opens after `threshold` consecutive failures. `recovery` seconds later it is half-open: the
    next call goes through as the one probe (others are refused meanwhile); the probe's success
    closes the breaker, its failure opens it for another `recovery` seconds."""

    def __init__(self, threshold: int, recovery: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.recovery = recovery
        self.failures = 0
        self._clock = clock
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._probing or self._clock() - self._opened_at >= self.recovery:
            return "half-open"
        return "open"

    @contextmanager
    def guard(self, is_failure: Callable[[BaseException], bool]) -> Iterator[None]:
        """Run the block as one call, or raise CircuitOpen; an exception counts only if `is_failure` says so."""
        probe = self._admit()
        try:
            yield
        except BaseException as exc:
            if is_failure(exc):
                self._failed(probe)
            elif probe:
                self._probing = False
            raise
        self._succeeded(probe)

    def _admit(self) -> bool:
        """Whether the admitted call is the half-open probe."""
        state = self.state
        if state == "closed":
            return False
        if state == "open" or self._probing:
            raise CircuitOpen
        self._probing = True
        return True

    def _failed(self, probe: bool) -> None:
        if self._opened_at is not None and not probe:
            return  # admitted before the breaker opened
        self.failures += 1
        self._probing = False
        if probe or self.failures >= self.threshold:
            self._opened_at = self._clock()

    def _succeeded(self, probe: bool) -> None:
        # A call admitted before the breaker opened says nothing about the department now.
        if probe or self._opened_at is None:
            self.failures = 0
            self._opened_at = None
            self._probing = False
