"""The demo catalog and policy, loaded once for the policy tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from catalog import Catalog, load_catalog
from policy.registry import load_departments
from policy.store import Policy, load_policy

POLICY_DIR = Path(__file__).parents[2] / "policy"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(load_departments(POLICY_DIR / "departments.csv"))


@pytest.fixture(scope="session")
def policy(catalog: Catalog) -> Policy:
    return load_policy(POLICY_DIR, catalog)
