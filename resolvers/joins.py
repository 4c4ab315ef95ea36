"""Relation fields: each asks a dataloader with the parent's raw join key and returns its future.

They are plain (not async) functions so that graphql-core awaits one future per parent and
the loader gathers every parent's key into one batch.
"""
from __future__ import annotations

from typing import Any

from strawberry.types import Info

from connectors.base import Row
from resolvers.rows import raw_key

CITIZEN_ID_HOLDER = "111"
USCC_HOLDER = "001"

_PERSON_KEY = raw_key("idNumber")
_ENTITY_KEY = raw_key("uscc")
_REPRESENTATIVE_KEY = raw_key("legalRepresentativeIdNumber")
_HOLDER_CODE = raw_key("holderCode")
_HOLDER_TYPE = raw_key("holderCodeType")


def person_licences(root: Row, info: Info) -> Any:
    if "Person.licences" in info.context.denied_relations:
        return None
    return info.context.loaders.licences_by_holder.load(root[_PERSON_KEY])


def person_represented_entities(root: Row, info: Info) -> Any:
    if "Person.representedEntities" in info.context.denied_relations:
        return None
    return info.context.loaders.entities_by_representative.load(root[_PERSON_KEY])


def entity_legal_representative(root: Row, info: Info) -> Any:
    key = root[_REPRESENTATIVE_KEY]
    if key is None or "LegalEntity.legalRepresentative" in info.context.denied_relations:
        return None
    return info.context.loaders.person_by_id.load(key)


def entity_licences(root: Row, info: Info) -> Any:
    if "LegalEntity.licences" in info.context.denied_relations:
        return None
    return info.context.loaders.licences_by_holder.load(root[_ENTITY_KEY])


def licence_holder(root: Row, info: Info) -> Any:
    code, code_type = root[_HOLDER_CODE], root[_HOLDER_TYPE]
    if code is None or "Licence.holder" in info.context.denied_relations:
        return None
    if code_type == CITIZEN_ID_HOLDER:
        return info.context.loaders.person_by_id.load(code)
    if code_type == USCC_HOLDER:
        return info.context.loaders.entity_by_uscc.load(code)
    return None
