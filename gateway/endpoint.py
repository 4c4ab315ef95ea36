"""The GraphQL endpoint: identify, parse, check arguments, plan access, execute, answer."""
from __future__ import annotations

import inspect
import logging
import uuid
from datetime import date
from typing import Any

import orjson
from graphql import DocumentNode, ExecutionResult, OperationDefinitionNode, OperationType, execute, get_operation_ast
from graphql.execution.values import get_variable_values
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from access.plan import AccessPlan, plan_access
from access.selection import selected_fields
from execution.executor import CompiledOperation
from execution.shapes import NeedsGeneralExecutor
from gateway.arguments import check_key_arguments
from gateway.caller import Asking, identify
from gateway.context import RequestContext
from gateway.errors import ErrorCode, RequestRefused, error
from gateway.graphiql import graphiql_page
from gateway.http_request import GraphQLRequest, read_graphql_request
from gateway.results import denied_field_errors, shape_execution_errors
from gateway.runtime import Runtime
from resolvers.loaders import Loaders
from resolvers.prefetch import relations_by_level

log = logging.getLogger(__name__)

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


def _json_response(body: dict[str, Any], status: int, request_id: str, media_type: str) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=media_type,
                    headers={"x-request-id": request_id})


def _media_type(request: Request) -> str:
    return GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in request.headers.get("accept", "") else JSON


def _wants_ide(request: Request) -> bool:
    return (request.method == "GET" and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", ""))


class GraphQLEndpoint:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    async def handle(self, request: Request) -> Response:
        runtime = self._runtime
        if _wants_ide(request) and runtime.settings.dev_mode:
            return HTMLResponse(graphiql_page())
        request_id = uuid.uuid4().hex
        media_type = _media_type(request)
        try:
            body, status = await self._answer(request, request_id)
        except RequestRefused as refused:
            body, status = {"errors": refused.errors}, refused.status
        except Exception:
            log.exception("request %s failed", request_id)
            body = {"errors": [error(f"internal error; quote request id {request_id}",
                                     ErrorCode.INTERNAL_SERVER_ERROR, requestId=request_id)]}
            status = 500
        body.setdefault("extensions", {})["requestId"] = request_id
        return _json_response(body, status, request_id, media_type)

    async def _answer(self, request: Request, request_id: str) -> tuple[dict[str, Any], int]:
        runtime = self._runtime
        settings = runtime.settings
        policy = runtime.policies.current
        asking = identify(request.headers, runtime.verifier, policy) if settings.governance else None
        gql = await read_graphql_request(request)
        document = runtime.documents.get(gql.query)
        operation = get_operation_ast(document, gql.operation_name)
        if operation is None:
            raise RequestRefused.one(400, "name the operation to run with 'operationName'", ErrorCode.BAD_REQUEST)
        if operation.operation is not OperationType.QUERY:
            raise RequestRefused.one(400, f"{operation.operation.value} operations are not offered", ErrorCode.BAD_REQUEST)
        schema = runtime.graphql_schema
        variables = _coerced_variables(schema, operation, gql)
        selected = selected_fields(schema, document, operation, variables)
        problems = check_key_arguments(schema, [f for f in selected if len(f.path) == 1], variables,
                                       settings.max_list_keys)
        if problems:
            raise RequestRefused(400, problems)

        plan = None
        maskers: dict = {}
        denied_relations: frozenset[str] = frozenset()
        if asking is not None:
            caller = asking.caller
            decisions = runtime.decisions.get(policy, caller.department, caller.roles, asking.purpose)
            plan = plan_access(selected, decisions)
            if asking.strict and plan.denied:
                body = {"errors": denied_field_errors(plan), "extensions": {"access": _access(plan, asking, True)}}
                return body, 403
            maskers = runtime.row_maskers.get(decisions, date.today())
            denied_relations = decisions.denied_relations

        context = RequestContext(request_id, Loaders(runtime.connectors, maskers, settings.max_list_keys),
                                 relations_by_level(selected), denied_relations)
        result = await _execute(runtime, document, operation, variables, gql, context)
        errors = shape_execution_errors(result.errors or (), request_id)
        body: dict[str, Any] = {"data": result.data}
        if plan is not None:
            errors = denied_field_errors(plan) + errors
            body["extensions"] = {"access": _access(plan, asking, False)}
        if errors:
            body["errors"] = errors
        return body, 200


async def _execute(runtime: Runtime, document: DocumentNode, operation: OperationDefinitionNode,
                   variables: dict[str, Any], gql: GraphQLRequest, context: RequestContext) -> ExecutionResult:
    schema = runtime.graphql_schema
    if runtime.settings.executor == "compiled":
        try:
            compiled = CompiledOperation(schema, document, operation, variables)
        except NeedsGeneralExecutor:
            pass
        else:
            return await compiled.execute(context)
    result = execute(schema, document, context_value=context, variable_values=gql.variables,
                     operation_name=gql.operation_name)
    return await result if inspect.isawaitable(result) else result


def _coerced_variables(schema: Any, operation: Any, gql: GraphQLRequest) -> dict[str, Any]:
    coerced = get_variable_values(schema, operation.variable_definitions or (), gql.variables)
    if isinstance(coerced, list):
        raise RequestRefused(400, [error(e.message, ErrorCode.BAD_USER_INPUT) for e in coerced])
    return coerced


def _access(plan: AccessPlan, asking: Asking | None, refused: bool) -> dict[str, Any]:
    summary = plan.summary(asking.purpose_ref if asking else None, asking.strict if asking else False)
    summary["refused"] = refused
    return summary

