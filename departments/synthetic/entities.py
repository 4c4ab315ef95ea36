"""Synthetic rows of the legal-entity registry (fr_jbxx), represented by people of the population."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from faker import Faker

from catalog.formats import make_uscc
from catalog.formats.uscc import USCC_ALPHABET
from departments.synthetic.addresses import Addresses
from departments.synthetic.authorities import Authorities
from departments.synthetic.dates import add_years, age_on
from departments.synthetic.regions import County, county_by_code, random_county
from departments.synthetic.weighted import WeightedChoice

_ADULT_AGE = 18
_UNIFORM_CODE_REFORM = datetime.date(2015, 10, 1)  # new entities get 'MA…' organisation codes
_LOCAL_REPRESENTATIVE_SHARE = 0.7  # entity registered in its representative's household county
_DISTINCT_REPRESENTATIVES_PER_ENTITY = 0.8  # below 1, so some people represent several entities
_PRECISE_CAPITAL_SHARE = 0.1
_REGISTRATION_STATUS = WeightedChoice({"1": 85, "2": 4, "3": 9, "4": 0.5, "5": 1.5})


@dataclass(frozen=True)
class Industry:
    company_word: str  # in company, partnership and cooperative names
    shop_word: str  # in names of sole proprietorships and individual businesses
    scope: str


INDUSTRY_PROFILES = {
    "A0141": Industry("蔬菜种植", "蔬菜种植场", "蔬菜种植、销售；组织采购、供应成员所需的农业生产资料；组织收购、销售成员种植的蔬菜；开展与蔬菜种植有关的技术培训、技术交流和信息咨询服务。"),
    "A0151": Industry("果品种植", "果园", "水果种植、销售；组织收购、销售成员种植的水果；引进新技术、新品种，开展技术培训、技术交流和信息咨询服务。"),
    "A0313": Industry("生猪养殖", "养殖场", "生猪养殖、销售；组织采购、供应成员所需的饲料、兽药；开展与养殖业有关的技术培训和信息咨询服务。"),
    "A0512": Industry("农机服务", "农机服务站", "为成员提供农业机械耕地、播种、收割、植保服务；农业机械维修；农业技术咨询服务。"),
    "C1431": Industry("食品", "食品厂", "米、面制品制造；食品生产；食品销售；农副产品收购。(依法须经批准的项目，经相关部门批准后方可开展经营活动)"),
    "C3311": Industry("钢结构", "钢结构厂", "金属结构制造；金属结构销售；钢结构工程施工；金属材料销售。"),
    "E4710": Industry("建设工程", "建筑工程队", "房屋建筑工程施工；建设工程施工；土石方工程施工；建筑材料销售。(依法须经批准的项目，经相关部门批准后方可开展经营活动)"),
    "E4813": Industry("市政工程", "市政工程队", "市政道路工程施工；园林绿化工程施工；城市照明工程施工；建筑劳务分包。"),
    "E5012": Industry("装饰工程", "装饰部", "住宅室内装饰装修；建筑装饰材料销售；家具安装和维修服务。"),
    "F5121": Industry("粮油贸易", "粮油店", "食用农产品批发；粮油批发；食品经营(销售预包装食品)；货物进出口。"),
    "F5212": Industry("超市", "超市", "食品经营；日用百货销售；日用杂品销售；烟草制品零售；家用电器销售。"),
    "F5213": Industry("便利店", "便利店", "食品经营(销售预包装食品)；日用百货销售；烟草制品零售；文具用品零售。"),
    "F5223": Industry("果蔬", "果蔬店", "新鲜水果零售；新鲜蔬菜零售；食用农产品零售；食品经营(销售预包装食品)。"),
    "G5421": Industry("客运", "客运站", "道路旅客运输经营；省际客运；旅客票务代理；汽车租赁。(依法须经批准的项目，经相关部门批准后方可开展经营活动)"),
    "G5431": Industry("物流", "货运部", "道路货物运输(不含危险货物)；普通货物仓储服务；装卸搬运；国内货物运输代理。"),
    "H6210": Industry("餐饮管理", "饭店", "餐饮服务；餐饮管理；食品经营(销售预包装食品)；酒类经营。"),
    "H6220": Industry("快餐", "快餐店", "餐饮服务(快餐)；小餐饮；食品经营(销售散装食品)。"),
    "I6513": Industry("软件科技", "软件工作室", "软件开发；信息技术咨询服务；信息系统集成服务；数据处理服务；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广。"),
    "I6531": Industry("信息技术", "网络工程部", "信息系统集成服务；计算机系统服务；网络技术服务；安全技术防范系统设计施工服务；计算机软硬件及辅助设备零售。"),
    "I6560": Industry("信息咨询", "咨询工作室", "信息技术咨询服务；企业管理咨询；信息咨询服务(不含许可类信息咨询服务)；市场调查(不含涉外调查)。"),
    "K7010": Industry("房地产开发", "房产经营部", "房地产开发经营；房地产经纪；物业管理；住房租赁。(依法须经批准的项目，经相关部门批准后方可开展经营活动)"),
    "K7020": Industry("物业管理", "物业服务部", "物业管理；停车场服务；家政服务；园林绿化工程施工；专业保洁、清洗、消毒服务。"),
    "L7212": Industry("投资管理", "投资管理部", "以自有资金从事投资活动；企业管理咨询；股权投资。(除依法须经批准的项目外，凭营业执照依法自主开展经营活动)"),
    "O8040": Industry("美容美发", "理发店", "理发服务；生活美容服务；化妆品零售；个人卫生用品销售。"),
    "O8111": Industry("汽车服务", "汽车修理部", "机动车修理和维护；汽车零配件零售；洗车服务；轮胎销售。"),
    "P8393": Industry("文化艺术培训", "艺术培训中心", "文艺创作；组织文化艺术交流活动；教育咨询服务(不含涉许可审批的教育培训活动)；乐器零售。"),
}


@dataclass(frozen=True)
class EntityKind:
    type_code: str
    uscc_category: str  # GB 32100 position 2 under registration department 9: 1 企业, 2 个体工商户, 3 合作社
    share: float
    earliest: datetime.date  # when the legal form became available
    industries: tuple[str, ...]
    name_format: str  # fields: place, trade, word
    capital_options: tuple[int, ...]  # 万元
    currencies: tuple[str, ...]
    capital_share: float = 1.0  # share of entities of this kind that declare capital


_COMPANY_INDUSTRIES = ("C1431", "C3311", "E4710", "E4813", "E5012", "F5121", "F5212", "G5421", "G5431",
                       "H6210", "I6513", "I6531", "I6560", "K7010", "K7020", "O8111", "P8393")
_SHOP_INDUSTRIES = ("E5012", "F5213", "F5223", "H6210", "H6220", "O8040", "O8111", "P8393")
_COOPERATIVE_INDUSTRIES = ("A0141", "A0151", "A0313", "A0512")

KINDS = (
    EntityKind("1130", "1", 0.40, datetime.date(1994, 7, 1), _COMPANY_INDUSTRIES,
               "{place}{trade}{word}有限公司", (10, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000), ("CNY",)),
    EntityKind("1151", "1", 0.12, datetime.date(2006, 1, 1), _COMPANY_INDUSTRIES,
               "{place}{trade}{word}有限公司", (10, 20, 30, 50, 100, 200, 500), ("CNY",)),
    EntityKind("1220", "1", 0.03, datetime.date(1994, 7, 1),
               ("C1431", "C3311", "E4710", "E4813", "I6513", "I6531", "K7010"),
               "{place}{trade}{word}股份有限公司", (1000, 2000, 3000, 5000, 10000, 20000), ("CNY",)),
    EntityKind("5110", "1", 0.015, datetime.date(1990, 1, 1), ("C1431", "C3311", "H6210", "I6513", "I6531", "K7010"),
               "{place}{trade}{word}有限公司", (100, 200, 500, 1000, 3000), ("USD", "EUR", "CNY")),
    EntityKind("6110", "1", 0.01, datetime.date(1990, 1, 1), ("C1431", "H6210", "I6513", "K7010"),
               "{place}{trade}{word}有限公司", (100, 200, 500, 1000), ("HKD", "CNY")),
    EntityKind("4531", "1", 0.01, datetime.date(1997, 8, 1), ("I6560", "L7212"),
               "{place}{trade}{word}中心(普通合伙)", (100, 300, 500, 1000), ("CNY",)),
    EntityKind("4533", "1", 0.025, datetime.date(2007, 6, 1), ("L7212",),
               "{place}{trade}{word}合伙企业(有限合伙)", (500, 1000, 3000, 5000, 10000), ("CNY",)),
    EntityKind("4540", "1", 0.06, datetime.date(2000, 1, 1), _SHOP_INDUSTRIES,
               "{place}{trade}{word}", (1, 3, 5, 10, 20, 50), ("CNY",)),
    EntityKind("9100", "3", 0.07, datetime.date(2007, 7, 1), _COOPERATIVE_INDUSTRIES,
               "{place}{trade}{word}专业合作社", (5, 10, 30, 50, 100, 200), ("CNY",)),
    EntityKind("9600", "2", 0.25, datetime.date(1987, 9, 1), ("F5213", "F5223", "H6210", "H6220", "O8040", "O8111"),
               "{place}{trade}{word}", (1, 2, 3, 5, 10), ("CNY",), capital_share=0.15),
)
_KIND = WeightedChoice({kind: kind.share for kind in KINDS})
_SHOP_KINDS = ("4540", "9600")  # named with a shop word rather than an industry word
_COUNTY_NAMED_KINDS = ("4540", "9100", "9600")  # named after the county rather than the city


def generate_entities(
    count: int,
    rng: random.Random,
    faker: Faker,
    people: list[dict[str, Any]],
    addresses: Addresses,
    authorities: Authorities,
    as_of: datetime.date,
) -> list[dict[str, Any]]:
    adults = [p for p in people if p["ryztdm"] == "0" and age_on(p["csrq"], as_of) >= _ADULT_AGE]
    if not adults:
        raise ValueError("the population has no living adult to act as legal representative")
    pool_size = max(1, min(len(adults), round(count * _DISTINCT_REPRESENTATIVES_PER_ENTITY)))
    representatives = rng.sample(adults, pool_size)
    codes: set[str] = set()
    rows = []
    for _ in range(count):
        representative = rng.choice(representatives)
        rows.append(_entity(rng, faker, _KIND(rng), representative, addresses, authorities, as_of, codes))
    return rows


def _entity(
    rng: random.Random,
    faker: Faker,
    kind: EntityKind,
    representative: dict[str, Any],
    addresses: Addresses,
    authorities: Authorities,
    as_of: datetime.date,
    codes: set[str],
) -> dict[str, Any]:
    earliest = max(kind.earliest, add_years(representative["csrq"], _ADULT_AGE))
    established = _recent_biased_date(rng, earliest, as_of)
    county = _registration_county(rng, representative, established)
    industry_code = rng.choice(kind.industries)
    capital, currency = _capital(rng, kind)
    return {
        "tyshxydm": _unique_uscc(rng, kind, county, established, codes),
        "mc": _name(faker, kind, county, industry_code),
        "ztlx": kind.type_code,
        "fddbr": representative["xm"],
        "fddbrzjhm": representative["gmsfhm"],
        "clrq": established,
        "zczb": capital,
        "bz": currency,
        "zs": addresses.street_address(county),
        "jyfw": INDUSTRY_PROFILES[industry_code].scope,
        "djjg": authorities.market_regulator(county).name,
        "djzt": _REGISTRATION_STATUS(rng),
        "hydm": industry_code,
        "lxdh": faker.phone_number(),
    }


def _recent_biased_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    # Registrations have grown year on year, so later dates are likelier.
    return datetime.date.fromordinal(round(rng.triangular(first.toordinal(), last.toordinal(), last.toordinal())))


def _registration_county(rng: random.Random, representative: dict[str, Any], established: datetime.date) -> County:
    # The code region is the registering authority's when the code was assigned (2015 at the earliest).
    assigned_year = max(established.year, _UNIFORM_CODE_REFORM.year)
    home = county_by_code()[representative["hjdssxdm"]]
    if rng.random() < _LOCAL_REPRESENTATIVE_SHARE and home.since <= assigned_year:
        return home
    return random_county(rng, existing_in=assigned_year)


def _unique_uscc(
    rng: random.Random, kind: EntityKind, county: County, established: datetime.date, codes: set[str]
) -> str:
    while True:
        if established >= _UNIFORM_CODE_REFORM:
            org_body = "MA" + "".join(rng.choices(USCC_ALPHABET, k=6))
        else:
            org_body = f"{rng.randrange(10**8):08d}"
        code = make_uscc("9", kind.uscc_category, county.code, org_body)
        if code not in codes:
            codes.add(code)
            return code


def _name(faker: Faker, kind: EntityKind, county: County, industry_code: str) -> str:
    industry = INDUSTRY_PROFILES[industry_code]
    return kind.name_format.format(
        place=county.name if kind.type_code in _COUNTY_NAMED_KINDS else (county.prefecture or county.province),
        trade=_trade_name(faker),
        word=industry.shop_word if kind.type_code in _SHOP_KINDS else industry.company_word,
    )


def _trade_name(faker: Faker) -> str:
    # Faker's prefixes include a few ending in 公司, which cannot be part of a trade name.
    while "公司" in (trade := faker.company_prefix()):
        pass
    return trade


def _capital(rng: random.Random, kind: EntityKind) -> tuple[Decimal | None, str | None]:
    if rng.random() >= kind.capital_share:
        return None, None
    amount = Decimal(rng.choice(kind.capital_options))
    if rng.random() < _PRECISE_CAPITAL_SHARE:
        amount = amount * Decimal(rng.randint(5000, 20000)) / Decimal(10000)
    return amount.quantize(Decimal("0.0001")), rng.choice(kind.currencies)
