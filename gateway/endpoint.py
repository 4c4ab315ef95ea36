"""The GraphQL endpoint: identify, parse, check arguments, plan access, execute, record, answer."""
from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import uuid
from datetime import date
from typing import Any

import orjson
from graphql import DocumentNode, ExecutionResult, OperationDefinitionNode, OperationType, execute, get_operation_ast
from graphql.execution.values import get_variable_values
from starlette.requests import Request
from starlette.responses import Response

from access.plan import AccessPlan, plan_access
from access.selection import SelectedField, selected_fields
from audit.recording import Recording
from execution.executor import CompiledOperation
from execution.shapes import NeedsGeneralExecutor
from gateway.arguments import check_key_arguments
from gateway.caller import Asking, authenticate, state_purpose
from gateway.context import RequestContext
from gateway.errors import ErrorCode, RequestRefused, error, internal_error
from gateway.fault_barrier import request_id_of
from gateway.graphiql import graphiql_response
from gateway.http_request import GraphQLRequest, ReadingRules, Submitted, read_submitted
from gateway.introspection import introspecting_caller
from gateway.media_types import JSON, answer_status, content_type, negotiate
from gateway.query_limits import check_query_cost
from gateway.results import denied_field_errors, shape_execution_errors
from gateway.runtime import Runtime
from ratelimits.refusal import too_many_requests
from resolvers.loaders import Loaders
from resolvers.prefetch import relations_by_level

log = logging.getLogger(__name__)

AUDITOR_ROLE = "auditor"
AUDIT_ROOT = "Query.accessRecord"


def _json_response(body: dict[str, Any] | list[dict[str, Any]], status: int, request_id: str, media_type: str,
                   headers: dict[str, str]) -> Response:
    return Response(orjson.dumps(body), status_code=status, headers={"content-type": content_type(media_type),
                                                                      "x-request-id": request_id, **headers})


def _not_acceptable() -> RequestRefused:
    return RequestRefused.one(406, "accept application/graphql-response+json or application/json",
                              ErrorCode.BAD_REQUEST)


def _method_not_allowed(method: str) -> RequestRefused:
    return RequestRefused(405, [error(f"{method} is not offered; send GraphQL with GET or POST",
                                      ErrorCode.BAD_REQUEST)], {"allow": "GET, POST"})


