"""GraphiQL with no network but the gateway's: its page, scripts and styles come from the gateway's own origin,
pinned and checked by hash, under a policy that allows nothing else. In Debian's headless Chromium a developer opens
the link `huitong serve` prints (token and purpose in ?headers=), runs the example query on the demo data and sees
the gateway's answer."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from access.identity.minting import mint_token
from gateway.assets.pins import VENDOR, read_pins
from gateway.graphiql import EXAMPLE_QUERY
from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).parents[2] / "test-artifacts" / "graphiql.png"
DEPARTMENT, PURPOSE = "civil-affairs", "social-assistance-review"
# Each violation the page's policy reports, kept where the test can read it (added before the page's own scripts).
RECORD_VIOLATIONS = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


@pytest.fixture(scope="module")
def gateway(sqlite_stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(sqlite_stores, dev_mode=True)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def representative(dataset) -> str:
    """A person who represents a legal entity: every relation of the example query finds rows."""
    return dataset.entities[0]["fddbrzjhm"]


def _page(gateway: Gateway) -> httpx.Response:
    return httpx.get(gateway.url + "/graphql", headers={"accept": "text/html"}, timeout=10)


def _asset_urls(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/graphiql/static/[^"]+)"', page)


def test_the_page_loads_only_its_own_files_under_a_policy_of_its_own_origin(gateway: Gateway) -> None:
    page = _page(gateway)
    assert page.status_code == 200
    policy = dict(directive.split(" ", 1) for directive in page.headers["content-security-policy"].split("; "))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]{24}'", policy["style-src"])
    assert (policy["connect-src"], policy["img-src"], policy["font-src"]) == ("'self'", "'self' data:", "'self' data:")
    assert (policy["frame-ancestors"], policy["base-uri"], policy["form-action"]) == ("'none'", "'none'", "'none'")
    assert "unsafe" not in page.headers["content-security-policy"]
    assert "<script>" not in page.text and "<style" not in page.text and " style=" not in page.text
    assert not re.search(r'(?:src|href)="(?!/graphiql/static/|data:)', page.text)
    assert len(_asset_urls(page.text)) == 6
    again = _page(gateway).headers["content-security-policy"]
    assert again != page.headers["content-security-policy"]  # a nonce of its own for each response


def test_each_file_is_the_pinned_one_and_kept_for_a_year(gateway: Gateway) -> None:
    pinned = {f.name: (VENDOR / f.name).read_bytes() for package in read_pins() for f in package.files}
    served = {url.rsplit("/", 1)[1]: url for url in _asset_urls(_page(gateway).text)}
    for name in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css"):
        response = httpx.get(gateway.url + served[name], timeout=10)
        assert response.status_code == 200
        assert response.content == pinned[name]
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["content-type"].split(";")[0] == ("text/css" if name.endswith(".css")
                                                                  else "text/javascript")
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", [
    "/graphiql/static/", "/graphiql/static/x", "/graphiql/static/0123456789abcdef0123/graphiql.min.js",
    "/graphiql/static/0123456789abcdef0123/package.json", "/graphiql/static/0123456789abcdef0123/../pins.py",
    "/graphiql/static/0123456789abcdef0123/..%2Fpins.py", "/graphiql/static/..%2F..%2Fassets/pins.py",
    "/graphiql/static/0123456789abcdef0123/%2E%2E/%2E%2E/settings.py",
])
def test_nothing_but_the_pinned_files_is_served(gateway: Gateway, path: str) -> None:
    response = httpx.get(gateway.url + path, timeout=10)
    assert response.status_code == 404
    assert "import" not in response.text and "<" not in response.text


def test_a_pinned_file_under_another_fingerprint_is_not_served(gateway: Gateway) -> None:
    url = next(u for u in _asset_urls(_page(gateway).text) if u.endswith("/graphiql.min.js"))
    fingerprint = url.split("/")[3]
    stale = url.replace(fingerprint, "f" * len(fingerprint))
    assert httpx.get(gateway.url + stale, timeout=10).status_code == 404


def test_a_developer_runs_the_example_query_with_no_network_but_the_gateways(
        gateway: Gateway, representative: str) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: GraphiQL is tested in Debian's Chromium; "
                    "install it with 'apt-get install -y chromium' (make test does)")
    from playwright.sync_api import Route, sync_playwright

    token = mint_token(JWT_SECRET, "graphiql-dev", DEPARTMENT, [])
    headers = json.dumps({"Authorization": f"Bearer {token}", "X-Purpose": PURPOSE})
    variables = json.dumps({"ids": [representative]})
    expected = gateway.post(EXAMPLE_QUERY, {"ids": [representative]}, dept=DEPARTMENT, purpose=PURPOSE).json()
    person = expected["data"]["persons"][0]
    origin = gateway.url + "/"
    left_origin: list[str] = []
    asked: list[str] = []

    def only_the_gateway(route: Route) -> None:
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            left_origin.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            problems: list[str] = []
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("request", lambda request: asked.append(request.url))
            page.route("**/*", only_the_gateway)
            page.add_init_script(RECORD_VIOLATIONS)
            page.goto(f"{gateway.url}/graphql?headers={quote(headers)}&variables={quote(variables)}")

            page.wait_for_selector(".graphiql-execute-button")
            page.wait_for_selector(".graphiql-query-editor .CodeMirror-code:has-text('query CaseFile')")
            page.click(".graphiql-execute-button")
            page.wait_for_selector(f".result-window .CodeMirror-code:has-text('{person['name']}')")
            shown = page.evaluate("document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()")
            assert json.loads(shown)["data"] == expected["data"]
            assert person["idNumber"] in page.inner_text(".result-window")

            # The dialogs add a <style> element at run time: the response's nonce must admit it.
            page.click("button[aria-label='Open settings dialog']")
            page.wait_for_selector("[role=dialog]")
            page.keyboard.press("Escape")
            page.wait_for_selector("[role=dialog]", state="detached")

            # The schema came with the link's token although GraphiQL asked for it before its Headers editor existed.
            page.click("button[aria-label='Show Documentation Explorer']")
            page.click(".graphiql-doc-explorer a:has-text('Query')")
            page.wait_for_selector(".graphiql-doc-explorer a:has-text('persons')")

            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
            violations = page.evaluate("window.cspViolations")
        finally:
            browser.close()
    assert left_origin == []
    assert all(url.startswith((origin, "data:")) for url in asked), asked
    assert violations == []
    assert problems == []
