"""The keyed tag under which an entry names a person or legal entity, never the identifier itself."""
from __future__ import annotations

import hashlib
import hmac

from catalog.formats import InvalidIdentifier, normalize_citizen_id, normalize_uscc


def subject_tag(key: bytes, subject: str) -> str:
    """Hex HMAC-SHA256 of the subject's canonical form: a citizen ID number, else a USCC.

    Raises InvalidIdentifier when the subject is neither."""
    return tag_of_canonical(key, _normalized(subject))


def tag_of_canonical(key: bytes, subject: str) -> str:
    """The tag of a subject already in canonical form (as its registry stores it)."""
    return hmac.new(key, subject.encode("utf-8"), hashlib.sha256).hexdigest()


def _normalized(subject: str) -> str:
    try:
        return normalize_citizen_id(subject)
    except InvalidIdentifier as not_a_citizen_id:
        try:
            return normalize_uscc(subject)
        except InvalidIdentifier as not_a_uscc:
            raise InvalidIdentifier(f"neither a citizen ID number ({not_a_citizen_id.reason}) "
                                    f"nor a USCC ({not_a_uscc.reason})") from None
