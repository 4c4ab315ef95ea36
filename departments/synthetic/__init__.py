"""Coherent synthetic data for the three registries."""

from departments.synthetic.dataset import Dataset, generate_dataset

__all__ = ["Dataset", "generate_dataset"]
