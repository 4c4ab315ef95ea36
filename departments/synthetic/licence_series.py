"""Which licences each person and entity holds: type, issuer, number and the succession of terms.

A series is one holder's successive licences of one type (renewals, or versions of a business
licence), oldest first. The registry only holds the latest few of each series.
"""

import datetime
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from catalog.code_tables import LICENCE_TYPES
from departments.synthetic.authorities import Authorities, Authority
from departments.synthetic.dates import add_years, age_on, random_date
from departments.synthetic.regions import PROVINCE_ABBREVIATIONS, County, county_by_code

_TYPE_CODES = {name: code for code, name in LICENCE_TYPES.items()}
_DRIVING_LICENCE = _TYPE_CODES["机动车驾驶证"]
_RESIDENCE_PERMIT = _TYPE_CODES["居住证"]
_TEACHER_QUALIFICATION = _TYPE_CODES["教师资格证书"]
_PHYSICIAN_QUALIFICATION = _TYPE_CODES["医师资格证书"]
_DISABILITY_CARD = _TYPE_CODES["残疾人证"]
BUSINESS_LICENCE = _TYPE_CODES["营业执照"]
_FOOD_PERMIT = _TYPE_CODES["食品经营许可证"]
_ROAD_TRANSPORT_PERMIT = _TYPE_CODES["道路运输经营许可证"]
_CONSTRUCTION_QUALIFICATION = _TYPE_CODES["建筑业企业资质证书"]

# 食品经营许可证 主体业态: 1 食品销售经营者, 2 餐饮服务经营者
_FOOD_BUSINESS_BY_INDUSTRY = {"F5121": "1", "F5212": "1", "F5213": "1", "F5223": "1", "H6210": "2", "H6220": "2"}
_ROAD_TRANSPORT_INDUSTRIES = ("G5421", "G5431")
_CONSTRUCTION_INDUSTRIES = ("E4710", "E4813", "E5012")
_COMPANY_TYPES = ("1130", "1151", "1220", "5110", "6110")
_FOOD_PERMITS_SINCE = datetime.date(2015, 10, 1)
_OPERATING_PERIOD_YEARS = (20, 30, 50)
# Licence status of the business licence / other licences of an entity that is no longer 存续.
_BUSINESS_LICENCE_STATUS_BY_REGISTRATION = {"2": "3", "3": "2", "4": "4", "5": "2"}
_PERMIT_STATUS_AFTER_CLOSURE = "2"
_STATUS_OF_LICENCES_OF_THE_DEAD = "2"


@dataclass(frozen=True)
class Holder:
    code: str
    code_type: str  # 持证主体代码类型: 111 citizen ID, 001 USCC
    name: str
    former_name: str | None = None


@dataclass(frozen=True)
class Term:
    issued: datetime.date
    valid_from: datetime.date
    valid_to: datetime.date | None  # None: permanent


@dataclass(frozen=True)
class Series:
    type_code: str
    holder: Holder
    issuer: Authority
    number: str  # 证照编号, kept across renewals
    terms: tuple[Term, ...]
    versioned: bool  # later terms are new versions of the same licence rather than new licences
    closed_on: datetime.date | None = None  # holder died; nothing is issued afterwards
    closed_status: str | None = None  # status of the latest licence once the holder is gone


def person_series(
    rng: random.Random, person: dict[str, Any], residence: County, authorities: Authorities, as_of: datetime.date
) -> list[Series]:
    holder = _Person(person, county_by_code()[person["hjdssxdm"]], residence, person["swrq"] or as_of)
    rules = (_driving_licence, _residence_permit, _teacher_qualification, _physician_qualification, _disability_card)
    return [series for rule in rules if (series := rule(rng, holder, authorities)) is not None]


def entity_series(
    rng: random.Random, entity: dict[str, Any], authorities: Authorities, as_of: datetime.date
) -> list[Series]:
    """The business licence first (every entity has one), then the permits its industry needs."""
    holder = _Entity(entity, county_by_code()[entity["tyshxydm"][2:8]], as_of)
    rules = (_food_permit, _road_transport_permit, _construction_qualification)
    permits = [series for rule in rules if (series := rule(rng, holder, authorities)) is not None]
    return [_business_licence(rng, holder, authorities), *permits]


