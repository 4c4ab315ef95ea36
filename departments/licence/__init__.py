"""Electronic-licence registry (电子证照库) and its query service."""
