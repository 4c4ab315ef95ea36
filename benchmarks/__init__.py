"""Benchmarks of Huitong against real department servers; `python -m benchmarks.federation`."""
