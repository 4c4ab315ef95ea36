"""County table read from python-stdnum's GB/T 2260 data."""

import random

import pytest

from departments.synthetic.regions import county_by_code, current_name, random_county


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ("朝阳区", ("朝阳区", 0)),
        ("[1983-]长安区", ("长安区", 1983)),
        ("[-1991]东郊区,[1992-]东丽区", ("东丽区", 0)),  # renamed without a gap: in use all along
        ("[1986-1989]义马市,[1997-]济源市", ("济源市", 1997)),  # a gap: only the current use counts
        ("[-2010]崇文区", None),
        ("[-1992]完县,[1993-1994]顺平县", None),
    ],
)
def test_current_name_and_first_year_of_use(history, expected):
    assert current_name(history) == expected


def test_counties_carry_their_province_and_prefecture_names():
    counties = county_by_code()
    assert counties["130102"].full_name == "河北省石家庄市长安区"
    assert counties["110105"].full_name == "北京市朝阳区"  # municipal districts have no prefecture
    assert counties["429004"].full_name == "湖北省仙桃市"  # directly under the province


def test_abolished_placeholder_and_prefecture_codes_are_left_out():
    counties = county_by_code()
    assert not {"110103", "110100", "130100", "130101", "350527"} & counties.keys()


def test_random_county_respects_the_year_of_first_use():
    rng = random.Random(1)
    assert all(random_county(rng, existing_in=1960).since <= 1960 for _ in range(500))