@dataclass(frozen=True)
class _Person:
    row: dict[str, Any]
    household: County
    residence: County
    last_day: datetime.date  # death or as_of

    @property
    def age(self) -> int:
        return age_on(self.row["csrq"], self.last_day)

    def first_issue(self, rng: random.Random, min_age: int, since: datetime.date) -> datetime.date | None:
        """A first issue date from the later of `since` and the `min_age` birthday; None if none is possible."""
        earliest = max(add_years(self.row["csrq"], min_age), since)
        return random_date(rng, earliest, self.last_day) if earliest <= self.last_day else None

    def series(
        self, type_code: str, issuer: Authority, number: str, first: datetime.date, years: Iterable[int | None]
    ) -> Series:
        row = self.row
        return Series(
            type_code, Holder(row["gmsfhm"], "111", row["xm"], row["cym"]), issuer, number,
            _successive_terms(first, years, self.last_day), versioned=False,
            closed_on=row["swrq"], closed_status=_STATUS_OF_LICENCES_OF_THE_DEAD if row["swrq"] else None,
        )


def _driving_licence(rng: random.Random, person: _Person, authorities: Authorities) -> Series | None:
    share = 0.62 if person.age < 60 else 0.35 if person.age < 70 else 0.12
    first = person.first_issue(rng, 18, datetime.date(1985, 1, 1))
    if first is None or rng.random() >= share:
        return None
    issuer = authorities.traffic_police(person.household)
    return person.series(_DRIVING_LICENCE, issuer, person.row["gmsfhm"], first, (6, 10, None))


def _residence_permit(rng: random.Random, person: _Person, authorities: Authorities) -> Series | None:
    first = person.first_issue(rng, 16, datetime.date(2016, 1, 1))
    if first is None or person.residence == person.household or rng.random() >= 0.8:
        return None
    number = f"{person.residence.code}{first.year}{rng.randrange(10**6):06d}"
    issuer = authorities.public_security_branch(person.residence)
    return person.series(_RESIDENCE_PERMIT, issuer, number, first, itertools.repeat(1))


def _teacher_qualification(rng: random.Random, person: _Person, authorities: Authorities) -> Series | None:
    first = person.first_issue(rng, 21, datetime.date(1996, 1, 1))
    if first is None or person.row["whcddm"] not in ("10", "20", "30") or rng.random() >= 0.08:
        return None
    level = rng.choice("1234")  # 幼儿园 小学 初级中学 高级中学
    number = f"{first.year}{person.household.code[:4]}{level}{person.row['xbdm']}{rng.randrange(10**7):07d}"
    issuer = authorities.education_bureau(person.household)
    return person.series(_TEACHER_QUALIFICATION, issuer, number, first, (None,))


def _physician_qualification(rng: random.Random, person: _Person, authorities: Authorities) -> Series | None:
    first = person.first_issue(rng, 24, datetime.date(1999, 5, 1))
    if first is None or person.row["whcddm"] not in ("10", "20") or rng.random() >= 0.05:
        return None
    category = rng.choice("1234")  # 临床 中医 口腔 公共卫生
    number = f"{first.year}1{category}{person.household.code}{rng.randrange(10**5):05d}"
    issuer = authorities.health_commission(person.household)
    return person.series(_PHYSICIAN_QUALIFICATION, issuer, number, first, (None,))


def _disability_card(rng: random.Random, person: _Person, authorities: Authorities) -> Series | None:
    first = person.first_issue(rng, 3, datetime.date(2008, 1, 1))
    if first is None or rng.random() >= 0.035:
        return None
    number = person.row["gmsfhm"] + rng.choice("1234567") + rng.choice("1234")  # 残疾类别 + 残疾等级
    issuer = authorities.disabled_persons_federation(person.household)
    return person.series(_DISABILITY_CARD, issuer, number, first, itertools.repeat(10))


