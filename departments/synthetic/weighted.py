"""Weighted random choice with the cumulative weights computed once."""

import itertools
import random
from collections.abc import Mapping
from typing import Generic, TypeVar

Option = TypeVar("Option")


class WeightedChoice(Generic[Option]):
    def __init__(self, weights: Mapping[Option, float]) -> None:
        self._options = list(weights)
        self._cumulative = list(itertools.accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> Option:
        return rng.choices(self._options, cum_weights=self._cumulative)[0]
