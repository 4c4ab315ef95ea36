"""One connector per catalog source, configured by URL (README "Configuration"), each made resilient.

A URL starting with http:// or https:// is a department's HTTP batch API (the catalog gives its path); any
other is an SQLAlchemy URL of the department's database (the catalog gives its table).
"""
from __future__ import annotations

from catalog import Catalog, Resource
from connectors.base import Connector
from connectors.breaker import CircuitBreaker
from connectors.http import HttpBatchConnector
from connectors.resilience import ResilientConnector
from connectors.sql import SqlConnector
from settings import Settings


class SourceNotConfigured(Exception):
    """The catalog names a source no setting gives a URL for."""


def _resilient(source: Connector, timeout: float, settings: Settings) -> ResilientConnector:
    breaker = CircuitBreaker(settings.department_breaker_threshold, settings.department_breaker_recovery)
    return ResilientConnector(source, breaker, budget=timeout, retry_attempts=settings.department_retry_attempts,
                              retry_wait=settings.department_retry_wait)


def _connector(resource: Resource, url: str, timeout: float, settings: Settings) -> Connector:
    pool = (settings.department_pool_size, settings.department_pool_overflow, settings.department_pool_timeout)
    if url.startswith(("http://", "https://")):
        return HttpBatchConnector(resource, url, resource.provider, timeout, *pool)
    return SqlConnector.from_url(resource, url, resource.provider, timeout, *pool)


def build_connectors(settings: Settings, catalog: Catalog) -> dict[str, ResilientConnector]:
    """Connectors by source name, one per resource."""
    urls, timeouts = settings.source_urls, settings.source_timeouts
    connectors = {}
    for resource in catalog.resources.values():
        name = resource.connector
        if name not in urls:
            raise SourceNotConfigured(f"{resource.file}: no URL for source {name!r}; set it in HUITONG_SOURCES")
        timeout = timeouts.get(name, settings.source_timeout)
        connectors[name] = _resilient(_connector(resource, urls[name], timeout, settings), timeout, settings)
    return connectors