@dataclass(frozen=True)
class _Entity:
    row: dict[str, Any]
    county: County
    as_of: datetime.date

    def first_issue(
        self, rng: random.Random, earliest: datetime.date, within_years: int | None = None
    ) -> datetime.date:
        """A first issue date from `earliest` on, optionally within some years of establishment."""
        latest = self.as_of
        if within_years is not None:
            latest = min(add_years(self.row["clrq"], within_years), self.as_of)
        return random_date(rng, earliest, latest)

    def permit(self, type_code: str, issuer: Authority, number: str, first: datetime.date, years: int) -> Series:
        return Series(
            type_code, Holder(self.row["tyshxydm"], "001", self.row["mc"]), issuer, number,
            _successive_terms(first, itertools.repeat(years), self.as_of), versioned=False,
            closed_status=_PERMIT_STATUS_AFTER_CLOSURE if self.row["djzt"] != "1" else None,
        )


def _business_licence(rng: random.Random, entity: _Entity, authorities: Authorities) -> Series:
    row = entity.row
    return Series(
        BUSINESS_LICENCE, Holder(row["tyshxydm"], "001", row["mc"]), authorities.market_regulator(entity.county),
        row["tyshxydm"], _business_licence_versions(rng, row, entity.as_of), versioned=True,
        closed_status=_BUSINESS_LICENCE_STATUS_BY_REGISTRATION.get(row["djzt"]),
    )


def _food_permit(rng: random.Random, entity: _Entity, authorities: Authorities) -> Series | None:
    business = _FOOD_BUSINESS_BY_INDUSTRY.get(entity.row["hydm"])
    if business is None or rng.random() >= 0.85 or entity.as_of < _FOOD_PERMITS_SINCE:
        return None
    first = entity.first_issue(rng, max(entity.row["clrq"], _FOOD_PERMITS_SINCE))
    number = f"JY{business}{entity.county.code}{rng.randrange(10**7):07d}"
    return entity.permit(_FOOD_PERMIT, authorities.market_regulator(entity.county), number, first, 5)


def _road_transport_permit(rng: random.Random, entity: _Entity, authorities: Authorities) -> Series | None:
    if entity.row["hydm"] not in _ROAD_TRANSPORT_INDUSTRIES or rng.random() >= 0.9:
        return None
    first = entity.first_issue(rng, entity.row["clrq"], within_years=1)
    county = entity.county
    place = (county.prefecture or county.name)[0]
    number = f"{PROVINCE_ABBREVIATIONS[county.code[:2]]}交运管许可{place}字{county.code}{rng.randrange(10**6):06d}号"
    return entity.permit(_ROAD_TRANSPORT_PERMIT, authorities.transport_bureau(county), number, first, 4)


def _construction_qualification(rng: random.Random, entity: _Entity, authorities: Authorities) -> Series | None:
    row = entity.row
    if row["hydm"] not in _CONSTRUCTION_INDUSTRIES or row["ztlx"] not in _COMPANY_TYPES or rng.random() >= 0.8:
        return None
    first = entity.first_issue(rng, row["clrq"], within_years=2)
    number = f"D{rng.choice('123')}{entity.county.code[:2]}{rng.randrange(10**6):06d}"  # 资质等级 + 省 + 顺序号
    issuer = authorities.housing_department(entity.county)
    return entity.permit(_CONSTRUCTION_QUALIFICATION, issuer, number, first, 5)


def _successive_terms(first: datetime.date, years: Iterable[int | None], last_day: datetime.date) -> tuple[Term, ...]:
    """Terms renewed back to back from `first`; a None length is permanent and ends the series."""
    terms = []
    start = first
    for length in years:
        if start > last_day:
            break
        end = add_years(start, length) if length else None
        terms.append(Term(start, start, end))
        if end is None:
            break
        start = end
    return tuple(terms)


def _business_licence_versions(rng: random.Random, entity: dict[str, Any], as_of: datetime.date) -> tuple[Term, ...]:
    """A new version for each registered change; all versions keep the operating period."""
    established = entity["clrq"]
    operating_until = _operating_until(rng, entity, as_of)
    changes = rng.randint(0, (as_of - established).days // 500)
    dates = sorted(random_date(rng, established, as_of) for _ in range(changes))
    return tuple(Term(issued, established, operating_until) for issued in [established, *dates])


def _operating_until(rng: random.Random, entity: dict[str, Any], as_of: datetime.date) -> datetime.date | None:
    if entity["ztlx"] not in _COMPANY_TYPES or rng.random() < 0.6:
        return None
    until = add_years(entity["clrq"], rng.choice(_OPERATING_PERIOD_YEARS))
    return until if until > as_of else None
