"""Keyed pseudonyms (R2): joinable within one consumer domain, unlinkable across domains."""

import base64
import hmac

from access.masking.context import MaskContext

TOKEN_LENGTH = 26  # base32 characters, 130 bits
_ENCODED_BYTES = 20  # 160 bits: covers the 130 kept, a multiple of 5 so no padding, half the encoding cost
_DOMAIN_SEPARATOR = b"\x1f"


def pseudonym_token(value: str, context: MaskContext) -> str:
    """base32(HMAC-SHA256(key, domain || 0x1F || value without spaces, upper-cased))[:26]."""
    normalized = "".join(value.split()).upper()
    message = context.domain.encode() + _DOMAIN_SEPARATOR + normalized.encode()
    digest = hmac.digest(context.token_key, message, "sha256")
    return base64.b32encode(digest[:_ENCODED_BYTES]).decode("ascii")[:TOKEN_LENGTH]
