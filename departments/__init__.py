"""The three department registries (population, legal entity, electronic licence) and their synthetic data."""
