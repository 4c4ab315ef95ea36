"""Government agencies that register entities and issue licences, named after their own region."""

import random
from dataclasses import dataclass

from catalog.formats import make_uscc
from departments.synthetic.regions import County

_MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True)
class Authority:
    name: str
    uscc: str


class Authorities:
    """Creates each agency once, with a unique USCC of category 11 (机关) and the agency's region."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._by_name: dict[str, Authority] = {}
        self._codes: set[str] = set()

    def market_regulator(self, county: County) -> Authority:
        return self._get(f"{_qualified_name(county)}市场监督管理局", county.code)

    def traffic_police(self, county: County) -> Authority:
        return self._get(f"{_city_name(county)}公安局交通警察支队", _city_code(county))

    def public_security_branch(self, county: County) -> Authority:
        city = _city_name(county)
        if city == county.name:
            return self._get(f"{city}公安局", county.code)
        return self._get(f"{city}公安局{county.name}分局", county.code)

    def education_bureau(self, county: County) -> Authority:
        return self._get(f"{_city_name(county)}教育局", _city_code(county))

    def health_commission(self, county: County) -> Authority:
        return self._get(f"{county.province}卫生健康委员会", county.province_code)

    def disabled_persons_federation(self, county: County) -> Authority:
        return self._get(f"{_qualified_name(county)}残疾人联合会", county.code)

    def transport_bureau(self, county: County) -> Authority:
        return self._get(f"{_city_name(county)}交通运输局", _city_code(county))

    def housing_department(self, county: County) -> Authority:
        return self._get(f"{county.province}住房和城乡建设厅", county.province_code)

    def _get(self, name: str, region_code: str) -> Authority:
        if name not in self._by_name:
            self._by_name[name] = Authority(name, self._new_code(region_code))
        return self._by_name[name]

    def _new_code(self, region_code: str) -> str:
        while True:
            code = make_uscc("1", "1", region_code, f"{self._rng.randrange(10**8):08d}")
            if code not in self._codes:
                self._codes.add(code)
                return code


def _city_name(county: County) -> str:
    """The prefecture-level city, the municipality, or the county itself when under the province."""
    if county.prefecture:
        return county.prefecture
    return county.province if county.code[:2] in _MUNICIPALITIES else county.name


def _city_code(county: County) -> str:
    if county.prefecture:
        return county.prefecture_code
    return county.province_code if county.code[:2] in _MUNICIPALITIES else county.code


def _qualified_name(county: County) -> str:
    city = _city_name(county)
    return county.name if city == county.name else city + county.name
