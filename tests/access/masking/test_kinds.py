import datetime

import pytest

from access.masking import MASK_KINDS, MaskContext, MaskKind, build_row_masker
from access.masking.generalize import generalize_region_code

KEY = bytes.fromhex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
CONSUMER_A = MaskContext(token_key=KEY, domain="pop:consumerA", today=datetime.date(2026, 11, 22))
CONSUMER_B = MaskContext(token_key=KEY, domain="pop:consumerB", today=datetime.date(2026, 11, 22))
CITIZEN_ID = "11010519491231002X"
USCC = "91110000600037341L"


def mask(kind: str, value, row=None, context: MaskContext = CONSUMER_A):
    return MASK_KINDS[kind].apply(value, row or {}, context)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("R1a", CITIZEN_ID, "1****************X"),
        ("R1b", CITIZEN_ID, "110105********002X"),
        ("R1c", CITIZEN_ID, "1***************2X"),
        ("R2", CITIZEN_ID, "X2Q4THDXZZBVQH4KKRZV2EKZFI"),
        ("R2", "11010519491231002x", "X2Q4THDXZZBVQH4KKRZV2EKZFI"),
        ("R3", "张三丰", "张**"),
        ("R3", "欧阳娜娜", "欧阳**"),
        ("R3", "李四", "李*"),
        ("R4", "13812345678", "138****5678"),
        ("R5", "010-62345678", "010-******78"),
        ("R6", "北京市朝阳区建国路88号3栋2单元501室", "北京市朝阳区******"),
        ("R6", "浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区******"),
        ("R6", "新疆维吾尔自治区喀什地区疏勒县幸福路1号", "新疆维吾尔自治区喀什地区疏勒县*****"),
        ("R7a", "1949-12-31", "1949"),
        ("R7b", "1990-07-15", "1990-07"),
        ("R7c", "1990-07-15", "30-39"),
        ("R7c", "1940-01-01", "80+"),
        ("R8", "110105", "110100"),
        ("R9", "6222021234567890123", "622202*********0123"),
        ("R10", USCC, "91110000********1L"),
        ("R11", "吉A042012000939", "吉A0********939"),
        ("R12", "zhangsan@example.cn", "z*******@example.cn"),
        ("R13", "any", None),
    ],
)
def test_standards_golden_table(kind, value, expected):
    assert mask(kind, value) == expected


def test_region_code_province_level_golden():
    assert generalize_region_code("330106", "province") == "330000"


@pytest.mark.parametrize(
    ("holder_type", "expected"),
    [("111", "110105********002X"), ("001", CITIZEN_ID), ("414", "1****************X"), (None, "1****************X")],
)
def test_holder_code_follows_holder_type(holder_type, expected):
    assert mask("R1b-holder", CITIZEN_ID, {"holderCodeType": holder_type}) == expected


def test_holder_code_of_legal_entity_is_clear():
    assert mask("R1b-holder", USCC, {"holderCodeType": "001"}) == USCC


def test_registry_has_exactly_the_specified_kinds():
    expected = {f"R{n}" for n in range(2, 14) if n != 7} | {"R1a", "R1b", "R1c", "R7a", "R7b", "R7c", "R1b-holder"}
    assert set(MASK_KINDS) == expected
    assert all(isinstance(kind, MaskKind) and kind.id == kind_id for kind_id, kind in MASK_KINDS.items())


@pytest.mark.parametrize("kind", sorted(MASK_KINDS))
def test_none_stays_none(kind):
    assert mask(kind, None, {"holderCodeType": "001"}) is None


def test_only_tokens_and_null_are_valid_graphql_ids():
    assert "ID" in MASK_KINDS["R2"].graphql_types
    assert "ID" not in MASK_KINDS["R1b"].graphql_types
    assert {"String", "Int", "Float", "Boolean"} <= MASK_KINDS["R13"].graphql_types


# --- R2 pseudonyms ---------------------------------------------------------------


def test_pseudonym_differs_across_domains():
    assert mask("R2", CITIZEN_ID, context=CONSUMER_B) == "56667A5ORPIUZI7WV7N7RHPLNL"


def test_pseudonym_depends_on_key():
    other_key = MaskContext(token_key=bytes(32), domain="pop:consumerA", today=CONSUMER_A.today)
    assert mask("R2", CITIZEN_ID, context=other_key) != mask("R2", CITIZEN_ID)


def test_pseudonym_ignores_spaces():
    assert mask("R2", " 110105 19491231 002x") == "X2Q4THDXZZBVQH4KKRZV2EKZFI"


