"""Subject tags: keyed, over the canonical form of a citizen ID number or USCC."""
from __future__ import annotations

import datetime
import hashlib
import hmac

import pytest

from catalog.formats import InvalidIdentifier, make_citizen_id, make_uscc
from record.subjects import subject_tag

KEY = b"subject-key"
CITIZEN = make_citizen_id("110105", datetime.date(1990, 7, 1), 2)  # check character X
USCC = make_uscc("9", "1", "110105", "MA01234X")


def test_a_tag_is_the_hmac_of_the_canonical_identifier() -> None:
    assert subject_tag(KEY, CITIZEN) == hmac.new(KEY, CITIZEN.encode(), hashlib.sha256).hexdigest()


def test_spelling_variants_of_one_identifier_share_a_tag() -> None:
    assert subject_tag(KEY, f" {CITIZEN[:6]} {CITIZEN[6:].lower()} ") == subject_tag(KEY, CITIZEN)
    assert subject_tag(KEY, USCC.lower()) == subject_tag(KEY, USCC)


def test_tags_depend_on_the_key() -> None:
    assert subject_tag(b"another key", CITIZEN) != subject_tag(KEY, CITIZEN)


def test_anything_else_is_refused() -> None:
    with pytest.raises(InvalidIdentifier, match=r"neither a citizen ID number .* nor a USCC"):
        subject_tag(KEY, CITIZEN[:-1] + "0")
