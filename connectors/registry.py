"""One connector per department source, configured by URL (README "Configuration"), each made resilient."""
from __future__ import annotations

from catalog import Catalog
from connectors.base import Connector
from connectors.breaker import CircuitBreaker
from connectors.http import HttpBatchConnector
from connectors.resilience import ResilientConnector
from connectors.sql import SqlConnector
from settings import Settings


def _resilient(source: Connector, timeout: float, settings: Settings) -> ResilientConnector:
    breaker = CircuitBreaker(settings.department_breaker_threshold, settings.department_breaker_recovery)
    return ResilientConnector(source, breaker, budget=timeout, retry_attempts=settings.department_retry_attempts,
                              retry_wait=settings.department_retry_wait)


def build_connectors(settings: Settings, catalog: Catalog) -> dict[str, ResilientConnector]:
    by_source = {resource.connector: resource for resource in catalog.resources.values()}
    population, entity, licence = by_source["population"], by_source["entity"], by_source["licence"]
    pool = (settings.department_pool_size, settings.department_pool_overflow, settings.department_pool_timeout)
    return {
        "population": _resilient(SqlConnector.from_url(population, settings.population_url, population.provider,
                                                       settings.population_timeout, *pool),
                                 settings.population_timeout, settings),
        "entity": _resilient(SqlConnector.from_url(entity, settings.entity_url, entity.provider,
                                                   settings.entity_timeout, *pool),
                             settings.entity_timeout, settings),
        "licence": _resilient(HttpBatchConnector(licence, settings.licence_url, licence.provider,
                                                 settings.licence_timeout, *pool),
                              settings.licence_timeout, settings),
    }
