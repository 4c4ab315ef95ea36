"""The media type of an answer (Accept negotiation) and the HTTP status that goes with it.

GraphQL over HTTP (draft): `application/graphql-response+json` is the preferred type, and the one
assumed when the client sends no Accept header (after the 2025-01-01 watershed); `application/json`
is the legacy type, under which a well-formed request refused for what it asks is answered 200.
"""
from __future__ import annotations

import codecs

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
SUPPORTED = (GRAPHQL_RESPONSE_JSON, JSON)  # in the server's order of preference


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def negotiate(accept: str | None) -> str | None:
    """The supported media type the Accept header rates highest (the server's preference on a tie);
    None when the header accepts neither."""
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE_JSON
    ranges = [parsed for part in accept.split(",") if (parsed := _media_range(part)) is not None]
    rated = [(_quality(media_type, ranges), media_type) for media_type in SUPPORTED]
    quality, chosen = max(rated, key=lambda pair: pair[0])  # max keeps the first of equals
    return chosen if quality > 0 else None


def _media_range(text: str) -> tuple[str, float, str | None] | None:
    """(type/subtype, q, charset) of one Accept element; None if it is malformed."""
    name, *parameters = (piece.strip() for piece in text.split(";"))
    if name.count("/") != 1:
        return None
    quality, charset = 1.0, None
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        key, value = key.strip().lower(), value.strip().strip('"')
        if key == "q":
            try:
                quality = float(value)
            except ValueError:
                return None
            if not 0 <= quality <= 1:
                return None
        elif key == "charset":
            charset = value
    return name.lower(), quality, charset


def _quality(media_type: str, ranges: list[tuple[str, float, str | None]]) -> float:
    """The q of the most specific range matching `media_type` (RFC 9110 §12.5.1); 0 if none does."""
    kind = media_type.split("/", maxsplit=1)[0]
    specificity = {media_type: 3, f"{kind}/*": 2, "*/*": 1}
    best_specificity, quality = 0, 0.0
    for name, q, charset in ranges:
        rank = specificity.get(name, 0)
        if rank > best_specificity and is_utf8(charset):
            best_specificity, quality = rank, q
    return quality


def is_utf8(charset: str | None) -> bool:
    if charset is None:
        return True
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


def answer_status(media_type: str, status: int, on_content: bool) -> int:
    """The status to send: under `application/json` a well-formed request refused for its content
    (document, operation, variables, arguments, fields asked) is answered 200, as the spec says;
    under `application/graphql-response+json` the 4xx stands. 429 (the lookup budget's, refused
    once the content is read) stands under both, like the rate limits', for its Retry-After."""
    if media_type == JSON and on_content and 400 <= status < 500 and status != 429:
        return 200
    return status
