"""Public routes of the access record: the latest checkpoint, the log's key, and proofs."""
from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.runtime import Runtime
from record.checkpoints import public_key_pem, verifier_key
from record.store import AccessRecord

OFF = JSONResponse({"error": "the access record is off"}, status_code=404)
MAX_POSITION = 2**63 - 1  # the log's positions and sizes are SQL BIGINTs
POSITION = re.compile(r"[0-9]{1,19}")


def _int_params(request: Request, *names: str) -> list[int] | None:
    """Each parameter as a position or size of the log (0 to 2^63 - 1, decimal digits only), or None."""
    values = [request.query_params.get(name, "") for name in names]
    if not all(POSITION.fullmatch(value) and int(value) <= MAX_POSITION for value in values):
        return None
    return [int(value) for value in values]


class RecordRoutes:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def routes(self) -> list[BaseRoute]:
        return [Route("/audit/checkpoint", self.checkpoint), Route("/audit/public-key", self.public_key),
                Route("/audit/proof/inclusion", self.inclusion), Route("/audit/proof/consistency", self.consistency)]

    async def checkpoint(self, request: Request) -> Response:
        record = self._runtime.record
        if record is None:
            return OFF
        note = await record.latest_checkpoint()
        if note is None:
            return PlainTextResponse("no checkpoint yet\n", status_code=404)
        return PlainTextResponse(note)

    async def public_key(self, request: Request) -> Response:
        record = self._runtime.record
        if record is None:
            return OFF
        signer = record.signer
        return JSONResponse({"name": signer.name, "verifierKey": verifier_key(signer.name, signer.public_key),
                             "publicKeyPem": public_key_pem(signer.public_key)})

    async def inclusion(self, request: Request) -> Response:
        values = _int_params(request, "seq", "size")
        if values is None:
            return JSONResponse({"error": "give 'seq' and 'size' as whole numbers from 0 to 2^63 - 1"}, status_code=400)
        seq, size = values
        return await self._proof(lambda log: log.inclusion_proof(seq, size), {"leafIndex": seq, "treeSize": size})

    async def consistency(self, request: Request) -> Response:
        values = _int_params(request, "from", "to")
        if values is None:
            return JSONResponse({"error": "give 'from' and 'to' as whole numbers from 0 to 2^63 - 1"}, status_code=400)
        old, new = values
        return await self._proof(lambda log: log.consistency_proof(old, new), {"oldSize": old, "newSize": new})

    async def _proof(self, make: Callable[[AccessRecord], Awaitable[list[bytes]]], about: dict[str, Any]) -> Response:
        record = self._runtime.record
        if record is None:
            return OFF
        try:
            hashes = await make(record)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({**about, "hashes": [base64.b64encode(h).decode() for h in hashes]})
