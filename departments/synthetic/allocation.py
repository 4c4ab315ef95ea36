"""Spreading a required number of records over slots of limited capacity."""

import random


def spread(rng: random.Random, capacities: list[int], total: int, minimum: list[int] | None = None) -> list[int]:
    """Counts per slot within [minimum, capacity] adding up to `total`, or to all capacity if less.

    Slots are topped up one at a time in random rounds, so counts stay as even as capacities allow.
    """
    counts = list(minimum) if minimum is not None else [0] * len(capacities)
    remaining = total - sum(counts)
    open_slots = [slot for slot, capacity in enumerate(capacities) if counts[slot] < capacity]
    while remaining > 0 and open_slots:
        rng.shuffle(open_slots)
        for slot in open_slots[:remaining]:
            counts[slot] += 1
        remaining -= min(remaining, len(open_slots))
        open_slots = [slot for slot in open_slots if counts[slot] < capacities[slot]]
    return counts
