"""Schema introspection is for application developers with a valid token, never for anonymous callers.

With governance on, every caller is identified before its document is looked at. With governance off
(the overhead benchmark) nobody is, so a document asking for `__schema` or `__type` still needs a
valid token.
"""
from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)
from starlette.datastructures import Headers

from gateway.errors import ErrorCode, RequestRefused
from identity.tokens import Caller, TokenVerifier, Unauthenticated
from policy.store import Policy

SCHEMA_FIELDS = frozenset({"__schema", "__type"})


def asks_for_schema(document: DocumentNode, operation: OperationDefinitionNode) -> bool:
    """Whether the operation selects `__schema` or `__type`, which exist only on the root type."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    pending, seen = [operation.selection_set], set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode) and selection.name.value in SCHEMA_FIELDS:
                return True
            if isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                pending.append(fragments[selection.name.value].selection_set)
    return False


def introspecting_caller(headers: Headers, verifier: TokenVerifier, policy: Policy, document: DocumentNode,
                         operation: OperationDefinitionNode) -> Caller | None:
    """The caller whose valid token allows introspection; None if the operation does not introspect."""
    if not asks_for_schema(document, operation):
        return None
    try:
        return verifier.verify(headers.get("authorization"), policy.departments)
    except Unauthenticated as exc:
        raise RequestRefused.one(401, f"introspection needs a valid token: {exc}", ErrorCode.UNAUTHENTICATED) from None
