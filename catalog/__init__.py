from catalog.errors import CatalogError
from catalog.loader import load_catalog
from catalog.model import Catalog, CatalogField, CatalogRelation, Resource, ShareClass

__all__ = ["Catalog", "CatalogError", "CatalogField", "CatalogRelation", "Resource", "ShareClass", "load_catalog"]