def _wants_ide(request: Request) -> bool:
    return (request.method == "GET" and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", ""))


class GraphQLEndpoint:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        settings = runtime.settings
        self._reading = ReadingRules(settings.max_body_bytes, settings.allow_batching, settings.max_batch_operations,
                                     settings.max_document_chars, settings.max_tokens)

    async def handle(self, request: Request) -> Response:
        """GraphQL over HTTP: negotiate the media type, read the request(s), answer each (recorded)."""
        if _wants_ide(request) and self._runtime.settings.dev_mode:
            return graphiql_response()
        media_type = negotiate(request.headers.get("accept"))
        if request.method not in ("GET", "POST"):
            submitted = Submitted(_method_not_allowed(request.method))
        elif media_type is None:
            submitted = Submitted(_not_acceptable())
        else:
            submitted = await self._read(request)
        media_type = media_type or JSON
        request_id = request_id_of(request)
        if isinstance(submitted, list):  # a batch: one answer per request, in order, each with its own entry
            answers = await asyncio.gather(*(self._respond(request, one, media_type, uuid.uuid4().hex)
                                             for one in submitted))
            return _json_response([body for body, _, _ in answers], 200, request_id, media_type, {})
        body, status, headers = await self._respond(request, submitted, media_type, request_id)
        return _json_response(body, status, request_id, media_type, headers)

    async def _read(self, request: Request) -> Submitted | list[Submitted]:
        try:
            return await read_submitted(request, self._reading)
        except RequestRefused as refused:
            return Submitted(refused)

    async def _respond(self, request: Request, submitted: Submitted, media_type: str,
                       request_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        recording = Recording(request_id)
        headers: dict[str, str] = {}
        try:
            body, status = await self._answer(request, recording, submitted)
        except RequestRefused as refused:
            body, status, headers = {"errors": refused.errors}, refused.status, refused.headers
        except Exception:
            log.exception("request %s failed", recording.request_id)
            body, status = {"errors": [internal_error(recording.request_id)]}, 500
        status = answer_status(media_type, status, submitted.on_content)
        body, status = await self._record(recording, body, status)
        body.setdefault("extensions", {})["requestId"] = recording.request_id
        return body, status, headers

    async def _record(self, recording: Recording, body: dict[str, Any], status: int) -> tuple[dict[str, Any], int]:
        """Every request leaves one durable entry before its answer leaves; no entry, no data."""
        recorder = self._runtime.recorder
        if recorder is None:
            return body, status
        seq = await recorder.append(recording.entry(recorder.key, status, body))
        if seq is None:
            return {"errors": [error("the access record cannot be written; no data is served without it",
                                     ErrorCode.AUDIT_UNAVAILABLE)]}, 503
        body.setdefault("extensions", {})["accessRecord"] = {"entry": seq}
        return body, status

    async def _answer(self, request: Request, recording: Recording, submitted: Submitted) -> tuple[dict[str, Any], int]:
        runtime = self._runtime
        settings = runtime.settings
        policy = runtime.policies.current
        recording.policy_version = policy.version
        asking = None
        if settings.governance:
            recording.caller = caller = authenticate(request.headers, runtime.verifier, policy)
            runtime.suspensions.check(caller)
            exceeded = await runtime.rate_limits.check(caller.system, caller.department)
            if exceeded is not None:  # counted before the purpose is checked: a refused purpose costs a count
                raise too_many_requests(exceeded)
            asking = state_purpose(caller, request.headers, policy)
            recording.purpose, recording.purpose_ref = asking.purpose, asking.purpose_ref
        gql = submitted.graphql_request()
        recording.operation_name = gql.operation_name
        try:
            document, recording.document_hash = runtime.documents.get(gql.query)
        except RequestRefused:
            recording.document_hash = hashlib.sha256(gql.query.encode()).hexdigest()
            raise
        operation = get_operation_ast(document, gql.operation_name)
        if operation is None:
            raise RequestRefused.one(400, "name the operation to run with 'operationName'", ErrorCode.BAD_REQUEST)
        if operation.operation is not OperationType.QUERY:
            raise RequestRefused.one(400, f"{operation.operation.value} operations are not offered", ErrorCode.BAD_REQUEST)
        if asking is None:
            recording.caller = introspecting_caller(request.headers, runtime.verifier, policy, document, operation)
        schema = runtime.graphql_schema
        variables = _coerced_variables(schema, operation, gql, hide_suggestions=not settings.dev_mode)
        check_query_cost(schema, document, operation, variables, settings.max_query_cost)
        selected = selected_fields(schema, document, operation, variables)
        problems = check_key_arguments(schema, [f for f in selected if len(f.path) == 1], variables,
                                       settings.max_list_keys, recording.asked)
        if problems:
            raise RequestRefused(400, problems)
        _refuse_audit_query_unless_auditor(selected, asking)

        plan = None
        maskers: dict = {}
        denied_relations: frozenset[str] = frozenset()
        if asking is not None:
            caller = asking.caller
            decisions = runtime.decisions.get(policy, caller.department, caller.roles, asking.purpose)
            plan = plan_access(selected, decisions)
            recording.fields = _field_decisions(runtime, selected, plan)
            if asking.strict and plan.denied:
                body = {"errors": denied_field_errors(plan), "extensions": {"access": _access(plan, asking, True)}}
                return body, 403
            maskers = runtime.row_maskers.get(plan, date.today())
            denied_relations = decisions.denied_relations

        loaders = Loaders(runtime.connectors, maskers, settings.max_list_keys, recording.trace)
        context = RequestContext(recording.request_id, loaders, relations_by_level(selected), denied_relations,
                                 asking, runtime)
        result = await _execute(runtime, document, operation, variables, gql, context)
        errors = shape_execution_errors(result.errors or (), recording.request_id)
        body: dict[str, Any] = {"data": result.data}
        if plan is not None:
            errors = denied_field_errors(plan) + errors
            body["extensions"] = {"access": _access(plan, asking, False)}
        if errors:
            body["errors"] = errors
        return body, 200


def _refuse_audit_query_unless_auditor(selected: list[SelectedField], asking: Asking | None) -> None:
    if asking is None or AUDITOR_ROLE in asking.caller.roles:
        return
    if any(field.qualified_name == AUDIT_ROOT for field in selected if len(field.path) == 1):
        raise RequestRefused.one(403, "the access record is open only to callers with the role 'auditor'",
                                 ErrorCode.FORBIDDEN_FIELD, field=AUDIT_ROOT, reason="requires the role 'auditor'")


def _field_decisions(runtime: Runtime, selected: list[SelectedField], plan: AccessPlan) -> list[dict[str, Any]]:
    governed = runtime.catalog.governed
    decisions = plan.decisions.decisions
    seen: dict[str, dict[str, Any]] = {}
    for field in selected:
        name = field.qualified_name
        entry = governed.get(name)
        if entry is None or name in seen:
            continue
        provider = getattr(entry, "provider", None) or runtime.catalog.resource(entry.resource).provider
        seen[name] = {"field": name, "decision": decisions[name].effect.value, "share": entry.share.value,
                      "provider": provider}
    return list(seen.values())


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
                     operation_name=gql.operation_name, hide_suggestions=not runtime.settings.dev_mode)
    return await result if inspect.isawaitable(result) else result


def _coerced_variables(schema: Any, operation: Any, gql: GraphQLRequest, *, hide_suggestions: bool) -> dict[str, Any]:
    coerced = get_variable_values(schema, operation.variable_definitions or (), gql.variables,
                                  hide_suggestions=hide_suggestions)
    if isinstance(coerced, list):
        raise RequestRefused(400, [error(e.message, ErrorCode.BAD_USER_INPUT) for e in coerced])
    return coerced


def _access(plan: AccessPlan, asking: Asking | None, refused: bool) -> dict[str, Any]:
    summary = plan.summary(asking.purpose_ref if asking else None, asking.strict if asking else False)
    summary["refused"] = refused
    return summary
