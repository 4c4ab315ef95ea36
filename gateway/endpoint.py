"""The GraphQL endpoint: GraphQL over HTTP. It reads the request, answers each operation in it and puts every
answer to a caller with a valid identity on the access record before it leaves (those refused for want of one are
counted per address instead); who is calling was settled in front of it (gateway.admission)."""
from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from access.identity.tokens import Caller
from gateway.admission import Admission, admission_of
from gateway.asking import Asking, state_purpose
from gateway.entry import RequestEntry
from gateway.errors import ErrorCode, RequestRefused, error, internal_error
from gateway.fault_barrier import request_id_of
from gateway.graphiql import asks_for_graphiql, graphiql_response
from gateway.http_request import ReadingRules, Submitted, read_submitted
from gateway.lookup_budget import lookup_budget
from gateway.media_types import JSON, answer_status, content_type, negotiate
from gateway.operation import (
    Operation,
    answer,
    check_auditor,
    govern,
    prepare,
    reads_access_record,
    run,
    strict_refusal,
)
from gateway.runtime import Runtime
from record.store import RecordUnavailable

log = logging.getLogger(__name__)


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


class GraphQLEndpoint:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        settings = runtime.settings
        self._reading = ReadingRules(settings.max_body_bytes, settings.allow_batching, settings.max_batch_operations,
                                     settings.max_document_chars, settings.max_tokens)

    async def handle(self, request: Request) -> Response:
        """GraphQL over HTTP: negotiate the media type, read the request(s), answer each (recorded)."""
        if self._runtime.settings.dev_mode and asks_for_graphiql(request):
            return graphiql_response()
        media_type = negotiate(request.headers.get("accept"))
        admission = admission_of(request)
        unidentified = self._unidentified(admission)
        if unidentified is not None:
            submitted: Submitted | list[Submitted] = Submitted(unidentified)
        elif request.method not in ("GET", "POST"):
            submitted = Submitted(_method_not_allowed(request.method))
        elif media_type is None:
            submitted = Submitted(_not_acceptable())
        else:
            submitted = await self._read(request)
        media_type = media_type or JSON
        request_id = request_id_of(request)
        if isinstance(submitted, list):  # a batch: one answer per request, in order, each with its own entry
            admission = await admission.for_batch(len(submitted))
            answers = await asyncio.gather(*(self._respond(request, admission, one, media_type, uuid.uuid4().hex)
                                             for one in submitted))
            return _json_response([body for body, _, _ in answers], 200, request_id, media_type, {})
        body, status, headers = await self._respond(request, admission, submitted, media_type, request_id)
        return _json_response(body, status, request_id, media_type, headers)

    def _unidentified(self, admission: Admission) -> RequestRefused | None:
        """The refusal of a request without a valid identity. It is answered without its body being read (whatever
        that holds would be refused after it: a flood of them costs neither the reading nor the memory) and counted
        per client address on the access record, not given an entry of its own."""
        return admission.unidentified if self._runtime.settings.governance else None

    async def _read(self, request: Request) -> Submitted | list[Submitted]:
        try:
            return await read_submitted(request, self._reading)
        except RequestRefused as refused:
            return Submitted(refused.with_traceback(None))  # its frames hold the body it could not read

    async def _respond(self, request: Request, admission: Admission, submitted: Submitted, media_type: str,
                       request_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        entry = RequestEntry(request_id)
        headers: dict[str, str] = {}
        try:
            body, status = await self._answer(request, admission, submitted, entry)
        except RequestRefused as refused:
            body, status, headers = {"errors": refused.errors}, refused.status, refused.headers
        except Exception:
            log.exception("request %s failed", entry.request_id)
            body, status = {"errors": [internal_error(entry.request_id)]}, 500
        status = answer_status(media_type, status, submitted.on_content)
        if self._unidentified(admission) is not None:
            self._runtime.anonymous_refusals.add(admission.address, body["errors"][0]["extensions"]["code"])
        else:
            body, status = await self._record(entry, body, status)
        body.setdefault("extensions", {})["requestId"] = entry.request_id
        return body, status, headers

    async def _answer(self, request: Request, admission: Admission, submitted: Submitted,
                      entry: RequestEntry) -> tuple[dict[str, Any], int]:
        runtime = self._runtime
        entry.policy_version = runtime.policies.current.version
        asking = self._asking(request, admission, entry)
        operation = prepare(runtime, submitted.graphql_request(), entry)
        if asking is None:
            entry.caller = _ungoverned_caller(operation, admission)
            check_auditor(operation, entry.caller)
            result = await run(runtime, operation, None, entry)
            return answer(result, None, None, entry.request_id), 200
        check_auditor(operation, asking.caller)
        governed = await govern(runtime, operation, asking, entry)
        refusal = strict_refusal(governed, asking)
        if refusal is not None:
            return refusal, 403
        async with lookup_budget(runtime, operation, governed, asking, entry):
            result = await run(runtime, operation, governed, entry)
        return answer(result, governed, asking, entry.request_id), 200

    def _asking(self, request: Request, admission: Admission, entry: RequestEntry) -> Asking | None:
        """Who asks (settled in front of the endpoint) and for what; None when governance is off (the benchmark)."""
        runtime = self._runtime
        if not runtime.settings.governance:
            return None
        entry.caller = admission.caller
        asking = state_purpose(admission.check(), request.headers, runtime.policies.current,
                               runtime.settings.purpose_ref_pattern)
        entry.purpose, entry.purpose_ref = asking.purpose, asking.purpose_ref
        return asking

    async def _record(self, entry: RequestEntry, body: dict[str, Any], status: int) -> tuple[dict[str, Any], int]:
        """Every request with a valid identity leaves one durable entry before its answer leaves; no entry, no data.
        Those refused for want of one are counted per address instead (gateway.anonymous_refusals)."""
        record = self._runtime.record
        if record is None:
            return body, status
        try:
            seq = await record.append(entry.to_record(record.subject_key, status, body))
        except (RecordUnavailable, ValueError) as exc:
            log.error("request %s refused: its access-record entry could not be written (%s)", entry.request_id,
                      type(exc).__name__)
            return {"errors": [error("the access record cannot be written; no data is served without it",
                                     ErrorCode.AUDIT_UNAVAILABLE)]}, 503
        body.setdefault("extensions", {})["accessRecord"] = {"entry": seq}
        return body, status


def _ungoverned_caller(operation: Operation, admission: Admission) -> Caller | None:
    """With governance off nobody is identified, but schema introspection and the access record still need a valid
    token (and the record, the role auditor)."""
    needs = "introspection" if operation.selection.introspects else \
        "the access record" if reads_access_record(operation) else None
    if needs is None:
        return None
    if admission.caller is None:
        reason = admission.refusal.errors[0]["message"] if admission.refusal else "no token"
        raise RequestRefused.one(401, f"{needs} needs a valid token: {reason}", ErrorCode.UNAUTHENTICATED)
    return admission.check()
