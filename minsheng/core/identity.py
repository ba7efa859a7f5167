"""Validation (with check digits) and masking of personal and enterprise identifiers.

- 居民身份证号: GB 11643-1999, 18 characters, ISO 7064 MOD 11-2 check character.
- 统一社会信用代码: GB 32100-2015, 18 characters, MOD 31 check character.
- 手机号码: mainland mobile numbers, 11 digits starting 13-19.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def resident_id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_resident_id(value: str) -> str:
    """Return the ID number in canonical form (upper-case X) or raise ValidationError."""
    number = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError("身份证号应为18位，前17位是数字，最后一位是数字或X。", code="format")
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期不存在。", code="birth_date") from None
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位不正确，请核对后重新输入。", code="check_digit")
    return number


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARSET.index(char) * weight for char, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    """Return the 统一社会信用代码 in canonical form or raise ValidationError."""
    code = (value or "").strip().upper()
    if not _USCC_PATTERN.fullmatch(code):
        raise ValidationError(
            "统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V），第3至8位为行政区划码。",
            code="format",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新输入。", code="check_digit")
    return code


def normalize_mobile(value: str) -> str:
    """Return an 11-digit mainland mobile number or raise ValidationError; accepts +86 and separators."""
    number = re.sub(r"[\s\-()（）]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    if not _MOBILE_PATTERN.fullmatch(number):
        raise ValidationError("手机号码应为11位数字，以13至19开头。", code="format")
    return number


def validate_resident_id(value: str) -> None:
    normalize_resident_id(value)


def validate_uscc(value: str) -> None:
    normalize_uscc(value)


def validate_mobile(value: str) -> None:
    normalize_mobile(value)


def mask_phone(value: str) -> str:
    """138****1234: keeps the carrier prefix and the last four digits."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_resident_id(value: str) -> str:
    """3604**********123X: keeps the region prefix and the last four characters."""
    if not value:
        return ""
    if len(value) < 9:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_name(value: str) -> str:
    """赵*, 欧阳** : keeps the first character of a person's name."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


# --- personal data inside free text ------------------------------------------------------------
# What a resident types ("我是王建国，电话13979212345") and what staff write back ("送达赵阿姨")
# is published only through mask_personal_text. Patterns err on the side of masking: a
# house number that looks like a phone number loses its middle digits, a phone number never
# survives.

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
# Groups may be written apart: "360429 19800101 1235".
_ID_IN_TEXT = re.compile(
    _NOT_ALNUM_BEFORE
    + r"\d{6}[\s\-]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[\s\-]?\d{3}[\dXx]"
    + _NOT_ALNUM_AFTER
)
_USCC_IN_TEXT = re.compile(
    _NOT_ALNUM_BEFORE + r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}" + _NOT_ALNUM_AFTER, re.IGNORECASE
)
# 139 7921 2345, 139-7921-2345, 139.7921.2345, 139/7921/2345, +86 13979212345, full-width digits.
_SEPARATOR = r"[\s\-./·—]"
_MOBILE_IN_TEXT = re.compile(
    rf"(?<![0-9０-９])(?:(?:\+|＋)?86{_SEPARATOR}?)?[1１][3-9３-９](?:{_SEPARATOR}?[0-9０-９]){{9}}(?![0-9０-９])"
)
# 0792-8221234, (0792)8221234, （0792）8221234, 0792 822 1234.
_LANDLINE_IN_TEXT = re.compile(rf"(?<![0-9])(?:[(（]0\d{{2,3}}[)）]|0\d{{2,3}}){_SEPARATOR}?\d{{3,4}}{_SEPARATOR}?\d{{3,4}}(?![0-9])")
_LONG_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])\d{12,}(?![0-9])")  # bank cards, old 15-digit IDs
_DIGIT = re.compile(r"\d")
_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# "赵阿姨", "王先生": a common surname with a form of address.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧熊"
)
# "我是王建国", "联系人：李芳": a name right after words that introduce one. After 业主, 户主,
# 申请人 and 本人 a verb is as likely as a name ("业主都签字同意", "本人多次前往"): without a colon
# only a common surname starts a name there.
_INTRODUCED_NAME = re.compile(
    r"(我是\s*|我叫\s*|(?:联系人|姓名)\s*[:：]?\s*|(?:户主|申请人|业主|本人)\s*[:：]\s*"
    f"|(?:户主|申请人|业主|本人)\\s*(?=[{_SURNAMES}]))"
    r"([\u4e00-\u9fff]{2,3})"
)
_ADDRESSED = re.compile(
    f"([{_SURNAMES}])(阿姨|大爷|大妈|大娘|奶奶|爷爷|婆婆|阿婆|先生|女士|师傅|大姐|大哥|叔叔|婶婶|伯伯|老师|同志|经理|总)"
)


def _mask_digits(text: str, keep_start: int, keep_end: int) -> str:
    digits = re.sub(r"[\s\-+＋()（）./·—]", "", text)
    if len(digits) <= keep_start + keep_end:
        return "*" * len(digits)
    return digits[:keep_start] + "*" * (len(digits) - keep_start - keep_end) + digits[-keep_end:]


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_personal_text(text: str, *, names: tuple[str, ...] | list[str] = ()) -> str:
    """Free text with phone numbers, ID numbers, 统一社会信用代码, e-mail addresses and the
    named people (the requester's own name, names introduced as such, a surname with a form of
    address) masked: what may leave through public pages, Open311 and anonymous API calls."""
    if not text:
        return text or ""
    if "@" in text:
        text = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group()), text)
    # Every number pattern below has six digits or more: most texts have fewer, and skip them.
    if len(_DIGIT.findall(text)) >= 6:
        text = _ID_IN_TEXT.sub(lambda m: mask_resident_id(re.sub(r"[\s\-]", "", m.group())), text)
        text = _USCC_IN_TEXT.sub(lambda m: _mask_digits(m.group(), 4, 4), text)
        text = _MOBILE_IN_TEXT.sub(lambda m: _mask_digits("".join(c for c in m.group() if c.isdigit())[-11:], 3, 4), text)
        text = _LANDLINE_IN_TEXT.sub(lambda m: _mask_digits(m.group(), 4, 2), text)
        text = _LONG_NUMBER_IN_TEXT.sub(lambda m: _mask_digits(m.group(), 4, 4), text)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
        given = name[1:]
        if len(given) >= 2:
            text = text.replace(given, "*" * len(given))
    text = _INTRODUCED_NAME.sub(lambda m: m.group(1) + mask_name(m.group(2)), text)
    return _ADDRESSED.sub(lambda m: m.group(1) + "*" * len(m.group(2)), text)
