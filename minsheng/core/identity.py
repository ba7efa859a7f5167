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
