"""The catalog's one error."""


class CatalogError(Exception):
    """The catalog is inconsistent; the message names the file and the entry."""
