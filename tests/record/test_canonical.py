import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from record.canonical import canonical_json

INT64 = st.integers(min_value=-(2**63), max_value=2**64 - 1)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | INT64 | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def test_an_access_entry_has_exactly_these_bytes():
    entry = {"purpose": "social-assistance-review", "dept": "civil-affairs",
             "fields": ("Person.name", "Person.idNumber"),
             "masked": {"Person.idNumber": "R1b"}, "size": 2, "strict": False, "ref": None, "score": 0.5}
    assert canonical_json(entry) == (
        b'{"dept":"civil-affairs","fields":["Person.name","Person.idNumber"],"masked":{"Person.idNumber":"R1b"},'
        b'"purpose":"social-assistance-review","ref":null,"score":0.5,"size":2,"strict":false}')


def test_has_no_whitespace_between_tokens():
    assert canonical_json({"a": [1, 2.5, None], "b": {"c": True}}) == b'{"a":[1,2.5,null],"b":{"c":true}}'


def test_keys_are_sorted_at_every_depth_whatever_the_insertion_order():
    nested = {"b": {"y": 1, "x": 2}, "a": [{"d": 1, "c": 2}]}
    assert canonical_json(nested) == b'{"a":[{"c":2,"d":1}],"b":{"x":2,"y":1}}'
    assert canonical_json({"b": 1, "a": 2}) == canonical_json({"a": 2, "b": 1})


def test_chinese_is_utf8_not_escaped():
    assert canonical_json({"部门": "民政局", "姓名": "张三"}) == '{"姓名":"张三","部门":"民政局"}'.encode()


def test_escapes_only_what_json_requires():
    assert canonical_json('a"b\\c\nd\u0001') == b'"a\\"b\\\\c\\nd\\u0001"'


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_refuses_floats_that_are_not_finite(number):
    with pytest.raises(TypeError, match="float"):
        canonical_json({"x": [1, number]})


@pytest.mark.parametrize("key", [1, None, True, 1.5, ("a", "b")])
def test_refuses_keys_that_are_not_strings(key):
    with pytest.raises(TypeError, match="keys must be str"):
        canonical_json({"nested": {key: 1}})


@pytest.mark.parametrize("value", [{1, 2}, b"bytes", object()])
def test_refuses_values_json_cannot_represent(value):
    with pytest.raises(TypeError):
        canonical_json([value])


@given(JSON_VALUES)
def test_is_json_and_stable(value):
    encoded = canonical_json(value)
    decoded = json.loads(encoded.decode("utf-8"))
    assert decoded == value
    assert canonical_json(decoded) == encoded


@given(st.dictionaries(st.text(max_size=8), INT64, max_size=8))
def test_insertion_order_does_not_matter(mapping):
    assert canonical_json(dict(reversed(list(mapping.items())))) == canonical_json(mapping)


def test_integers_beyond_64_bits_are_refused():
    with pytest.raises(TypeError, match="64-bit"):
        canonical_json({"n": 2**64})
