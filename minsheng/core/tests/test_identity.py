import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from minsheng.core.identity import (
    mask_name,
    mask_personal_text,
    mask_phone,
    mask_resident_id,
    normalize_mobile,
    normalize_resident_id,
    normalize_uscc,
)

# Published, real-world numbers: GB 11643's own examples and the codes of well-known companies.
VALID_IDS = ["11010519491231002X", "440524188001010014", "11010519491231002x"]
VALID_USCC = ["91110000802100433B", "91440300708461136T", "91350100M000100Y43"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_it_accepts_resident_ids_with_a_correct_check_character(number):
    assert normalize_resident_id(number) == number.upper()


@pytest.mark.parametrize(
    "number, fragment",
    [
        ("110105194912310021", "校验位"),  # last character changed
        ("11010519491331002X", "出生日期"),  # month 13
        ("1101051949123100", "18位"),
        ("11010519491231002Y", "18位"),
        ("", "18位"),
    ],
)
def test_it_refuses_wrong_resident_ids_saying_what_is_wrong(number, fragment):
    with pytest.raises(ValidationError) as raised:
        normalize_resident_id(number)
    assert fragment in raised.value.messages[0]
    assert "身份证号" in raised.value.messages[0]


@pytest.mark.parametrize("code", VALID_USCC)
def test_it_accepts_credit_codes_with_a_correct_check_character(code):
    assert normalize_uscc(code.lower()) == code


@pytest.mark.parametrize(
    "code, fragment",
    [
        ("91110000802100433C", "校验位"),
        ("91110000802100433", "18位"),
        ("9111000080210043IB", "不含I"),  # I is not in the GB 32100 character set
        ("91ABCDEF802100433B", "行政区划码"),
    ],
)
def test_it_refuses_wrong_credit_codes(code, fragment):
    with pytest.raises(ValidationError) as raised:
        normalize_uscc(code)
    assert fragment in raised.value.messages[0]
    assert "统一社会信用代码" in raised.value.messages[0]


@given(st.integers(min_value=0, max_value=16))
def test_it_detects_any_single_changed_digit_of_an_id(position):
    number = "11010519491231002X"
    digit = number[position]
    changed = number[:position] + str((int(digit) + 1) % 10) + number[position + 1 :]
    with pytest.raises(ValidationError):
        normalize_resident_id(changed)


@pytest.mark.parametrize("typed", ["13812341234", "138 1234 1234", "+86 138-1234-1234", "008613812341234"])
def test_it_normalizes_mobile_numbers(typed):
    assert normalize_mobile(typed) == "13812341234"


@pytest.mark.parametrize("typed", ["12812341234", "1381234123", "0792-1234567", "abc"])
def test_it_refuses_numbers_that_are_not_mobiles(typed):
    with pytest.raises(ValidationError) as raised:
        normalize_mobile(typed)
    assert "手机号码" in raised.value.messages[0]


def test_it_masks_phone_id_and_name_for_display():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_resident_id("11010519491231002X") == "1101**********002X"
    assert mask_name("赵秀英") == "赵**"
    assert mask_name("赵") == "赵*"
    assert mask_phone("") == ""


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_it_never_shows_the_middle_of_a_phone_number(number):
    masked = mask_phone(number)
    assert masked[3:7] == "****"
    assert masked.endswith(number[-4:]) and len(masked) == 11


@pytest.mark.parametrize(
    "text, names, masked",
    [
        ("我是王建国，电话13979212345", ("王建国",), "我是王**，电话139****2345"),
        ("电话139-7921-2345或+86 139 7921 2345", (), "电话139****2345或139****2345"),
        ("手机１３９７９２１２３４５", (), "手机１３９****２３４５"),
        ("身份证36042919800101123x", (), "身份证3604**********123x"),
        ("信用代码91360429ma35xxxx1k", (), "信用代码9136**********xx1k"),
        ("邮箱wang.jg@qq.com", (), "邮箱w***@qq.com"),
        ("座机0792-8221234", (), "座机0792*****34"),
        ("银行卡6222021234567890123", (), "银行卡6222***********0123"),
        ("已送达赵阿姨，王先生也到场", (), "已送达赵**，王**也到场"),
        ("联系人：李芳；户主张伟", (), "联系人：李*；户主张*"),
        ("建国同志来电催办", ("王建国",), "**同志来电催办"),
        ("电话139.7921.2345或139/7921/2345", (), "电话139****2345或139****2345"),
        ("身份证360429 19800101 1235", (), "身份证3604**********1235"),
        ("座机(0792)8123456，（0792）812 3456", (), "座机0792*****56，0792*****56"),
        ("联系人 王建国，姓名： 李芳", (), "联系人 王**，姓名： 李*"),
        ("业主王建国反映，本人：都晓", (), "业主王**反映，本人：都*"),
    ],
)
def test_personal_data_inside_free_text_is_masked(text, names, masked):
    assert mask_personal_text(text, names=names) == masked


@pytest.mark.parametrize(
    "text",
    ["湖口-2026-000123", "2026年11月23日3号楼2单元", "拨打12345热线", "0792-12345", "加装电梯305部，完成率62%",
     # After 业主/本人 without a colon a verb is no name (a title read "业主都**字同意").
     "小区想加装电梯，业主都签字同意", "本人多次前往住建局"],
)
def test_ordinary_numbers_and_words_are_left_alone(text):
    assert mask_personal_text(text) == text
