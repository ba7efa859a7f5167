"""One input rule for every channel: text never carries control characters.

NUL and the other C0 control characters (tab, line feed and carriage return excepted: forms
send line breaks as CR LF), DEL, lone UTF-16 surrogates and the non-characters U+FFFE/U+FFFF
are refused wherever text enters: PostgreSQL cannot store NUL at all, SQLite stores it and
then every XML document carrying it is broken, and none of them is ever typed by a person.
The input guard (core/middleware.py) applies the rule to every request; the actions apply it
again, so imports and commands cannot store what a form could not.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from minsheng.core.errors import ActionError

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# XML 1.0's Char production: what may appear in a document at all.
NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Dates people type (filters, 原申请日期, a new deadline) stay within these bounds, so that a
# year 1 or 9999 never reaches date arithmetic or the database.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
# Database ids: positive 64-bit integers.
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def forbidden_character(text: str) -> int | None:
    """The 0-based position of the first forbidden character, or None."""
    match = FORBIDDEN.search(text)
    return match.start() if match else None


def control_character_message(label: str, text: str, position: int) -> str:
    code = f"U+{ord(text[position]):04X}"
    return f"{label}含有不可见的控制字符（第{position + 1}个字符，{code}），请删除后重新提交。"


def check_text(value: str, *, field: str, label: str) -> str:
    """Return the text unchanged, or raise ActionError naming the field."""
    position = forbidden_character(value or "")
    if position is not None:
        raise ActionError(control_character_message(label, value, position), field=field)
    return value


def xml_safe(text: str) -> str:
    """Text an XML 1.0 document can carry: characters the standard forbids are dropped."""
    return NOT_XML.sub("", text)


def check_date(value: date | None, *, field: str, label: str) -> date | None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ActionError(
            f"{label}应在{date_words(EARLIEST_DATE)}至{date_words(LATEST_DATE)}之间。", field=field
        )
    return value


def date_words(day: date) -> str:
    """A date as messages and pages write it in full: 2026年12月9日, never 12月09日."""
    return f"{day.year}年{day.month}月{day.day}日"


def parse_id(text: str | None) -> int | None:
    """A database id typed into a URL parameter, or None when it is not one (a 26-digit
    number, full-width digits, '²'): such a filter matches nothing rather than failing."""
    text = (text or "").strip()
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """A typed text, trimmed; refused, naming the field, when empty (if required), too long for
    its column, or carrying what check_text refuses (a NUL, other control characters)."""
    value = check_text(str(value or "").strip(), field=field, label=label)
    if required and not value:
        raise ActionError(f"请填写{label}。", field=field)
    if len(value) > max_length:
        raise ActionError(f"{label}不能超过{max_length}个字。", field=field)
    return value


# Amounts people type stay well below this (a city's budget lines, a firm's yearly figures).
LARGEST_AMOUNT = Decimal("1e12")


def parse_amount(value, *, field: str, label: str, places: int = 2, required: bool = True) -> Decimal | None:
    """A non-negative number typed as text (commas allowed), with at most `places` decimals;
    None when empty and not required. Refused, naming the field: words, NaN, infinities, a
    negative, more decimals, or an amount beyond LARGEST_AMOUNT."""
    if value in (None, ""):
        if required:
            raise ActionError(f"请填写{label}。", field=field)
        return None
    if isinstance(value, bool):
        raise ActionError(f"{label}应为数字。", field=field)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ActionError(f"{label}应为数字。", field=field) from None
    if not number.is_finite() or abs(number) >= LARGEST_AMOUNT:
        raise ActionError(f"{label}应为有限的数字。", field=field)
    if number < 0:
        raise ActionError(f"{label}不能为负数。", field=field)
    if number.as_tuple().exponent < -places:
        raise ActionError(f"{label}最多精确到{'分' if places == 2 else f'小数点后{places}位'}。", field=field)
    return number