# --- short and odd inputs never leak -----------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("R1b", "1101050", "1******"),
        ("R4", "138", "1**"),
        ("R11", "吉A0421", "吉*****"),
        ("R11", "吉A04", "****"),
        ("R1a", "1", "*"),
        ("R3", "王", "*"),
        ("R3", "欧阳", "欧*"),
        ("R12", "z@example.cn", "*@example.cn"),
        ("R12", "not-an-email", "n***********"),
        ("R5", "62345678", "6234**78"),
        ("R9", "6222 0212 3456 7890 123", "622202*********0123"),
    ],
)
def test_short_and_irregular_inputs_stay_masked(kind, value, expected):
    assert mask(kind, value) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("建国门外大街1号", "建国门*****"),
        ("中关村小区3号楼", "中关村*****"),
        ("山东省济南市市中区经十路1号", "山东省济南市******"),
        ("北京", "北*"),
        ("", ""),
    ],
)
def test_address_without_recognisable_county_keeps_only_a_short_prefix(address, expected):
    assert mask("R6", address) == expected


@pytest.mark.parametrize("kind", ["R7a", "R7b", "R7c", "R8"])
def test_unparseable_generalisation_input_fails_closed(kind):
    assert mask(kind, "not a date or code") is None


def test_age_band_of_future_birth_date_is_null():
    assert mask("R7c", "2027-01-01") is None


def test_dates_accept_date_objects_and_datetimes():
    assert mask("R7a", datetime.date(1949, 12, 31)) == "1949"
    assert mask("R7b", "1990-07-15T08:30:00") == "1990-07"
    assert mask("R7c", "1996-11-22") == "30-39"
    assert mask("R7c", "1996-11-23") == "20-29"


# --- rows -----------------------------------------------------------------------------


def test_row_masker_denies_masks_and_leaves_other_fields():
    mask_row = build_row_masker({"idNumber": "R1b", "name": "R3"}, {"phone"}, CONSUMER_A)
    row = {"idNumber": CITIZEN_ID, "name": "张三丰", "phone": "13812345678", "sexCode": "2"}
    mask_row(row)
    assert row == {"idNumber": "110105********002X", "name": "张**", "phone": None, "sexCode": "2"}


def test_a_case_masks_only_the_rows_it_picks_and_the_others_as_the_field_says():
    cases = {"number": ("holderCodeType", {"111": "R1b"}), "holderCode": ("holderCodeType", {"111": "R13"})}
    mask_row = build_row_masker({"number": "R11"}, (), CONSUMER_A, cases)
    person = {"number": CITIZEN_ID, "holderCode": CITIZEN_ID, "holderCodeType": "111"}
    entity = {"number": "吉A042012000939", "holderCode": USCC, "holderCodeType": "001"}
    mask_row(person)
    mask_row(entity)
    assert person == {"number": "110105********002X", "holderCode": None, "holderCodeType": "111"}
    assert entity == {"number": "吉A0********939", "holderCode": USCC, "holderCodeType": "001"}


def test_holder_mask_reads_holder_type_before_it_is_denied():
    mask_row = build_row_masker({"holderCode": "R1b-holder"}, {"holderCodeType"}, CONSUMER_A)
    row = {"holderCode": CITIZEN_ID, "holderCodeType": "111"}
    mask_row(row)
    assert row == {"holderCode": "110105********002X", "holderCodeType": None}


def test_holder_mask_reads_holder_type_before_it_is_masked():
    mask_row = build_row_masker({"holderCode": "R1b-holder", "holderCodeType": "R1a"}, (), CONSUMER_A)
    row = {"holderCode": USCC, "holderCodeType": "001"}
    mask_row(row)
    assert row == {"holderCode": USCC, "holderCodeType": "0*1"}


def test_denied_wins_over_masked():
    mask_row = build_row_masker({"idNumber": "R1b"}, ["idNumber"], CONSUMER_A)
    row = {"idNumber": CITIZEN_ID}
    mask_row(row)
    assert row == {"idNumber": None}


def test_masker_is_reusable_across_rows():
    mask_row = build_row_masker({"idNumber": "R2"}, (), CONSUMER_A)
    rows = [{"idNumber": CITIZEN_ID}, {"idNumber": None}, {"idNumber": "11010519491231002x"}]
    for row in rows:
        mask_row(row)
    assert [row["idNumber"] for row in rows] == ["X2Q4THDXZZBVQH4KKRZV2EKZFI", None, "X2Q4THDXZZBVQH4KKRZV2EKZFI"]


def test_unknown_kind_fails_at_build_time():
    with pytest.raises(KeyError, match="R99"):
        build_row_masker({"idNumber": "R1b", "name": "R99"}, (), CONSUMER_A)
