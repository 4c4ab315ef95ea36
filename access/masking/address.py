"""Address generalisation (R6): keep the address up to the county level, suppress the rest."""

import re

from access.masking.suppress import MASK_CHAR

_LEVEL_MARKERS = "省市区區县旗盟"
# Sub-county words: excluding them stops a county-level city (X市) followed by a town, street or
# building from being read as prefecture + county. Real counties containing them degrade safely.
_SUB_COUNTY_WORDS = "镇乡街路村巷弄号栋室厦苑院"


def _chinese_name(excluded: str, most: int) -> str:
    return rf"(?:(?![{excluded}])[\u3400-\u9fff]){{1,{most}}}?"


_COUNTY_LEVEL_PREFIX = re.compile(
    rf"(?:{_chinese_name(_LEVEL_MARKERS, 7)}(?:省|自治区|特别行政区|特別行政區|市))?"
    rf"(?:{_chinese_name(_LEVEL_MARKERS, 10)}(?:市|自治州|地区|盟))?"
    rf"{_chinese_name(_LEVEL_MARKERS + _SUB_COUNTY_WORDS, 15)}"
    r"(?:(?<![小社校])区|區|县|旗|市)"  # 小区/社区/校区 are compounds, communities and campuses
)
_FALLBACK_VISIBLE = 3
_MAX_STARS = 6  # caps the star run so the length of the hidden part is not revealed


def generalize_address(address: str) -> str:
    """Keep the address up to the county; without a recognisable county keep a short prefix."""
    if not address:
        return address
    match = _COUNTY_LEVEL_PREFIX.match(address)
    if match is not None:
        visible = match.group()
    else:
        visible = address[: min(_FALLBACK_VISIBLE, len(address) - 1)]
    return visible + MASK_CHAR * min(_MAX_STARS, max(1, len(address) - len(visible)))
