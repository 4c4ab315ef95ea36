"""One connector per catalog source, configured by URL (README "Configuration"), each made resilient.

A URL starting with http:// or https:// is a department's HTTP batch API (the catalog gives its path), called with
the gateway's service token for the source's name (README "Department authentication"); any other is an SQLAlchemy
URL of the department's database (the catalog gives its table).
"""
from __future__ import annotations

import logging
import ssl
from urllib.parse import urlsplit

from catalog import Catalog, Resource
from connectors.base import Connector
from connectors.breaker import CircuitBreaker
from connectors.http import HttpBatchConnector
from connectors.resilience import ResilientConnector
from connectors.service_tokens import ServiceTokens
from connectors.signing_key import signing_key
from connectors.sql import SqlConnector
from settings import Settings

log = logging.getLogger(__name__)
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class SourceNotConfigured(Exception):
    """The catalog names a source no setting gives a URL for."""


def _resilient(source: Connector, timeout: float, settings: Settings) -> ResilientConnector:
    breaker = CircuitBreaker(settings.department_breaker_threshold, settings.department_breaker_recovery)
    return ResilientConnector(source, breaker, budget=timeout, retry_attempts=settings.department_retry_attempts,
                              retry_wait=settings.department_retry_wait)


def _http_connector(resource: Resource, url: str, timeout: float, settings: Settings) -> HttpBatchConnector:
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        log.warning("source %s is reached over plain HTTP (%s): its answers and the gateway's service tokens "
                    "cross the network in clear; use https://", resource.connector, url)
    tokens = ServiceTokens(signing_key(settings), settings.department_token_issuer, audience=resource.connector)
    verify = ssl.create_default_context(cafile=settings.department_ca_bundle) if settings.department_ca_bundle \
        else True
    return HttpBatchConnector(resource, url, resource.provider, timeout, tokens, settings.department_pool_size,
                              settings.department_pool_overflow, settings.department_pool_timeout, verify=verify)


def _connector(resource: Resource, url: str, timeout: float, settings: Settings) -> Connector:
    if url.startswith(("http://", "https://")):
        return _http_connector(resource, url, timeout, settings)
    return SqlConnector.from_url(resource, url, resource.provider, timeout, settings.department_pool_size,
                                 settings.department_pool_overflow, settings.department_pool_timeout)


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
