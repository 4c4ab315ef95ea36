"""GraphiQL for application developers (development mode only), opened on a joined example query. Its page loads
everything from this origin (gateway.graphiql_assets), holds no inline script and runs under a policy that allows
nothing else."""
from __future__ import annotations

import html
import secrets
from collections.abc import Mapping

from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse

from gateway.graphiql_assets import GRAPHIQL_ASSETS, Asset, AssetsMissing, GraphiQLAssets

STYLESHEETS = ("graphiql.min.css", "graphiql-page.css")
SCRIPTS = ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js")
STARTER = "graphiql-page.js"  # runs last, and hands GraphiQL the nonce of the response

EXAMPLE_QUERY = """# Send your token and purpose in the Headers tab, e.g.
# {"Authorization": "Bearer <token from 'make token'>", "X-Purpose": "social-assistance-review"}
query CaseFile($ids: [String!]!) {
  persons(idNumbers: $ids) {
    idNumber name gender birthDate maritalStatus phone
    licences { licenceId typeName holderName status }
    representedEntities { uscc name status legalRepresentativeIdNumber }
  }
}
"""

def asks_for_graphiql(connection: HTTPConnection) -> bool:
    """A browser opening /graphql: GET without a query, accepting HTML."""
    return (connection.scope["method"] == "GET" and "query" not in connection.query_params
            and "text/html" in connection.headers.get("accept", ""))


NOT_INSTALLED = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Huitong · GraphiQL is not installed</title><link rel="icon" href="data:,"></head>
<body>
<h1>GraphiQL is not installed on this server</h1>
<p>Its files are fetched, pinned and checked by hash, by the install step: run <code>make install</code> and
reload this page. The GraphQL endpoint itself answers as usual: POST your queries to <code>/graphql</code>.</p>
</body>
</html>
"""


def graphiql_page(assets: Mapping[str, Asset], nonce: str) -> str:
    styles = "".join(f'<link rel="stylesheet" href="{assets[name].url}" integrity="{assets[name].integrity}">\n'
                     for name in STYLESHEETS)
    scripts = "".join(f'<script src="{assets[name].url}" integrity="{assets[name].integrity}"></script>\n'
                      for name in SCRIPTS)
    starter = assets[STARTER]
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Huitong · GraphiQL</title>
<link rel="icon" href="data:,">
{styles}</head>
<body>
<div id="graphiql" data-example-query="{html.escape(EXAMPLE_QUERY)}">Loading GraphiQL…</div>
{scripts}<script src="{starter.url}" integrity="{starter.integrity}" nonce="{nonce}"></script>
</body>
</html>
"""


def graphiql_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        # GraphiQL's dialogs (Radix, through react-remove-scroll) add a <style> element while they are open; with
        # no source allowing it Chromium refuses it and reports a violation. The nonce, fresh for each response,
        # admits only the elements this page's own scripts add: no 'unsafe-inline'.
        f"style-src 'self' 'nonce-{nonce}'",
        "font-src 'self' data:",  # GraphiQL's stylesheet carries its fonts as data: URLs
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def graphiql_response(assets: GraphiQLAssets = GRAPHIQL_ASSETS) -> HTMLResponse:
    try:
        loaded = assets.loaded()
    except AssetsMissing:
        return HTMLResponse(NOT_INSTALLED, status_code=503)
    nonce = secrets.token_urlsafe(18)
    return HTMLResponse(graphiql_page(loaded, nonce), headers={"content-security-policy": graphiql_policy(nonce)})
