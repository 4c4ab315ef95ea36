"""GraphiQL's files, served from this origin and nowhere else: the pinned ones the install step fetched
(gateway/assets), each checked against its pinned hash before it is served, and the page's own script and style.

Each is served at a URL naming its hash, so browsers may keep it for a year; no other file is served.
"""
from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.assets.pins import LOCK, VENDOR, PinError, integrity_of, matches, read_pins

ASSETS_PATH = "/graphiql/static"
OWN_FILES = tuple(Path(__file__).parent / "static" / name for name in ("graphiql-page.js", "graphiql-page.css"))
IMMUTABLE = "public, max-age=31536000, immutable"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}

log = logging.getLogger(__name__)


class AssetsMissing(Exception):
    """GraphiQL's pinned files are absent, or are not the pinned ones: the install step has not run."""


@dataclass(frozen=True)
class Asset:
    name: str
    body: bytes
    integrity: str  # sha384, for the page's subresource integrity

    @property
    def fingerprint(self) -> str:
        """The start of its sha384 in hex: a part of its URL that changes whenever the file does."""
        return base64.b64decode(self.integrity.partition("-")[2]).hex()[:20]

    @property
    def url(self) -> str:
        return f"{ASSETS_PATH}/{self.fingerprint}/{self.name}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(Path(self.name).suffix, "application/octet-stream")


def load_assets(lock: Path, vendor: Path, own_files: Iterable[Path]) -> dict[str, Asset]:
    """Every pinned file as fetched, checked against its pin, and the page's own files; by name."""
    try:
        pinned = [pin for package in read_pins(lock) for pin in package.files]
    except PinError as exc:
        raise AssetsMissing(str(exc)) from exc
    assets = {}
    for pin in pinned:
        try:
            body = (vendor / pin.name).read_bytes()
        except OSError as exc:
            raise AssetsMissing(f"{pin.name} is not installed ({type(exc).__name__})") from exc
        if not matches(body, pin.integrity):
            raise AssetsMissing(f"{pin.name} is not the pinned file")
        assets[pin.name] = Asset(pin.name, body, pin.integrity)
    for path in own_files:
        body = path.read_bytes()
        assets[path.name] = Asset(path.name, body, integrity_of(body, "sha384"))
    return assets


class GraphiQLAssets:
    """Loaded on first use, and tried again while they are missing: a server started before the install step
    serves GraphiQL once it has run."""

    def __init__(self, lock: Path = LOCK, vendor: Path = VENDOR, own_files: Iterable[Path] = OWN_FILES) -> None:
        self._lock, self._vendor, self._own_files = lock, vendor, tuple(own_files)
        self._assets: dict[str, Asset] | None = None

    def loaded(self) -> dict[str, Asset]:
        if self._assets is None:
            try:
                self._assets = load_assets(self._lock, self._vendor, self._own_files)
            except AssetsMissing as exc:
                log.warning("GraphiQL is not served: %s; run 'make install'", exc)
                raise
        return self._assets

    def routes(self) -> list[BaseRoute]:
        return [Route(ASSETS_PATH + "/{fingerprint}/{name}", self.serve, methods=["GET"])]

    async def serve(self, request: Request) -> Response:
        try:
            asset = self.loaded().get(request.path_params["name"])
        except AssetsMissing:
            asset = None
        if asset is None or asset.fingerprint != request.path_params["fingerprint"]:
            return PlainTextResponse("Not Found", status_code=404)
        return Response(asset.body, media_type=asset.media_type, headers={"cache-control": IMMUTABLE})


GRAPHIQL_ASSETS = GraphiQLAssets()
