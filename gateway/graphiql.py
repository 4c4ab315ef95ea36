"""GraphiQL for application developers (development mode only), opened on a joined example query,
under a Content-Security-Policy that lets exactly its scripts run."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache

from starlette.responses import HTMLResponse
from strawberry.http.ides import get_graphql_ide_html

ASSETS = "https://unpkg.com"  # where strawberry's page loads GraphiQL from (with subresource integrity)
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

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


@cache
def graphiql_page() -> str:
    html = get_graphql_ide_html("graphiql")
    return html.replace("parameters.q || EXAMPLE_QUERY", f"parameters.q || {json.dumps(EXAMPLE_QUERY)}")


@cache
def graphiql_policy() -> str:
    inline = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
                      for script in INLINE_SCRIPT.findall(graphiql_page()))
    return "; ".join([
        "default-src 'none'",
        f"script-src {ASSETS} {inline}",
        f"style-src {ASSETS} 'unsafe-inline'",  # GraphiQL's editor and plugins add style elements at run time
        f"font-src {ASSETS} data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def graphiql_response() -> HTMLResponse:
    return HTMLResponse(graphiql_page(), headers={"content-security-policy": graphiql_policy()})
