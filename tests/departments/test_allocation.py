"""Spreading licences over holders' histories."""

import random

from departments.synthetic.allocation import spread


def test_counts_stay_within_capacity_and_add_up_to_the_total():
    capacities = [1, 3, 2, 5, 1]
    counts = spread(random.Random(1), capacities, 9)
    assert sum(counts) == 9
    assert all(0 <= count <= capacity for count, capacity in zip(counts, capacities, strict=True))


def test_minimum_counts_are_kept():
    counts = spread(random.Random(1), [4, 4, 4], 5, minimum=[1, 1, 1])
    assert sum(counts) == 5 and min(counts) >= 1


def test_short_capacity_fills_every_slot():
    assert spread(random.Random(1), [1, 2], 10) == [1, 2]


def test_counts_are_spread_evenly_before_any_slot_gets_more():
    counts = spread(random.Random(1), [3] * 10, 10)
    assert counts == [1] * 10
