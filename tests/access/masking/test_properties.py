import datetime

from hypothesis import assume, given
from hypothesis import strategies as st

from access.masking import MASK_KINDS, MaskContext
from access.masking.names import COMPOUND_SURNAMES

CONTEXT_A = MaskContext(token_key=b"k" * 32, domain="pop:consumerA", today=datetime.date(2026, 11, 22))
CONTEXT_B = MaskContext(token_key=b"k" * 32, domain="pop:consumerB", today=datetime.date(2026, 11, 22))

# (kind, head kept, tail kept, minimum hidden) as specified in standards.md §2.2
KEEP_ENDS_KINDS = [
    ("R1a", 1, 1, 1),
    ("R1b", 6, 4, 1),
    ("R1c", 1, 2, 1),
    ("R4", 3, 4, 1),
    ("R9", 6, 4, 1),
    ("R10", 8, 2, 1),
    ("R11", 3, 3, 4),
]

# No spaces (R9 drops them) and no '*' (indistinguishable from the mask).
plain_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc", "Z"), exclude_characters="*"), max_size=40
)
CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# Administrative-name characters free of level markers and sub-county words.
ADMIN_NAME = st.text(alphabet="东南西北中山河湖江海平安华阳春明德兴宁永和丰泰昌", min_size=1, max_size=6)


def apply(kind: str, value, context: MaskContext = CONTEXT_A, row=None):
    return MASK_KINDS[kind].apply(value, row or {}, context)


@given(kind_spec=st.sampled_from(KEEP_ENDS_KINDS), value=plain_text)
def test_keep_ends_hides_the_middle_and_preserves_length(kind_spec, value):
    kind, head, tail, min_hidden = kind_spec
    output = apply(kind, value)
    assert len(output) == len(value)
    assert output.count("*") >= min(min_hidden, len(value))
    middle = value[head : len(value) - tail]
    if len(middle) >= 4 and middle not in value[:head] and middle not in value[len(value) - tail :]:
        assert middle not in output


@given(kind_spec=st.sampled_from(KEEP_ENDS_KINDS), value=plain_text.filter(bool))
def test_keep_ends_never_returns_a_non_empty_input_whole(kind_spec, value):
    kind, *_ = kind_spec
    assert apply(kind, value) != value


@given(holder_type=st.one_of(st.none(), st.text(max_size=3)), value=plain_text.filter(bool))
def test_holder_code_is_masked_unless_holder_is_a_legal_entity(holder_type, value):
    output = apply("R1b-holder", value, row={"holderCodeType": holder_type})
    if holder_type == "001":
        assert output == value
    else:
        assert output != value and len(output) == len(value)


@given(
    surname=st.sampled_from(sorted(COMPOUND_SURNAMES) + list("张王李赵刘陈杨黄周吴")),
    given_name=st.text(alphabet=CHINESE, min_size=0, max_size=3),
)
def test_name_mask_never_shows_given_name_characters(surname, given_name):
    name = surname + given_name
    assume(len(surname) == 2 or name[:2] not in COMPOUND_SURNAMES)
    output = apply("R3", name)
    assert len(output) == len(name)
    for char in set(given_name) - set(surname):
        assert char not in output
    if len(name) == 1:
        assert output == "*"


@given(
    province=st.one_of(st.just(""), ADMIN_NAME.map(lambda n: n + "省"), ADMIN_NAME.map(lambda n: n + "自治区")),
    prefecture=st.one_of(st.just(""), ADMIN_NAME.map(lambda n: n + "市"), ADMIN_NAME.map(lambda n: n + "地区")),
    county=st.tuples(ADMIN_NAME, st.sampled_from("区县旗市")).map("".join),
    rest=st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="*"), max_size=30),
)
def test_address_mask_never_shows_anything_after_the_county(province, prefecture, county, rest):
    head = province + prefecture + county
    output = apply("R6", head + rest)
    visible = output.rstrip("*")
    assert head.startswith(visible)
    assert output != head + rest


@given(value=st.text(min_size=8, max_size=40))
def test_token_never_contains_input_and_differs_across_domains(value):
    token_a = apply("R2", value, CONTEXT_A)
    assert value not in token_a
    assert token_a != apply("R2", value, CONTEXT_B)
    assert len(token_a) == 26


anything = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.dates().map(datetime.date.isoformat),
    st.integers(),
    st.dates(),
)


@given(kind=st.sampled_from(sorted(MASK_KINDS)), value=anything,
       holder_type=st.sampled_from([None, "111", "001", "414"]))
def test_every_output_fits_its_declared_graphql_types(kind, value, holder_type):
    output = apply(kind, value, row={"holderCodeType": holder_type})
    if output is None:
        return
    assert isinstance(output, str)
    assert "String" in MASK_KINDS[kind].graphql_types
