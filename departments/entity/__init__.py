"""Legal-entity registry (法人单位基础信息库)."""
