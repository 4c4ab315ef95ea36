"""One GraphQL operation, from its text to the answer: prepared and checked before any department is asked, decided
field by field, executed over the rows the resolvers fetch and mask, and shaped for the caller."""
from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from datetime import date
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    OperationDefinitionNode,
    OperationType,
    execute,
    get_operation_ast,
)
from graphql.execution.values import VariableValues, get_variable_values

from access.identity.tokens import Caller
from access.plan import AccessPlan, plan_access
from access.policy.assignment import AUDITOR
from gateway.arguments import check_key_arguments
from gateway.asking import Asking
from gateway.entry import RequestEntry
from gateway.errors import ErrorCode, RequestRefused, error
from gateway.http_request import GraphQLRequest
from gateway.query_limits import check_query_cost
from gateway.results import denied_field_errors, shape_execution_errors
from gateway.runtime import Runtime
from gateway.selection import Selection, select
from gateway.subject_bound import check_subject_bound
from resolvers.context import ResolverContext
from resolvers.executor import CompiledOperation
from resolvers.loaders import Loaders
from resolvers.prefetch import NamePath, Prefetcher, relations_by_level
from resolvers.rows import RowMasker
from resolvers.shapes import NeedsGeneralExecutor

AUDIT_ROOT = "Query.accessRecord"


@dataclass(frozen=True)
class Operation:
    request: GraphQLRequest
    document: DocumentNode
    node: OperationDefinitionNode
    variables: VariableValues
    selection: Selection
    levels: dict[NamePath, set[str]]  # the relations to prefetch at each level


@dataclass(frozen=True)
class Governed:
    """What the policy decided for one operation: its plan, and the row maskers that carry it out."""
    plan: AccessPlan
    maskers: dict[str, RowMasker | None]


def prepare(runtime: Runtime, gql: GraphQLRequest, entry: RequestEntry) -> Operation:
    """The operation parsed (cached), validated and within every limit, its keys well formed and the subjects it
    may read within the cap; else RequestRefused. Nothing is asked of any department before this returns."""
    settings = runtime.settings
    entry.operation_name = gql.operation_name
    try:
        document, entry.document_hash = runtime.documents.get(gql.query)
    except RequestRefused:
        entry.document_hash = hashlib.sha256(gql.query.encode()).hexdigest()
        raise
    node = get_operation_ast(document, gql.operation_name)
    if node is None:
        raise RequestRefused.one(400, "name the operation to run with 'operationName'", ErrorCode.BAD_REQUEST)
    if node.operation is not OperationType.QUERY:
        raise RequestRefused.one(400, f"{node.operation.value} operations are not offered", ErrorCode.BAD_REQUEST)
    schema = runtime.graphql_schema
    variables = _coerced_variables(runtime, node, gql)
    check_query_cost(schema, document, node, variables, settings.max_query_cost, runtime.fan_out)
    selection = select(schema, document, node, variables)
    keys = check_key_arguments(schema, runtime.key_arguments, selection.roots, variables, settings.max_list_keys,
                               entry.asked)
    levels = relations_by_level(selection.fields, runtime.catalog)
    check_subject_bound(runtime.catalog, levels, keys, runtime.fetch_limits)
    return Operation(gql, document, node, variables, selection, levels)


def reads_access_record(operation: Operation) -> bool:
    return any(f.qualified_name == AUDIT_ROOT for f in operation.selection.roots)


def check_auditor(operation: Operation, caller: Caller | None) -> None:
    """The auditors' root refused to anyone the role assignment does not make an auditor, governance on or off."""
    if reads_access_record(operation) and (caller is None or AUDITOR not in caller.roles):
        raise RequestRefused.one(403, f"the access record is open only to callers with the role '{AUDITOR}'",
                                 ErrorCode.FORBIDDEN_FIELD, field=AUDIT_ROOT, reason=f"requires the role '{AUDITOR}'")


async def govern(runtime: Runtime, operation: Operation, asking: Asking, entry: RequestEntry) -> Governed:
    """Every selected field decided once for this caller and purpose."""
    caller = asking.caller
    decisions = await runtime.decisions.get(runtime.policies.current, caller.department, caller.roles,
                                            asking.purpose)
    plan = plan_access(operation.selection.fields, decisions)
    entry.decided(runtime.catalog, operation.selection.fields, decisions)
    return Governed(plan, runtime.row_maskers.get(plan, date.today()))


def strict_refusal(governed: Governed, asking: Asking) -> dict[str, Any] | None:
    """In strict mode, the 403 body refusing an operation that asks for any denied field."""
    plan = governed.plan
    if not (asking.strict and plan.denied):
        return None
    return {"errors": denied_field_errors(plan), "extensions": {"access": access_summary(plan, asking, True)}}


async def run(runtime: Runtime, operation: Operation, governed: Governed | None,
              entry: RequestEntry) -> ExecutionResult:
    """Execute over rows fetched a batch per source per level and masked as they enter."""
    catalog = runtime.catalog
    loaders = Loaders(catalog, runtime.connectors, governed.maskers if governed else {}, runtime.fetch_limits,
                      entry.trace, governed.plan.served if governed else ())
    denied = governed.plan.decisions.denied_relations if governed else frozenset()
    prefetcher = Prefetcher(catalog, loaders, operation.levels, denied)
    context = ResolverContext(entry.request_id, catalog, loaders, prefetcher, runtime.record)
    schema = runtime.graphql_schema
    if runtime.settings.executor == "compiled":
        try:
            compiled = CompiledOperation(schema, operation.document, operation.node, operation.variables, catalog.roots)
        except NeedsGeneralExecutor:
            pass
        else:
            return await compiled.execute(context)
    gql = operation.request
    result = execute(schema, operation.document, context_value=context, variable_values=gql.variables,
                     operation_name=gql.operation_name, hide_suggestions=not runtime.settings.dev_mode)
    return await result if inspect.isawaitable(result) else result


def answer(result: ExecutionResult, governed: Governed | None, asking: Asking | None,
           request_id: str) -> dict[str, Any]:
    """The response body: data, the errors one per field path, and what the policy did."""
    errors = shape_execution_errors(result.errors or (), request_id)
    body: dict[str, Any] = {"data": result.data}
    if governed is not None and asking is not None:
        errors = denied_field_errors(governed.plan) + errors
        body["extensions"] = {"access": access_summary(governed.plan, asking, False)}
    if errors:
        body["errors"] = errors
    return body


def access_summary(plan: AccessPlan, asking: Asking, refused: bool) -> dict[str, Any]:
    summary = plan.summary(asking.purpose_ref, asking.strict)
    summary["refused"] = refused
    return summary


def _coerced_variables(runtime: Runtime, node: OperationDefinitionNode, gql: GraphQLRequest) -> VariableValues:
    coerced = get_variable_values(runtime.graphql_schema, node.variable_definitions or (), gql.variables,
                                  hide_suggestions=not runtime.settings.dev_mode)
    if isinstance(coerced, list):
        raise RequestRefused(400, [error(e.message, ErrorCode.BAD_USER_INPUT) for e in coerced])
    return coerced
