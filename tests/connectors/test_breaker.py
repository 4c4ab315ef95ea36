"""The circuit breaker's states, on a clock the test moves."""
from __future__ import annotations

import pytest

from connectors.breaker import CircuitBreaker, CircuitOpen


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Boom(Exception):
    pass


def every_exception(exc: BaseException) -> bool:
    return isinstance(exc, Boom)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker(threshold=3, recovery=10.0, clock=clock)


def fail(breaker: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(Boom), breaker.guard(every_exception):
            raise Boom


def succeed(breaker: CircuitBreaker) -> None:
    with breaker.guard(every_exception):
        pass


def refused(breaker: CircuitBreaker) -> bool:
    """Whether the breaker refused the call (the call's body never ran)."""
    try:
        with breaker.guard(every_exception):
            return False
    except CircuitOpen:
        return True


def test_opens_after_threshold_consecutive_failures(breaker: CircuitBreaker) -> None:
    fail(breaker, 2)
    succeed(breaker)
    fail(breaker, 2)
    assert (breaker.state, breaker.failures) == ("closed", 2)
    fail(breaker)
    assert (breaker.state, breaker.failures) == ("open", 3)


def test_an_open_breaker_refuses_without_running_the_call(breaker: CircuitBreaker, clock: Clock) -> None:
    fail(breaker, 3)
    clock.now += 9.9
    assert refused(breaker)
    assert breaker.state == "open"


def test_after_recovery_one_probe_goes_through_and_its_success_closes(breaker: CircuitBreaker,
                                                                       clock: Clock) -> None:
    fail(breaker, 3)
    clock.now += 10
    assert breaker.state == "half-open"
    with breaker.guard(every_exception):
        assert refused(breaker), "a second call while the probe is out"
    assert (breaker.state, breaker.failures) == ("closed", 0)
    succeed(breaker)


def test_a_failed_probe_opens_for_another_recovery_time(breaker: CircuitBreaker, clock: Clock) -> None:
    fail(breaker, 3)
    clock.now += 10
    fail(breaker)
    assert (breaker.state, breaker.failures) == ("open", 4)
    clock.now += 9.9
    assert refused(breaker)
    clock.now += 0.1
    assert breaker.state == "half-open"


def test_what_is_not_a_failure_never_opens_it(breaker: CircuitBreaker) -> None:
    for _ in range(5):
        with pytest.raises(ValueError), breaker.guard(every_exception):
            raise ValueError("the caller's input")
    assert (breaker.state, breaker.failures) == ("closed", 0)


def test_a_probe_ending_in_no_verdict_lets_the_next_call_probe(breaker: CircuitBreaker, clock: Clock) -> None:
    fail(breaker, 3)
    clock.now += 10
    with pytest.raises(ValueError), breaker.guard(every_exception):
        raise ValueError("cancelled")
    assert breaker.state == "half-open"
    succeed(breaker)
    assert breaker.state == "closed"


def test_a_late_success_from_before_it_opened_does_not_close_it(breaker: CircuitBreaker) -> None:
    with breaker.guard(every_exception):
        fail(breaker, 3)
    assert breaker.state == "open"
