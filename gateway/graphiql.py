"""GraphiQL for application developers (development mode only), opened on a joined example query."""
from __future__ import annotations

import json
from functools import cache

from strawberry.http.ides import get_graphql_ide_html

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
