"""County-level GB/T 2260 divisions in force today, read from python-stdnum's table (stdnum cn/loc)."""

import bisect
import functools
import random
from dataclasses import dataclass

from stdnum import numdb

# Mainland provinces; 71 (Taiwan), 81 and 82 (HK, Macau) have no counties in the table.
_PROVINCE_PREFIXES = range(11, 66)
_PLACEHOLDER_NAMES = ("市辖区", "县")
_NOT_ADMINISTERED = ("350527",)  # 金门县: a code in force, but the county is governed from Taiwan
_ALWAYS = 0

PROVINCE_ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}


@dataclass(frozen=True)
class County:
    code: str
    province: str
    prefecture: str  # "" for districts of municipalities and counties directly under a province
    name: str
    since: int  # first year of continuous use of the code (0: since the table starts)

    @property
    def prefecture_code(self) -> str:
        return self.code[:4] + "00"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def full_name(self) -> str:
        return self.province + self.prefecture + self.name


def current_name(history: str) -> tuple[str, int] | None:
    """Parse a stdnum history like "[-1991]东郊区,[1992-]东丽区" into (current name, first year in use).

    The first year goes back through renamings without a gap ("[-1991]…,[1992-]…" gives 0, meaning
    since the table starts). Returns None when the last entry has an end year: the code is abolished.
    """
    periods = [_period(entry) for entry in history.split(",")]
    name, start, end = periods[-1]
    if end is not None:
        return None
    for _name, earlier_start, earlier_end in reversed(periods[:-1]):
        if earlier_end is None or earlier_end + 1 < start:
            break
        start = earlier_start
    return name, start


def _period(entry: str) -> tuple[str, int, int | None]:
    if not entry.startswith("["):
        return entry, _ALWAYS, None
    years, name = entry[1:].split("]")
    start, end = years.split("-")
    return name, int(start) if start else _ALWAYS, int(end) if end else None


@functools.cache
def counties() -> tuple[County, ...]:
    """All county-level divisions in force, sorted by code (computed once per process)."""
    found = []
    for _length, province_code, _high, province_props, children in numdb.get("cn/loc").prefixes:
        if int(province_code) not in _PROVINCE_PREFIXES:
            continue
        names = {}
        for _length, suffix, _high, props, _children in children:
            parsed = current_name(props.get("county", ""))
            if parsed is not None:
                names[suffix] = parsed
        for suffix, (name, since) in names.items():
            code = province_code + suffix
            if suffix.endswith("00") or name in _PLACEHOLDER_NAMES or code in _NOT_ADMINISTERED:
                continue
            prefecture, _ = names.get(suffix[:2] + "00", ("", _ALWAYS))
            if prefecture in _PLACEHOLDER_NAMES or prefecture.endswith("直辖县级行政单位"):
                prefecture = ""
            found.append(County(code, province_props["province"], prefecture, name, since))
    return tuple(sorted(found, key=lambda county: county.code))


@functools.cache
def county_by_code() -> dict[str, County]:
    return {county.code: county for county in counties()}


@functools.cache
def _counties_by_since() -> tuple[list[int], list[County]]:
    ordered = sorted(counties(), key=lambda county: (county.since, county.code))
    return [county.since for county in ordered], ordered


def random_county(rng: random.Random, existing_in: int | None = None) -> County:
    """A county in force today; with existing_in, only those whose code was already in use that year."""
    sinces, ordered = _counties_by_since()
    available = len(ordered) if existing_in is None else bisect.bisect_right(sinces, existing_in)
    return ordered[rng.randrange(available)]
