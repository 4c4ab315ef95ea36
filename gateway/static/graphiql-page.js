// Starts GraphiQL against this origin's /graphql. The example query opens by default; ?headers= and ?variables=
// (JSON text) fill their editors, as in the link `huitong serve` prints with a development token and purpose.
"use strict";

// GraphiQL's dialogs lock the page's scrolling with a <style> element they add while open. The page's policy
// admits it only with this response's nonce, which the bundled code reads from __webpack_nonce__.
window.__webpack_nonce__ = document.currentScript.nonce;

(() => {
  const mount = document.getElementById("graphiql");
  const parameters = new URLSearchParams(window.location.search);
  const headers = parameters.get("headers") ?? undefined;
  const linkedHeaders = jsonObject(headers);
  const fetchHere = GraphiQL.createFetcher({ url: window.location.pathname });
  // GraphiQL 4 asks for the schema once at start, before its Headers editor exists, so with no token: a schema
  // request that carries no headers is sent with the link's (else docs and completion stay empty).
  const fetcher = (request, options) => fetchHere(request,
    options?.headers || request.operationName !== "IntrospectionQuery" ? options : { ...options, headers: linkedHeaders });
  ReactDOM.createRoot(mount).render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: mount.dataset.exampleQuery,
    headers,
    variables: parameters.get("variables") ?? undefined,
    defaultEditorToolsVisibility: headers ? "headers" : true,
    shouldPersistHeaders: false, // a token stays in this page, never in localStorage
  }));
})();

function jsonObject(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
