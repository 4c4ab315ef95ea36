"""GraphiQL's page and files as the gateway serves them, over a lock and installed files of the test's own: only
pinned files that match their pins, at URLs naming their hash; without them, a page saying how to install them."""
from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from gateway.assets.pins import LOCK, integrity_of, read_pins
from gateway.graphiql import SCRIPTS, STARTER, STYLESHEETS, graphiql_response
from gateway.graphiql_assets import OWN_FILES, GraphiQLAssets

PINNED = {name: f"/* {name} */\n".encode() for name in (*SCRIPTS, "graphiql.min.css")}


@pytest.fixture()
def lock(tmp_path: Path) -> Path:
    files = [{"member": f"package/{name}", "name": name, "integrity": integrity_of(body, "sha384")}
             for name, body in PINNED.items()]
    path = tmp_path / "lock.json"
    path.write_text(json.dumps({"packages": [{"name": "bundle", "version": "1.0.0",
                                              "integrity": integrity_of(b"tarball", "sha512"), "files": files}]}))
    return path


def _install(vendor: Path) -> Path:
    vendor.mkdir()
    for name, body in PINNED.items():
        (vendor / name).write_bytes(body)
    return vendor


def _client(assets: GraphiQLAssets) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(Starlette(routes=assets.routes())), base_url="http://huitong")


def test_the_page_links_every_file_by_its_hash_and_holds_no_inline_script(lock: Path, tmp_path: Path) -> None:
    assets = GraphiQLAssets(lock, _install(tmp_path / "vendor"))
    page = graphiql_response(assets)
    text = page.body.decode()
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"]).group(1)
    assert f'nonce="{nonce}"' in text
    for asset in assets.loaded().values():
        assert f'"{asset.url}" integrity="{asset.integrity}"' in text
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", text))
    assert "query CaseFile($ids: [String!]!)" in text.replace("&quot;", '"')


async def test_only_pinned_files_that_match_are_served_each_for_a_year(lock: Path, tmp_path: Path) -> None:
    assets = GraphiQLAssets(lock, _install(tmp_path / "vendor"))
    async with _client(assets) as client:
        for name, body in PINNED.items():
            asset = assets.loaded()[name]
            response = await client.get(asset.url)
            assert (response.status_code, response.content) == (200, body)
            assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert response.headers["content-type"] == f"{asset.media_type}; charset=utf-8"
        starter = assets.loaded()[STARTER]
        assert (await client.get(starter.url)).content == next(p for p in OWN_FILES if p.name == STARTER).read_bytes()
        (tmp_path / "vendor" / "extra.js").write_text("not pinned")
        fingerprint = starter.fingerprint
        for path in (f"/graphiql/static/{fingerprint}/extra.js", f"/graphiql/static/{fingerprint}/lock.json",
                     f"/graphiql/static/{'0' * 20}/{STARTER}", f"/graphiql/static/{fingerprint}/..%2Flock.json",
                     "/graphiql/static/", f"/graphiql/static/{fingerprint}/"):
            assert (await client.get(path)).status_code == 404, path


async def test_without_the_installed_files_the_page_says_how_to_install_them(lock: Path, tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    assets = GraphiQLAssets(lock, vendor)
    page = graphiql_response(assets)
    assert page.status_code == 503
    assert "make install" in page.body.decode() and str(tmp_path) not in page.body.decode()
    async with _client(assets) as client:
        assert (await client.get(f"/graphiql/static/{'0' * 20}/graphiql.min.js")).status_code == 404

    _install(vendor)  # the install step, run while the server runs
    assert graphiql_response(assets).status_code == 200


def test_a_file_that_is_not_the_pinned_one_is_not_served(lock: Path, tmp_path: Path) -> None:
    vendor = _install(tmp_path / "vendor")
    (vendor / "graphiql.min.js").write_bytes(b"/* altered */")
    assert graphiql_response(GraphiQLAssets(lock, vendor)).status_code == 503


def test_every_file_the_page_names_is_pinned_in_the_committed_lock_or_the_pages_own() -> None:
    pinned = {f.name for package in read_pins(LOCK) for f in package.files}
    own = {path.name for path in OWN_FILES}
    assert set(STYLESHEETS + SCRIPTS + (STARTER,)) <= pinned | own
