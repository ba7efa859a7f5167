"""Reads shared by the inspection pages, the API, the figures and the actions."""

import zlib
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from minsheng.core.errors import NotFound
from minsheng.enterprises.models import Entity
from minsheng.inspections import rules
from minsheng.inspections.models import Draw, Filing, FilingState, InspectionRules, QuietDayRule
from minsheng.org.models import Region

OPEN_STATES = (FilingState.FILED, FilingState.APPROVED)
COUNTED_STATES = (FilingState.FILED, FilingState.APPROVED, FilingState.INSPECTED, FilingState.PUBLISHED)


@dataclass(frozen=True)
class Rules:
    routine_notice_days: int = 3
    routine_yearly_cap: int = 2
    first_offence_window_years: int = 2
    publish_within_days: int = 20
    region: str = "默认"


def rules_for(region: Region) -> Rules:
    """The rules of the nearest region up the tree that has its own (a county, else the city)."""
    codes = []
    while region is not None:
        codes.append(region.pk)
        region = region.parent
    found = {row.region_id: row for row in InspectionRules.objects.filter(region_id__in=codes).select_related("region")}
    for pk in codes:
        if pk in found:
            row = found[pk]
            return Rules(row.routine_notice_days, row.routine_yearly_cap, row.first_offence_window_years,
                         row.publish_within_days, row.region.name)
    return Rules()


def quiet_rules_covering(entity: Entity, day: date) -> list[QuietDayRule]:
    """The quiet-day rules that keep inspectors out of this firm on this day."""
    candidates = (QuietDayRule.objects.filter(valid_from__lte=day, first_day__lte=day.day, last_day__gte=day.day)
                  .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).select_related("region"))
    return [rule for rule in candidates if rule.covers(entity, day)]


def access_filing(user, pk) -> Filing:
    filing = (Filing.objects.select_related("entity", "entity__region", "department", "draw").filter(pk=pk).first()
              if isinstance(pk, int) else None)
    if filing is None:
        raise NotFound("没有找到该检查备案。")
    if not rules.may_see_filing(user, filing):
        raise NotFound("没有找到该检查备案。")  # the same as none: ids are no oracle
    return filing


def filing_by_code(number: str, check_code: str) -> Filing | None:
    """The approved filing a firm checks at the door; None for anything else, the same whether
    the number does not exist or the code is wrong (no oracle)."""
    number, check_code = (number or "").strip().upper(), (check_code or "").strip().upper()
    if not number or not check_code or len(number) > 20 or len(check_code) > 8:
        return None
    filing = (Filing.objects.select_related("entity", "department")
              .filter(number=number, check_code=check_code).exclude(state=FilingState.FILED).first())
    return filing


def pool_bytes(draw: Draw) -> bytes:
    """The frozen pool as published for download (its SHA-256 is the draw's pool hash)."""
    return zlib.decompress(bytes(draw.pool))


def result_bytes(draw: Draw) -> bytes:
    return zlib.decompress(bytes(draw.result)) if draw.result is not None else b""


def firm_by_uscc(text: str) -> Entity:
    """The registry's firm with this 统一社会信用代码 (typed as people type it: enterprises'
    clean_uscc); refused, naming the field, when it is not one or not registered."""
    from minsheng.core.errors import ActionError
    from minsheng.enterprises.actions.firm_login import clean_uscc

    entity = Entity.objects.select_related("region").filter(uscc=clean_uscc(text)).first()
    if entity is None:
        raise ActionError("企业库中没有该统一社会信用代码的市场主体，请核对。", field="uscc")
    return entity


def visible_filings(user):
    """The visits a staff member sees: their departments', or, overseeing, their jurisdiction's."""
    from minsheng.org.access import in_jurisdiction_q, oversees

    if oversees(user):
        return Filing.objects.filter(in_jurisdiction_q(user, "entity__region"))
    return Filing.objects.filter(departments=user.department_id)


def verification(draw: Draw) -> dict:
    """The draw re-run from its record, once a record: the answer is kept in the shared cache
    under the record's hashes, so a crowd asking (the page's button, the API) costs one run."""
    from django.core.cache import cache

    from minsheng.core import clock
    from minsheng.inspections.actions import verify_draw

    key = _verify_key(draw)
    outcome = cache.get(key)
    if outcome is None:
        result = verify_draw(draw)
        outcome = {"matches": result.matches, "message": result.message, "at": clock.now()}
        cache.set(key, outcome, 3600)
    return outcome


def cached_verification(draw: Draw) -> dict | None:
    """The last re-run's answer, if any, without running it (the page shows it)."""
    from django.core.cache import cache

    return cache.get(_verify_key(draw))


def _verify_key(draw: Draw) -> str:
    return f"inspections:verify:{draw.pk}:{draw.pool_hash}:{draw.result_hash}"


@dataclass(frozen=True)
class Work:
    to_approve: int
    upcoming: int  # approved visits from today on
    to_publish: int
    overdue: int


def work_for(user, today: date) -> Work | None:
    """What the staff home page shows a department's handlers and heads of their visits; None
    for anyone whose department files none."""
    from minsheng.org.models import Role

    if user.department_id is None or not user.has_role(Role.HANDLER, Role.DEPARTMENT_HEAD):
        return None
    filings = Filing.objects.filter(departments=user.department_id)
    if not filings.exists():
        return None
    to_approve = (Filing.objects.filter(department=user.department_id, state=FilingState.FILED)
                  .exclude(filed_by=user).count() if user.has_role(Role.DEPARTMENT_HEAD) else 0)
    return Work(to_approve=to_approve,
                upcoming=filings.filter(state=FilingState.APPROVED, planned_on__gte=today).count(),
                to_publish=filings.filter(state=FilingState.INSPECTED).count(),
                overdue=filings.publication_overdue(today).count())
