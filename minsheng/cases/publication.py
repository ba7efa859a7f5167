"""The public version of a case: what leaves through Open311, public pages and anonymous API
calls. One place decides it:

- whether a case is published at all: its kind and its category must both say so (办不成事
  and enterprise cases are not, by default: they name a person's or a firm's own affairs);
- its public text: the summary and result staff wrote for the public when there is one,
  otherwise the text as typed, and in every case with personal data masked (phones, ID
  numbers, 统一社会信用代码, e-mail, the requester's name, names introduced as such).
"""

from django.db.models import Q

from minsheng.cases.models import EventKind, Result
from minsheng.core.identity import mask_personal_text

# Columns the public version needs, for .values() reads.
PUBLIC_TEXT_FIELDS = ("description", "public_summary", "public_result", "result", "requester_name", "address")


def published_q(prefix: str = "") -> Q:
    """Cases whose kind and category are published (`prefix` for a query over another model, e.g. "case__")."""
    return Q(**{f"{prefix}kind__is_published": True, f"{prefix}category__is_published": True})


def public_text(text: str, requester_name: str) -> str:
    return mask_personal_text(text or "", names=(requester_name,))


def public_title(row) -> str:
    """The title as the tracking page and the slip print it: typed or cut from the description,
    it can carry a phone number or a name, masked like the rest."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return public_text(get("title"), get("requester_name"))


def public_description(row) -> str:
    """`row`: a Case or a dict of PUBLIC_TEXT_FIELDS."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return public_text(get("public_summary") or get("description"), get("requester_name"))


def public_address(row) -> str:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return public_text(get("address"), get("requester_name"))


def public_note(kind: str, note: str, row) -> str:
    """An event's note to the public. A close's note carries the result text, so when staff
    wrote a public result it stands in for the text as typed."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    if kind == EventKind.CLOSED and get("public_result") and get("result") in Result.values:
        note = f"办理结果：{Result(get('result')).label}。{get('public_result')}"
    return public_text(note, get("requester_name"))
