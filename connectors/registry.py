"""One connector per department source, configured by URL (README "Configuration")."""
from __future__ import annotations

from catalog import Catalog
from connectors.base import Connector
from connectors.http import HttpBatchConnector
from connectors.sql import SqlConnector
from settings import Settings


def build_connectors(settings: Settings, catalog: Catalog) -> dict[str, Connector]:
    by_source = {resource.connector: resource for resource in catalog.resources.values()}
    population, entity, licence = by_source["population"], by_source["entity"], by_source["licence"]
    return {
        "population": SqlConnector.from_url(population, settings.population_url, population.provider,
                                            settings.population_timeout, settings.department_pool_size),
        "entity": SqlConnector.from_url(entity, settings.entity_url, entity.provider, settings.entity_timeout,
                                        settings.department_pool_size),
        "licence": HttpBatchConnector(licence, settings.licence_url, licence.provider, settings.licence_timeout),
    }
